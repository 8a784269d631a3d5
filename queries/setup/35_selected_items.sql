-- selected_failed(year_from, year_to, month_from, month_to, districts, sectors, only_domain): the rollup rows of
-- failed samples that name their items, inside the sidebar filters and one domain ('' for every domain). The one
-- place the item filters are applied.
create or replace macro selected_failed(year_from, year_to, month_from, month_to, districts, sectors, only_domain)
as table
    select *
    from selected_counts(year_from, year_to, month_from, month_to, districts, sectors)
    where failed_items is not null and samples > passed and (only_domain = '' or domain = only_domain);

-- selected_items(...same...): one row per such rollup row and item it names (once however often the cell repeats
-- it), with the item's name and category from test_item_dictionary (`other`, under the item's own key, when the
-- dictionary does not know it); failures are the samples failing that item.
create or replace macro selected_items(year_from, year_to, month_from, month_to, districts, sectors, only_domain)
as table
    with named as (
        select year, unnest(list_distinct(failed_item_keys)) as item_key, samples - passed as failures
        from selected_failed(year_from, year_to, month_from, month_to, districts, sectors, only_domain)
    )

    select
        n.year,
        n.item_key,
        coalesce(d.item, n.item_key) as item,
        coalesce(d.category, 'other') as failed_item,
        n.failures
    from named as n
    left join test_item_dictionary as d using (item_key);
