-- Indicators per year for the selected districts and sectors, with the change on the previous year (in the
-- indicator's unit: percentage points for rates) and the target for that year: the selected district's own
-- target when exactly one district is selected and it has one, else the city-wide target; and the published
-- national and provincial values for that year with their sources, where there are any (all_benchmarks).
-- The months $month_from..$month_to are read in every year, so each year is compared with the same months of the
-- one before. Targets and benchmarks are for whole years: a count over part of a year gets none (a rate may be
-- read against them); `yearly` marks indicators from yearly tables, which show whole years only.
-- Grain: one row per indicator x year (years without observations are absent).
-- Params: $year_from, $year_to, $month_from, $month_to, $districts, $sectors.
-- $districts and $sectors are code lists; an empty list means all.
with observations as (
    select * from selected_observations($year_from - 1, $year_to, $month_from, $month_to, $districts, $sectors)
),

by_year as (
    select
        indicator,
        year,
        sum(numerator) as numerator,
        sum(denominator) as denominator,
        observed_value(sum(numerator), sum(denominator), count(denominator), any_value(scale)) as value,
        bool_and(month is null) as yearly
    from observations
    group by all
    having value is not null
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
        p.yearly,
        p.yearly or p.denominator is not null or ($month_from = 1 and $month_to = 12) as whole_year_comparable,
        case when p.previous_year = p.year - 1 then p.previous_any end as previous_value,
        case when p.previous_year = p.year - 1 then p.value - p.previous_any end as change,
        coalesce(own.target, city.target) as target,
        national.value as national,
        national.source_title as national_source,
        provincial.value as provincial,
        provincial.source_title as provincial_source
    from with_previous as p
    left join targets as city
        on city.indicator = p.indicator and city.year = p.year and city.district_code is null
    left join targets as own
        on own.indicator = p.indicator and own.year = p.year and len($districts) = 1
        and own.district_code = $districts[1]
    left join all_benchmarks as national
        on national.indicator = p.indicator and national.year = p.year and national.scope = 'national'
    left join all_benchmarks as provincial
        on provincial.indicator = p.indicator and provincial.year = p.year and provincial.scope = 'provincial'
    where p.year >= $year_from
)

select
    * exclude (whole_year_comparable, target, national, national_source, provincial, provincial_source),
    case when whole_year_comparable then target end as target,
    case when whole_year_comparable then national end as national,
    case when whole_year_comparable then national_source end as national_source,
    case when whole_year_comparable then provincial end as provincial,
    case when whole_year_comparable then provincial_source end as provincial_source
from final
order by indicator, year
