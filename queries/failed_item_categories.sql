-- How the test-item dictionary reads failed-item cells, for the import: each distinct cell's failure category
-- (that of the first item the dictionary knows; `other` when it knows none) and the items it does not know.
-- Grain: one row per distinct text. Params: $texts (the cells, as written).
with cells as (
    select distinct text
    from unnest($texts::varchar[]) as t (text)
    where text is not null
),

items as (
    select text, unnest(failed_item_keys(text)) as item_key, generate_subscripts(failed_item_keys(text), 1) as n
    from cells
),

final as (
    select
        c.text,
        coalesce(arg_min(d.category, i.n) filter (where d.category is not null), 'other') as failed_item,
        coalesce(list(distinct i.item_key) filter (where d.category is null and i.item_key is not null), [])
            as unknown_items
    from cells as c
    left join items as i using (text)
    left join test_item_dictionary as d using (item_key)
    group by c.text
)

select * from final
order by text
