-- selected_inspections(year_from, year_to, districts, sectors): the inspections inside the sidebar filters,
-- with the sector's domain and the sample year. The one place the spot-check filters are applied.
create or replace macro selected_inspections(year_from, year_to, districts, sectors) as table
    select i.*, year(i.sample_date) as year, s.domain
    from inspections as i
    join sectors as s using (sector_code)
    where i.sample_date >= make_date(year_from, 1, 1)
        and i.sample_date < make_date(year_to + 1, 1, 1)
        and list_contains(districts, i.district_code)
        and list_contains(sectors, i.sector_code);
