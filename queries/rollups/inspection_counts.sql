-- inspection_counts: inspections counted per year, district, sector, kind and failure reason.
-- Grain: one row per year x district x sector x kind x failed_item (null for passed samples and for
-- failures without a recorded reason); failures = samples - passed. Every spot-check query reads this, from
-- the rollup file when it matches the inspections, else computed from the raw rows by this same text.
select
    year(sample_date) as year,
    district_code,
    sector_code,
    kind,
    failed_item,
    count(*)::integer as samples,
    (count(*) filter (where passed))::integer as passed
from inspections
group by all
