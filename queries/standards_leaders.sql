-- The enterprises that led the most standards in the years (at most 15), with their district and sector.
-- Grain: one row per enterprise. Params: $year_from, $year_to, $districts, $sectors.
with led as (
    select st.enterprise_id, count(distinct st.standard_code) as standards,
        count(distinct st.standard_code) filter (where st.level in ('international', 'national')) as national_or_above
    from standards as st
    join selected_enterprises($districts, $sectors) using (enterprise_id)
    where st.year between $year_from and $year_to and st.role = 'lead'
    group by all
),

final as (
    select e.name as enterprise, e.district_zh, e.district_en, e.sector_zh, e.sector_en, l.standards,
        l.national_or_above, l.enterprise_id
    from led as l
    join selected_enterprises($districts, $sectors) as e using (enterprise_id)
)

select * from final
order by standards desc, national_or_above desc, enterprise_id
limit 15
