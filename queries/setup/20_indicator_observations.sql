-- indicator_observations: the one definition of every indicator.
-- Grain: one row per indicator x year x month x district x sector (sector null where the data have none; month
-- null for the yearly tables: special equipment, construction, standards, brands, awards, innovation), with
-- numerator, denominator and scale: value = observed_value(sum(numerator), sum(denominator), ..., scale), a ratio
-- where there is a denominator and a plain sum for counts and totals (null denominator). Names, units and
-- directions: qcity/indicators.py; definitions in words: `ind.<id>.def` in qcity/i18n.py.
-- A table built once when the connection opens (it is small): queries on it are cheap to plan and to run.
create or replace table indicator_observations as
with inspections_by_cell as (
    select
        c.year,
        c.month,
        c.district_code,
        c.sector_code,
        s.domain,
        c.kind,
        sum(c.samples)::bigint as samples,
        sum(c.passed)::bigint as passed
    from inspection_cells as c
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
        year, month, district_code, sector_code, passed as numerator, samples as denominator, 100.0 as scale
    from inspections_by_cell
    where domain in ('manufacturing', 'food', 'drugs')
    union all
    select 'agri_pass_rate', year, month, district_code, sector_code, passed, samples, 100.0
    from inspections_by_cell
    where domain = 'agri' and kind = 'routine_monitoring'
),

special_equipment_deaths as (
    select 'se_deaths_per_10k' as indicator, year, null::integer as month, district_code,
        'special-equipment' as sector_code, sum(deaths)::bigint as numerator,
        sum(registered_units)::bigint as denominator, 10000.0 as scale
    from special_equipment
    group by all
),

construction_acceptance as (
    select 'construction_acceptance_rate' as indicator, year, null::integer as month, district_code,
        'construction' as sector_code, sum(projects_accepted_first_time)::bigint as numerator,
        sum(projects_completed)::bigint as denominator, 100.0 as scale
    from construction
    group by all
),

by_enterprise as (
    select enterprise_id, district_code, sector_code from enterprises
),

standards_brands as (
    select 'standards_led' as indicator, s.year, null::integer as month, e.district_code, e.sector_code,
        count(distinct s.standard_code) as numerator, null as denominator, 1.0 as scale
    from standards as s
    join by_enterprise as e using (enterprise_id)
    where s.role = 'lead'
    group by all
    union all
    select 'brands', b.year, null, e.district_code, e.sector_code, count(*), null, 1.0
    from brands as b
    join by_enterprise as e using (enterprise_id)
    group by all
),

enforcement_cases as (
    select year(opened) as year, month(opened) as month, district_code, sector_code, count(*) as cases,
        count(*) filter (where status in ('closed', 'transferred')) as concluded, sum(fine_yuan) as fines
    from enforcement
    group by all
),

enforcement_measures as (
    select 'enforcement_cases' as indicator, year, month, district_code, sector_code, cases as numerator,
        null as denominator, 1.0 as scale
    from enforcement_cases
    union all
    select 'enforcement_fines', year, month, district_code, sector_code, fines, null, 0.0001 from enforcement_cases
    union all
    select 'case_closure_rate', year, month, district_code, sector_code, concluded, cases, 100.0 from enforcement_cases
),

award_cells as (
    select a.year, e.district_code, e.sector_code, count(*) as applicants,
        count(*) filter (where a.stage = 'winner') as winners, sum(a.score) as score_sum, count(a.score) as scored
    from awards as a
    join by_enterprise as e using (enterprise_id)
    group by all
),

award_measures as (
    select 'award_applicants' as indicator, year, null::integer as month, district_code, sector_code,
        applicants as numerator, null as denominator, 1.0 as scale
    from award_cells
    union all select 'award_winners', year, null, district_code, sector_code, winners, null, 1.0 from award_cells
    union all
    select 'award_mean_score', year, null, district_code, sector_code, score_sum, scored, 1.0
    from award_cells
    where scored > 0
),

diagnosis_cells as (
    select year(v.date) as year, month(v.date) as month, e.district_code, e.sector_code,
        sum(v.problems_solved) as solved, sum(v.problems_found) as found, sum(v.satisfaction) as rating_sum,
        count(v.satisfaction) as rated
    from diagnosis as v
    join by_enterprise as e using (enterprise_id)
    group by all
),

-- an enterprise counts once a year, in the month of its first visit that year: the months then add up to the
-- enterprises served so far (a quarter counts those first served that year in the quarter)
first_visits as (
    select year(v.date) as year, month(min(v.date)) as month, e.district_code, e.sector_code
    from diagnosis as v
    join by_enterprise as e using (enterprise_id)
    group by year(v.date), v.enterprise_id, e.district_code, e.sector_code
),

diagnosis_measures as (
    select 'diagnosis_enterprises' as indicator, year, month, district_code, sector_code, count(*) as numerator,
        null as denominator, 1.0 as scale
    from first_visits
    group by all
    union all
    select 'diagnosis_resolution_rate', year, month, district_code, sector_code, solved, found, 100.0
    from diagnosis_cells
    union all
    select 'diagnosis_satisfaction', year, month, district_code, sector_code, rating_sum, rated, 1.0
    from diagnosis_cells
    where rated > 0
),

safety_measures as (
    select 'se_accidents_per_10k' as indicator, year, null::integer as month, district_code,
        'special-equipment' as sector_code,
        sum(accidents) as numerator, sum(registered_units) as denominator, 10000.0 as scale
    from special_equipment
    group by all
    union all
    select 'construction_complaints_per_100', year, null, district_code, 'construction', sum(complaints),
        sum(projects_completed), 100.0
    from construction
    group by all
),

innovation_measures as (  -- patents have no sector; per 10,000 residents of the district's population
    select 'invention_patents_per_10k' as indicator, i.year, null::integer as month, i.district_code,
        null as sector_code,
        i.invention_patents as numerator, d.population_10k as denominator, 1.0 as scale
    from innovation as i
    join districts as d using (district_code)
    where d.population_10k > 0
    union all
    select 'high_value_patents_per_10k', i.year, null, i.district_code, null, i.high_value_patents, d.population_10k,
        1.0
    from innovation as i
    join districts as d using (district_code)
    where d.population_10k > 0
    union all
    select 'high_tech_enterprises', year, null, district_code, null, high_tech_enterprises, null, 1.0
    from innovation
),

final as (
    select * from pass_rates
    union all select * from special_equipment_deaths
    union all select * from construction_acceptance
    union all select * from standards_brands
    union all select * from enforcement_measures
    union all select * from award_measures
    union all select * from diagnosis_measures
    union all select * from safety_measures
    union all select * from innovation_measures
)

select indicator, year::integer as year, month::integer as month, district_code, sector_code,
    numerator::double as numerator,
    denominator::double as denominator, scale
from final
