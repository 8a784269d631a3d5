-- Enforcement cases opened in the years per sector: cases, fines (10,000 yuan), closure rate.
-- Grain: one row per sector with cases. Params: $year_from, $year_to, $month_from, $month_to, $districts, $sectors.
with selected as (
    select * from selected_cases($year_from, $year_to, $month_from, $month_to, $districts, $sectors)
),

by_sector as (
    select
        sector_code,
        count(*) as cases,
        count(*) filter (where status in ('closed', 'transferred')) as concluded,
        sum(fine_yuan) / 10000 as fines_10k_yuan
    from selected
    group by all
),

final as (
    select b.sector_code, s.name_zh, s.name_en, s.domain, b.cases, b.concluded, b.fines_10k_yuan,
        100.0 * b.concluded / b.cases as closure_rate
    from by_sector as b
    join sectors as s using (sector_code)
)

select * from final
order by cases desc, sector_code
