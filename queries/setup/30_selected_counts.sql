-- selected_counts(year_from, year_to, month_from, month_to, districts, sectors): the inspection counts (samples,
-- passed, named_failures) inside the sidebar filters, in the months month_from..month_to of every year (1-12: whole
-- years; 1-9: January to September of each year, so that each year is compared with the same months of the
-- others), with the sector's domain. selected_failures(...the same...): the failed samples per failure category.
-- The one place the spot-check filters are applied; both read the rollup's tables (setup/17), never raw rows.
-- An empty districts or sectors list means all: the optimizer then drops that filter entirely.
create or replace macro selected_counts(year_from, year_to, month_from, month_to, districts, sectors) as table
    select c.*, s.domain
    from inspection_cells as c
    join sectors as s using (sector_code)
    where c.year between year_from and year_to
        and c.month between month_from and month_to
        and (len(districts) = 0 or list_contains(districts, c.district_code))
        and (len(sectors) = 0 or list_contains(sectors, c.sector_code));

create or replace macro selected_failures(year_from, year_to, month_from, month_to, districts, sectors) as table
    select c.*, s.domain
    from failure_cells as c
    join sectors as s using (sector_code)
    where c.year between year_from and year_to
        and c.month between month_from and month_to
        and (len(districts) = 0 or list_contains(districts, c.district_code))
        and (len(sectors) = 0 or list_contains(sectors, c.sector_code));
