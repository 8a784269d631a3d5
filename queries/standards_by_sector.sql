-- Standards led by local enterprises in the years, per sector and level (by the leading enterprise's sector), for
-- the 15 sectors that led the most.
-- Grain: one row per sector x standard_level. Params: $year_from, $year_to, $districts, $sectors.
with led as (
    select e.sector_code, st.level as standard_level, count(distinct st.standard_code) as standards
    from standards as st
    join selected_enterprises($districts, $sectors) as e using (enterprise_id)
    where st.year between $year_from and $year_to and st.role = 'lead'
    group by all
),

totals as (
    select l.sector_code, s.name_zh, s.name_en, l.standard_level, l.standards,
        sum(l.standards) over (partition by l.sector_code) as sector_total
    from led as l
    join sectors as s using (sector_code)
),

final as (
    select *
    from totals
    qualify dense_rank() over (order by sector_total desc, sector_code) <= 15
)

select * from final
order by sector_total desc, sector_code, standard_level
