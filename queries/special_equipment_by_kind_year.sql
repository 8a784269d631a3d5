-- Special equipment per kind and year: units registered, accidents, deaths, accidents per 10,000 units.
-- Grain: one row per equipment x year. Params: $year_from, $year_to, $districts, $sectors.
-- The data have no sector of their own: a sector filter that leaves out 'special-equipment' leaves them out.
with selected as (
    select *
    from special_equipment
    where year between $year_from and $year_to
        and (len($districts) = 0 or list_contains($districts, district_code))
        and (len($sectors) = 0 or list_contains($sectors, 'special-equipment'))
),

final as (
    select
        equipment,
        year,
        sum(registered_units)::bigint as registered_units,
        sum(accidents)::bigint as accidents,
        sum(deaths)::bigint as deaths,
        case when sum(registered_units) > 0 then 10000.0 * sum(accidents) / sum(registered_units) end
            as accidents_per_10k
    from selected
    group by all
)

select * from final
order by equipment, year
