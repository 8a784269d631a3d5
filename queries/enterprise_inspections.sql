-- One enterprise's spot-check history: samples and pass rate per year, the failure categories and the failed
-- items as the results wrote them.
-- Grain: one row per year with samples. Params: $enterprise_id.
select
    year(sample_date) as year,
    count(*) as samples,
    count(*) filter (where passed) as passed,
    pass_rate_pct(count(*) filter (where passed), count(*)) as pass_rate,
    coalesce(list_sort(list_distinct(list(failed_item) filter (where failed_item is not null))), []) as failed_items,
    coalesce(list_sort(list_distinct(list(failed_items) filter (where failed_items is not null))), [])
        as items_as_written
from inspections
where enterprise_id = $enterprise_id
group by all
order by year
