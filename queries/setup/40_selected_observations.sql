-- selected_observations(year_from, year_to, month_from, month_to, districts, sectors): the headline-indicator
-- observations inside the filters (an empty districts or sectors list means all) and the month window of every
-- year. The one place the indicator filters are applied.
create or replace macro selected_observations(year_from, year_to, month_from, month_to, districts, sectors) as table
    select *
    from indicator_observations
    where year between year_from and year_to
        -- dated observations inside the month window; yearly ones (no month) only for whole years: in a part
        -- of the last year they would compare a whole year with a part of one
        and (month between month_from and month_to or (month is null and (year < year_to or month_to = 12)))
        and (len(districts) = 0 or list_contains(districts, district_code))
        and (len(sectors) = 0 or list_contains(sectors, sector_code));
