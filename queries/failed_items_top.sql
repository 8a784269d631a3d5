-- Failed test items over the selected years, most frequent first: each item's category (from the test-item
-- dictionary; `other` for items it does not know, kept under their own name) and its share of the failed samples
-- that name their items. A sample with several failed items counts once for each of them (so shares add up to
-- more than 100%), and once however often its cell repeats an item.
-- Grain: one row per item. Params: $year_from, $year_to, $month_from, $month_to, $districts, $sectors, $domain
-- ('' for every domain).
with named_failures as (
    select sum(named_failures) as failures
    from selected_counts($year_from, $year_to, $month_from, $month_to, $districts, $sectors)
    where $domain = '' or domain = $domain
),

final as (
    select
        item_key,
        item,
        failed_item,
        sum(failures)::bigint as failures,
        100.0 * sum(failures) / (select failures from named_failures) as share_of_failed_pct
    from selected_items($year_from, $year_to, $month_from, $month_to, $districts, $sectors, $domain)
    group by all
)

select * from final
order by failures desc, item
