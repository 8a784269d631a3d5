-- Mayor Quality Award winners in the years per district and the winner's domain.
-- Grain: one row per district x domain with winners. Params: $year_from, $year_to, $districts, $sectors.
with winners as (
    select e.district_code, any_value(e.district_zh) as name_zh, any_value(e.district_en) as name_en,
        s.domain, count(*) as winners
    from awards as a
    join selected_enterprises($districts, $sectors) as e using (enterprise_id)
    join sectors as s on s.sector_code = e.sector_code
    where a.year between $year_from and $year_to and a.stage = 'winner'
    group by e.district_code, s.domain
),

final as (
    select *, sum(winners) over (partition by district_code) as district_total
    from winners
)

select * from final
order by district_total desc, district_code, domain
