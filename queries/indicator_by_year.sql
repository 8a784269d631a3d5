-- Headline indicators per year for the selected districts and sectors, with the change on the previous year
-- (in the indicator's unit: percentage points for rates) and the city-wide target for that year.
-- Grain: one row per indicator x year (years without observations are absent).
-- Params: $year_from, $year_to, $districts, $sectors.
-- $districts and $sectors are code lists; an empty list means all.
with observations as (
    select * from selected_observations($year_from - 1, $year_to, $districts, $sectors)
),

by_year as (
    select
        indicator,
        year,
        sum(numerator)::bigint as numerator,
        sum(denominator)::bigint as denominator,
        sum(numerator) / sum(denominator) * any_value(scale) as value
    from observations
    group by all
    having sum(denominator) > 0
),

with_previous as (
    select
        *,
        lag(year) over by_indicator as previous_year,
        lag(value) over by_indicator as previous_any
    from by_year
    window by_indicator as (partition by indicator order by year)
),

final as (
    select
        p.indicator,
        p.year,
        p.numerator,
        p.denominator,
        p.value,
        case when p.previous_year = p.year - 1 then p.previous_any end as previous_value,
        case when p.previous_year = p.year - 1 then p.value - p.previous_any end as change,
        t.target
    from with_previous as p
    left join targets as t
        on t.indicator = p.indicator and t.year = p.year and t.district_code is null
    where p.year >= $year_from
)

select * from final
order by indicator, year
