-- selected_cases(year_from, year_to, month_from, month_to, districts, sectors): enforcement cases opened in the years
-- and in the months (a window applied to every year), inside the district and sector filters, with the year opened.
-- The one place the filters are applied to cases. An empty list means all.
create or replace macro selected_cases(year_from, year_to, month_from, month_to, districts, sectors) as table
    select *, year(opened) as year
    from enforcement
    where year(opened) between year_from and year_to
        and month(opened) between month_from and month_to
        and (len(districts) = 0 or list_contains(districts, district_code))
        and (len(sectors) = 0 or list_contains(sectors, sector_code));
