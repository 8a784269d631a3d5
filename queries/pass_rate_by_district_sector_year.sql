-- The rows behind the spot-check charts: samples, passes and failures per district, sector and year.
-- Grain: one row per district x sector x year that has samples. Params: $year_from, $year_to, $month_from, $month_to,
-- $districts, $sectors.
-- $districts and $sectors are code lists; an empty list means all.
with selected as (
    select * from selected_counts($year_from, $year_to, $month_from, $month_to, $districts, $sectors)
),

by_cell as (
    select
        year,
        district_code,
        sector_code,
        sum(samples)::bigint as samples,
        sum(passed)::bigint as passed
    from selected
    group by all
),

final as (
    select
        c.year,
        c.district_code,
        d.name_zh as district_zh,
        d.name_en as district_en,
        c.sector_code,
        s.name_zh as sector_zh,
        s.name_en as sector_en,
        s.domain,
        c.samples,
        c.passed,
        c.samples - c.passed as failed,
        pass_rate_pct(c.passed, c.samples) as pass_rate
    from by_cell as c
    join districts as d using (district_code)
    join sectors as s using (sector_code)
)

select * from final
order by year, district_code, sector_code
