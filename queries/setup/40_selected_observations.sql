-- selected_observations(year_from, year_to, districts, sectors): the headline-indicator observations inside the
-- filters (an empty districts or sectors list means all). The one place the indicator filters are applied.
create or replace macro selected_observations(year_from, year_to, districts, sectors) as table
    select *
    from indicator_observations
    where year between year_from and year_to
        and (len(districts) = 0 or list_contains(districts, district_code))
        and (len(sectors) = 0 or list_contains(sectors, sector_code));
