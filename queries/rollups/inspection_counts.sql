-- inspection_counts: inspections counted per year, district, sector, kind, failure category and failed items.
-- Grain: one row per year x district x sector x kind x failed_item x failed_items (both null for passed samples;
-- failed_items is the cell as written, split into items only by the queries that count items);
-- failures = samples - passed. Every spot-check query reads this, from
-- the rollup file when it matches the inspections, else computed from the raw rows by this same text.
select
    year(sample_date) as year,
    district_code,
    sector_code,
    kind,
    failed_item,
    failed_items,
    count(*)::integer as samples,
    (count(*) filter (where passed))::integer as passed
from inspections
group by all
