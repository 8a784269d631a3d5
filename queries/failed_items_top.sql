-- Failed test items over the selected years, most frequent first: each item's category (from the test-item
-- dictionary; `other` for items it does not know, kept under their own name) and its share of the failed samples
-- that name their items. A sample with several failed items counts once for each of them (so shares add up to
-- more than 100%), and once however often its cell repeats an item.
-- Grain: one row per item. Params: $year_from, $year_to, $districts, $sectors, $domain ('' for every domain).
with failed as (
    select failed_item_keys, samples - passed as failures
    from selected_counts($year_from, $year_to, $districts, $sectors)
    where failed_items is not null and samples > passed and ($domain = '' or domain = $domain)
),

named as (
    select unnest(list_distinct(failed_item_keys)) as item_key, failures from failed
),

final as (
    select
        n.item_key,
        coalesce(d.item, n.item_key) as item,
        coalesce(d.category, 'other') as failed_item,
        sum(n.failures)::bigint as failures,
        100.0 * sum(n.failures) / (select sum(failures) from failed) as share_of_failed_pct
    from named as n
    left join test_item_dictionary as d using (item_key)
    group by all
)

select * from final
order by failures desc, item
