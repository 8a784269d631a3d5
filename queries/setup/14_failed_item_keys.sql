-- Failed test items (检验项目) as written in sampling results, read as match keys. Also run before the rollup is
-- built (its failed_item_keys column), so the keys are computed once per file, not per query.
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
