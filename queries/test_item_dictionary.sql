-- The test-item dictionary as the app reads it: the shipped items and the data directory's own (which win).
-- Grain: one row per match key. No params.
select item_key, item, category as failed_item
from test_item_dictionary
order by failed_item, item_key
