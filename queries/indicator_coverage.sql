-- What data each indicator has: first and last year, and how many districts report it in its last year.
-- Grain: one row per indicator with observations. No params.
with last_years as (
    select indicator, min(year) as first_year, max(year) as last_year
    from indicator_observations
    group by all
),

final as (
    select l.indicator, l.first_year, l.last_year, count(distinct o.district_code) as districts
    from last_years as l
    join indicator_observations as o on o.indicator = l.indicator and o.year = l.last_year
    group by all
)

select * from final
order by indicator
