-- One indicator per selected district for one year: value, change on the previous year, base (samples,
-- units, projects…; null for counts and totals), Wilson 95% interval for rates, and a rank that skips districts
-- whose base is below $min_samples.
-- Grain: one row per selected district (districts without data have null values).
-- Params: $indicator, $year, $month_from, $month_to, $districts, $sectors, $min_samples, $higher_is_better.
-- $districts and $sectors are code lists; an empty list means all.
with observations as (
    select * from selected_observations($year - 1, $year, $month_from, $month_to, $districts, $sectors)
    where indicator = $indicator
),

by_district_year as (
    select
        district_code,
        year,
        sum(numerator) as numerator,
        sum(denominator) as denominator,
        observed_value(sum(numerator), sum(denominator), count(denominator), any_value(scale)) as value,
        any_value(scale) = 100 and count(denominator) > 0 as is_rate
    from observations
    group by all
    having value is not null
),

joined as (
    select
        d.district_code,
        d.name_zh,
        d.name_en,
        c.denominator as base,
        c.numerator,
        c.value,
        p.value as previous_value,
        c.value - p.value as change,
        case when c.is_rate then wilson_low_pct(c.numerator, c.denominator) end as interval_low,
        case when c.is_rate then wilson_high_pct(c.numerator, c.denominator) end as interval_high,
        coalesce(c.denominator >= $min_samples or (c.value is not null and c.denominator is null), false)
            as enough_samples
    from districts as d
    left join by_district_year as c on c.district_code = d.district_code and c.year = $year
    left join by_district_year as p on p.district_code = d.district_code and p.year = $year - 1
    where len($districts) = 0 or list_contains($districts, d.district_code)
),

final as (
    select
        *,
        case when enough_samples then rank() over (
            partition by enough_samples
            order by case when $higher_is_better then value else -value end desc
        ) end as rank
    from joined
)

select * from final
order by rank nulls last, value desc nulls last, district_code
