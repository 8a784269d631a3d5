-- selected_items(year_from, year_to, month_from, month_to, districts, sectors, only_domain): the failed samples per
-- year, domain and test item they name (setup/17), in the month window of every year, inside the sidebar filters
-- and one domain ('' for every domain), with the item's name and category from test_item_dictionary (`other`, under
-- the item's own key, when the dictionary does not know it). The one place the item filters are applied; the failed
-- samples naming items, to share them out, are selected_counts' named_failures. Counted before the names are
-- joined on: the item table has a row per month and district, the names are needed once per item.
create or replace macro selected_items(year_from, year_to, month_from, month_to, districts, sectors, only_domain)
as table
    with counted as (
        select c.year, s.domain, c.item_key, sum(c.failures) as failures
        from failed_item_cells as c
        join sectors as s using (sector_code)
        where year between year_from and year_to
            and month between month_from and month_to
            and (len(districts) = 0 or list_contains(districts, district_code))
            and (len(sectors) = 0 or list_contains(sectors, sector_code))
            and (only_domain = '' or s.domain = only_domain)
        group by all
    )

    select
        c.year,
        c.domain,
        c.item_key,
        coalesce(d.item, c.item_key) as item,
        coalesce(d.category, 'other') as failed_item,
        c.failures
    from counted as c
    left join test_item_dictionary as d using (item_key);
