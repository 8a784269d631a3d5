-- One enterprise's spot-check history: samples and pass rate per year (full sampling data), the failure categories
-- and the failed items as the results wrote them, and the failed batches published notices list (failures_only:
-- counted apart, never in the pass rate).
-- Grain: one row per year with samples or listed batches. Params: $enterprise_id.
with rows as (
    select *, coalesce(failures_only, false) as from_notice
    from inspections
    where enterprise_id = $enterprise_id
)

select
    year(sample_date) as year,
    count(*) filter (where not from_notice) as samples,
    count(*) filter (where passed and not from_notice) as passed,
    pass_rate_pct(count(*) filter (where passed and not from_notice), count(*) filter (where not from_notice))
        as pass_rate,
    count(*) filter (where from_notice) as notice_failed,
    coalesce(list_sort(list_distinct(list(failed_item) filter (where failed_item is not null))), []) as failed_items,
    coalesce(list_sort(list_distinct(list(failed_items) filter (where failed_items is not null))), [])
        as items_as_written
from rows
group by all
order by year
