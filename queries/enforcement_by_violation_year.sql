-- Enforcement cases opened per violation and year: cases, value of goods and fines (10,000 yuan), and how many
-- are closed or transferred.
-- Grain: one row per violation x year. Params: $year_from, $year_to, $month_from, $month_to, $districts, $sectors.
with selected as (
    select * from selected_cases($year_from, $year_to, $month_from, $month_to, $districts, $sectors)
),

final as (
    select
        violation,
        year,
        count(*) as cases,
        count(*) filter (where status in ('closed', 'transferred')) as concluded,
        round(sum(goods_value_yuan) / 10000, 2) as goods_value_10k_yuan,
        round(sum(fine_yuan) / 10000, 2) as fines_10k_yuan
    from selected
    group by all
)

select * from final
order by violation, year
