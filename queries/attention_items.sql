-- Failed test items per domain in the period's months of one year and of the year before, with the domain's samples
-- and the failed samples that name their items in each: is an item turning up more often than last year, as a count,
-- per sample, and as a share of the failures (qcity.analysis.attention tests it).
-- Grain: one row per domain x item failed in either year. Params: $year, $month_from, $month_to, $districts,
-- $sectors.
with items as (
    select domain, item_key, item, failed_item,
        coalesce(sum(failures) filter (where year = $year), 0)::bigint as failures,
        coalesce(sum(failures) filter (where year = $year - 1), 0)::bigint as failures_before
    from selected_items($year - 1, $year, $month_from, $month_to, $districts, $sectors, '')
    group by all
),

domains as (
    select domain,
        coalesce(sum(samples) filter (where year = $year), 0)::bigint as samples,
        coalesce(sum(samples) filter (where year = $year - 1), 0)::bigint as samples_before,
        coalesce(sum(named_failures) filter (where year = $year), 0)::bigint as named,
        coalesce(sum(named_failures) filter (where year = $year - 1), 0)::bigint as named_before
    from selected_counts($year - 1, $year, $month_from, $month_to, $districts, $sectors)
    group by all
)

select i.*, d.samples, d.samples_before, d.named, d.named_before
from items as i
join domains as d using (domain)
order by domain, failures desc, item
