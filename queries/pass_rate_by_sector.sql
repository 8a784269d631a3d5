-- Spot-check pass rate per sector in one year, with the Wilson 95% interval; sectors with fewer than
-- $min_samples samples are flagged and left unranked.
-- Grain: one row per sector with samples in $year. Params: $year, $month_from, $month_to, $districts, $sectors,
-- $min_samples.
-- $districts and $sectors are code lists; an empty list means all.
with selected as (
    select * from selected_counts($year, $year, $month_from, $month_to, $districts, $sectors)
),

by_sector as (
    select
        sector_code,
        sum(samples)::bigint as samples,
        sum(passed)::bigint as passed
    from selected
    group by all
),

final as (
    select
        b.sector_code,
        s.name_zh,
        s.name_en,
        s.domain,
        b.samples,
        b.passed,
        pass_rate_pct(b.passed, b.samples) as pass_rate,
        wilson_low_pct(b.passed, b.samples) as interval_low,
        wilson_high_pct(b.passed, b.samples) as interval_high,
        b.samples >= $min_samples as enough_samples,
        case when b.samples >= $min_samples then rank() over (
            partition by b.samples >= $min_samples order by pass_rate_pct(b.passed, b.samples) desc
        ) end as rank
    from by_sector as b
    join sectors as s using (sector_code)
)

select * from final
order by rank nulls last, pass_rate desc, sector_code
