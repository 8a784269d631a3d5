-- selected_counts(year_from, year_to, month_from, month_to, districts, sectors): the inspection counts inside the
-- sidebar filters, with the sector's domain. The months are a window applied to every year (1-12: whole years;
-- 1-9: January to September of each year, so that each year is compared with the same months of the others).
-- The one place the spot-check filters are applied; reads the rollup, never raw rows.
-- An empty districts or sectors list means all: the optimizer then drops that filter entirely.
create or replace macro selected_counts(year_from, year_to, month_from, month_to, districts, sectors) as table
    select c.*, s.domain
    from inspection_counts as c
    join sectors as s using (sector_code)
    where c.year between year_from and year_to
        and c.month between month_from and month_to
        and (len(districts) = 0 or list_contains(districts, c.district_code))
        and (len(sectors) = 0 or list_contains(sectors, c.sector_code));
