-- First and last year with any observation of a headline indicator, for the year filter's bounds, and the
-- latest date of a dated record (a sample, a case opened, a diagnosis visit): how far the data go.
-- Grain: one row. No params.
select
    min(year) as first_year,
    max(year) as last_year,
    (
        select max(latest)
        from (
            select max(last_sample_date) as latest from inspection_cells  -- the rollup's: no raw rows
            union all select max(opened) from enforcement
            union all select max(date) from diagnosis
        ) as latest_dates
    ) as as_of
from indicator_observations
