-- test_item_dictionary (the keys as in 14_failed_item_keys.sql): one row per match key with the item's name (as
-- the dictionary writes it) and category. The data directory's own test_items win over the dictionary shipped in
-- data/reference/test_items.csv.
create or replace table test_item_dictionary as
with entries as (
    select unnest(failed_item_keys(item)) as item_key, item, category, 0 as priority from test_items
    union all
    select unnest(failed_item_keys(item)), item, category, 1 from shipped_test_items
)

select
    item_key,
    arg_min(case when len(failed_item_keys(item)) = 1 then item else item_key end, priority) as item,
    arg_min(category, priority) as category
from entries
group by item_key;
