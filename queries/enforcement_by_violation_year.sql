-- Enforcement cases opened per violation and year: cases, value of goods and fines (10,000 yuan), and how many
-- are closed or transferred.
-- Grain: one row per violation x year. Params: $year_from, $year_to, $districts, $sectors.
with selected as (
    select *, year(opened) as year
    from enforcement
    where year(opened) between $year_from and $year_to
        and (len($districts) = 0 or list_contains($districts, district_code))
        and (len($sectors) = 0 or list_contains($sectors, sector_code))
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
