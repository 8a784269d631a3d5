-- Standards that local enterprises led or joined, per level, role and year (a standard counts once per role
-- even when several selected enterprises worked on it).
-- Grain: one row per standard_level x role x year. Params: $year_from, $year_to, $districts, $sectors.
with selected as (
    select st.*
    from standards as st
    join selected_enterprises($districts, $sectors) using (enterprise_id)
    where st.year between $year_from and $year_to
),

final as (
    select
        level as standard_level,
        role,
        year,
        count(distinct standard_code) as standards
    from selected
    group by all
)

select * from final
order by standard_level, role, year
