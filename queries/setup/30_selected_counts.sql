-- selected_cells(cells, year_from, year_to, month_from, month_to, districts, sectors): the rows of one of the
-- rollup's tables (setup/17, named by `cells`) inside the sidebar filters, in the months month_from..month_to of
-- every year (1-12: whole years; 1-9: January to September of each year, so that each year is compared with the
-- same months of the others), with the sector's domain. The one place the spot-check filters are applied; never raw
-- rows. An empty districts or sectors list means all: the optimizer then drops that filter entirely.
create or replace macro selected_cells(cells, year_from, year_to, month_from, month_to, districts, sectors) as table
    select c.*, s.domain
    from query_table(cells) as c
    join sectors as s using (sector_code)
    where c.year between year_from and year_to
        and c.month between month_from and month_to
        and (len(districts) = 0 or list_contains(districts, c.district_code))
        and (len(sectors) = 0 or list_contains(sectors, c.sector_code));

-- selected_counts(...): samples, passed and named_failures; selected_failures(...): failed samples per category.
create or replace macro selected_counts(year_from, year_to, month_from, month_to, districts, sectors) as table
    select * from selected_cells('inspection_cells', year_from, year_to, month_from, month_to, districts, sectors);

create or replace macro selected_failures(year_from, year_to, month_from, month_to, districts, sectors) as table
    select * from selected_cells('failure_cells', year_from, year_to, month_from, month_to, districts, sectors);
