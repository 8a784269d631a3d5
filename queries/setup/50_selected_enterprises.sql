-- selected_enterprises(districts, sectors): the enterprises inside the district and sector filters, with names.
-- The one place the filters are applied to tables that reach a district and sector through their enterprise
-- (standards, brands, awards, diagnosis). An empty list means all.
create or replace macro selected_enterprises(districts, sectors) as table
    select e.enterprise_id, e.name, e.district_code, e.sector_code,
        d.name_zh as district_zh, d.name_en as district_en, s.name_zh as sector_zh, s.name_en as sector_en
    from enterprises as e
    left join districts as d using (district_code)
    left join sectors as s using (sector_code)
    where (len(districts) = 0 or list_contains(districts, e.district_code))
        and (len(sectors) = 0 or list_contains(sectors, e.sector_code));
