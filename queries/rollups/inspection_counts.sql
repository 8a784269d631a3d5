-- inspection_counts: the inspections counted in the three shapes the pages read, in one file (`part` says which):
--   'cells':    one row per year x month x district x sector x kind, with samples, passed, named_failures (the
--               failed samples whose result names its test items) and last_sample_date (how far the data go);
--   'failures': one row per year x month x district x sector x failure category (null when not given), with
--               failures: the failed samples;
--   'items':    one row per year x month x district x sector x failed test item (its match key, as
--               queries/setup/14_failed_item_keys.sql reads the cell as written), with failures: the failed
--               samples naming that item, once per sample however often the cell repeats it.
-- Every spot-check query reads this (as the tables of queries/setup/17_inspection_cells.sql), from the rollup file
-- when it matches the inspections, else computed from the raw rows by this same text. Plain SQL over one table:
-- any engine can run it where the data live (deploy/spark_rollup.py runs it on Apache Spark, translated by sqlglot),
-- which is why the three parts are stacked by a plain `union all` of the same 13 columns in the same order, each
-- part's missing ones typed nulls (Spark has no `union all by name`).
-- A batch from a failures-only source (a published notice, failures_only) is counted in none of them: its pass rate
-- has no denominator here (queries/notice_pass_rates.sql gives it one from sampling_totals).
with dated as (
    select *, year(sample_date) as year, month(sample_date)::integer as month
    from inspections
    where not coalesce(failures_only, false)
),

cells as (
    select
        'cells' as part,
        year,
        month,
        district_code,
        sector_code,
        kind,
        count(*)::integer as samples,
        (count(*) filter (where passed))::integer as passed,
        (count(*) filter (where not passed and failed_items is not null))::integer as named_failures,
        max(sample_date) as last_sample_date,
        cast(null as varchar) as failed_item,
        cast(null as integer) as failures,
        cast(null as varchar) as item_key
    from dated
    group by all
),

failures as (
    select
        'failures' as part, year, month, district_code, sector_code,
        cast(null as varchar) as kind, cast(null as integer) as samples, cast(null as integer) as passed,
        cast(null as integer) as named_failures, cast(null as date) as last_sample_date,
        failed_item, count(*)::integer as failures, cast(null as varchar) as item_key
    from dated
    where not passed
    group by all
),

named as (
    select year, month, district_code, sector_code, unnest(list_distinct(failed_item_keys(failed_items))) as item_key
    from dated
    where not passed and failed_items is not null
),

items as (
    select
        'items' as part, year, month, district_code, sector_code,
        cast(null as varchar) as kind, cast(null as integer) as samples, cast(null as integer) as passed,
        cast(null as integer) as named_failures, cast(null as date) as last_sample_date,
        cast(null as varchar) as failed_item, count(*)::integer as failures, item_key
    from named
    group by all
),

final as (
    select * from cells
    union all
    select * from failures
    union all
    select * from items
)

-- in one order whatever the threads did, so that the same inspections always make the same file
select * from final
order by part, year, month, district_code, sector_code, kind nulls last, failed_item nulls last, item_key nulls last
