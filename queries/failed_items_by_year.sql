-- Failed samples per failed test item and year, with the item's category (`other` when the dictionary does not
-- know it). A sample with several failed items counts once for each of them.
-- Grain: one row per item x year. Params: $year_from, $year_to, $districts, $sectors, $domain ('' for every
-- domain).
with named as (
    select year, unnest(list_distinct(failed_item_keys)) as item_key, samples - passed as failures
    from selected_counts($year_from, $year_to, $districts, $sectors)
    where failed_items is not null and samples > passed and ($domain = '' or domain = $domain)
),

final as (
    select
        n.item_key,
        coalesce(d.item, n.item_key) as item,
        coalesce(d.category, 'other') as failed_item,
        n.year,
        sum(n.failures)::bigint as failures
    from named as n
    left join test_item_dictionary as d using (item_key)
    group by all
)

select * from final
order by year, failures desc, item
