-- indicator_observations: the one definition of every headline indicator.
-- Grain: one row per indicator x year x district x sector, with numerator, denominator and scale
-- (value = sum(numerator) / sum(denominator) * scale). Names, units and directions: qcity/indicators.py.
-- A table built once when the connection opens (it is small): queries on it are cheap to plan and to run.
create or replace table indicator_observations as
with inspections_by_cell as (
    select
        c.year,
        c.district_code,
        c.sector_code,
        s.domain,
        c.kind,
        sum(c.samples)::bigint as samples,
        sum(c.passed)::bigint as passed
    from inspection_counts as c
    join sectors as s using (sector_code)
    group by all
),

pass_rates as (
    select
        case domain
            when 'manufacturing' then 'mfg_pass_rate'
            when 'food' then 'food_pass_rate'
            when 'drugs' then 'drug_pass_rate'
        end as indicator,
        year, district_code, sector_code, passed as numerator, samples as denominator, 100.0 as scale
    from inspections_by_cell
    where domain in ('manufacturing', 'food', 'drugs')
    union all
    select 'agri_pass_rate', year, district_code, sector_code, passed, samples, 100.0
    from inspections_by_cell
    where domain = 'agri' and kind = 'routine_monitoring'
),

special_equipment_deaths as (
    select 'se_deaths_per_10k' as indicator, year, district_code, 'special-equipment' as sector_code,
        sum(deaths)::bigint as numerator, sum(registered_units)::bigint as denominator, 10000.0 as scale
    from special_equipment
    group by all
),

construction_acceptance as (
    select 'construction_acceptance_rate' as indicator, year, district_code, 'construction' as sector_code,
        sum(projects_accepted_first_time)::bigint as numerator, sum(projects_completed)::bigint as denominator, 100.0 as scale
    from construction
    group by all
)

select * from pass_rates
union all select * from special_equipment_deaths
union all select * from construction_acceptance
