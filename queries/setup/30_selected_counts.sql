-- selected_counts(year_from, year_to, districts, sectors): the inspection counts inside the sidebar filters,
-- with the sector's domain. The one place the spot-check filters are applied; reads the rollup, never raw rows.
-- An empty districts or sectors list means all: the optimizer then drops that filter entirely.
create or replace macro selected_counts(year_from, year_to, districts, sectors) as table
    select c.*, s.domain
    from inspection_counts as c
    join sectors as s using (sector_code)
    where c.year between year_from and year_to
        and (len(districts) = 0 or list_contains(districts, c.district_code))
        and (len(sectors) = 0 or list_contains(sectors, c.sector_code));
