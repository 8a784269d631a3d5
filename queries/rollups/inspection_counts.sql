-- inspection_counts: inspections counted per year, month, district, sector, kind, failure category and failed items.
-- Grain: one row per year x month x district x sector x kind x failed_item x failed_items (both null for passed samples;
-- failed_items is the cell as written, split into items only by the queries that count items);
-- failed_item_keys holds the items of that text as match keys (queries/setup/14_failed_item_keys.sql);
-- failures = samples - passed. Every spot-check query reads this, from
-- the rollup file when it matches the inspections, else computed from the raw rows by this same text.
select
    year(sample_date) as year,
    month(sample_date)::integer as month,
    district_code,
    sector_code,
    kind,
    failed_item,
    failed_items,
    failed_item_keys(failed_items) as failed_item_keys,
    count(*)::integer as samples,
    (count(*) filter (where passed))::integer as passed
from inspections
group by all
