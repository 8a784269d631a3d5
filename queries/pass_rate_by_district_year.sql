-- Spot-check pass rate per district and year, for the district x year heatmap.
-- Grain: one row per district x year that has samples. Params: $year_from, $year_to, $month_from, $month_to,
-- $districts, $sectors.
-- $districts and $sectors are code lists; an empty list means all.
with selected as (
    select * from selected_counts($year_from, $year_to, $month_from, $month_to, $districts, $sectors)
),

by_district_year as (
    select
        district_code,
        year,
        sum(samples)::bigint as samples,
        sum(passed)::bigint as passed
    from selected
    group by all
),

final as (
    select
        b.district_code,
        d.name_zh,
        d.name_en,
        b.year,
        b.samples,
        b.passed,
        pass_rate_pct(b.passed, b.samples) as pass_rate
    from by_district_year as b
    join districts as d using (district_code)
)

select * from final
order by district_code, year
