-- The quality-diagnosis service per sector in the years: visits, enterprises, problems found and solved,
-- resolution rate and mean satisfaction.
-- Grain: one row per sector with visits. Params: $year_from, $year_to, $month_from, $month_to, $districts,
-- $sectors (the months are read in every year).
with selected as (
    select v.*, e.sector_code
    from diagnosis as v
    join selected_enterprises($districts, $sectors) as e using (enterprise_id)
    where year(v.date) between $year_from and $year_to and month(v.date) between $month_from and $month_to
),

by_sector as (
    select
        sector_code,
        count(*) as visits,
        count(distinct enterprise_id) as enterprises,
        sum(problems_found)::bigint as problems_found,
        sum(problems_solved)::bigint as problems_solved,
        avg(satisfaction) as satisfaction
    from selected
    group by all
),

final as (
    select b.sector_code, s.name_zh, s.name_en, b.visits, b.enterprises, b.problems_found, b.problems_solved,
        case when b.problems_found > 0 then 100.0 * b.problems_solved / b.problems_found end as resolution_rate,
        b.satisfaction
    from by_sector as b
    join sectors as s using (sector_code)
)

select * from final
order by visits desc, sector_code
