-- The composite quality index per district and year (0-100, see setup/60_index_scores.sql), with the share of
-- the index weight the district has data for, and its rank in the year among the selected districts. Only
-- districts with data on every index indicator that any district has that year are ranked: a partial index is not
-- comparable (an indicator no district has yet, e.g. before a service began, leaves everyone equal).
-- Grain: one row per district x year with data. Params: $year_from, $year_to, $districts, $sectors,
-- $indicators, $weights, $higher (parallel lists: the index's indicators, weights and directions).
with scores as (
    select * from index_scores($year_from, $year_to, $sectors, $indicators, $weights, $higher)
    where len($districts) = 0 or list_contains($districts, district_code)
),

by_district_year as (
    -- rounded so that equal indices compare equal whatever order the parallel sum took
    select district_code, year, round(sum(contribution), 9) as quality_index, any_value(coverage) as coverage,
        count(*) as indicators
    from scores
    group by all
),

comparable as (
    select *, coverage > max(coverage) over (partition by year) - 1e-9 as complete
    from by_district_year
),

final as (
    select b.district_code, d.name_zh, d.name_en, b.year, b.quality_index, b.coverage, b.indicators,
        case when b.complete then rank() over (partition by b.year, b.complete order by b.quality_index desc) end
            as rank
    from comparable as b
    join districts as d using (district_code)
)

select * from final
order by year, rank nulls last, quality_index desc, district_code
