-- Failed test items (检验项目) as written in sampling results, and the dictionary that gives each its category.
-- failed_item_keys(text): the items a cell names, in order, as match keys. Bracketed parts go first (units and
-- "以…计": 铅(以Pb计) -> 铅; a comma inside brackets, as in 铝的残留量(干样品,以Al计), does not split), then the
-- cell is split at 、 ， , ; ； ／ and line breaks (not at an ASCII slash: 土霉素/金霉素/四环素 is one item), and
-- white space is dropped and Latin letters lower-cased. The same keys match the dictionary, so the rule is here once.
create or replace macro failed_item_keys(text) as
    list_filter(
        list_transform(
            regexp_split_to_array(regexp_replace(coalesce(text, ''), '[(（][^)）]*[)）]', '', 'g'), '[、，,;；／\r\n]+'),
            lambda part: lower(regexp_replace(part, '\s+', '', 'g'))),
        lambda part: part <> '');

-- test_item_dictionary: one row per match key with the item's name (as the dictionary writes it) and category. The
-- data directory's own test_items win over the dictionary shipped in data/reference/test_items.csv.
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
