-- Spot-check pass rate per domain and year, with the Wilson 95% interval.
-- Grain: one row per domain x year that has samples. Params: $year_from, $year_to, $month_from, $month_to, $districts,
-- $sectors.
-- $districts and $sectors are code lists; an empty list means all.
with selected as (
    select * from selected_counts($year_from, $year_to, $month_from, $month_to, $districts, $sectors)
),

by_domain_year as (
    select
        domain,
        year,
        sum(samples)::bigint as samples,
        sum(passed)::bigint as passed
    from selected
    group by all
),

final as (
    select
        domain,
        year,
        samples,
        passed,
        pass_rate_pct(passed, samples) as pass_rate,
        wilson_low_pct(passed, samples) as interval_low,
        wilson_high_pct(passed, samples) as interval_high
    from by_domain_year
)

select * from final
order by domain, year
