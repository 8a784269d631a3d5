-- Each test item's failure rate over the batches actually tested for it (inspection_items: files with a row per
-- test item), and how far over its limit each failure was (超标倍数: the result over an upper limit written ≤ or
-- <; 0.290 against ≤0.2 is 1.45). Rates count full sampling data only; a notice's failed items (failures_only)
-- add to the 超标倍数 and are counted apart, since the batches that passed are not in a notice. Items are matched
-- by their key (queries/setup/14_failed_item_keys.sql) and named as the dictionary names them, else as written.
-- Grain: one row per item with a failure. Params: $year_from, $year_to, $month_from, $month_to, $districts,
-- $sectors, $domain ('' for every domain).
with tested as (
    select
        array_to_string(failed_item_keys(t.item), '、') as item_key,
        t.item,
        t.sample_id,
        t.passed,
        coalesce(i.failures_only, false) as from_notice,
        case when not t.passed and t.limit_op in ('le', 'lt') and t.limit_value > 0
            then t.value / t.limit_value end as times_over
    from inspection_items as t
    join inspections as i using (sample_id)
    join sectors as s on s.sector_code = i.sector_code
    where year(i.sample_date) between $year_from and $year_to
        and month(i.sample_date) between $month_from and $month_to
        and (len($districts) = 0 or list_contains($districts, i.district_code))
        and (len($sectors) = 0 or list_contains($sectors, i.sector_code))
        and ($domain = '' or s.domain = $domain)
),

by_item as (
    select
        item_key,
        min(item) as written,
        count(distinct sample_id) filter (where not from_notice)::bigint as tested,
        count(distinct sample_id) filter (where not from_notice and not passed)::bigint as failed,
        count(distinct sample_id) filter (where from_notice and not passed)::bigint as notice_failed,
        median(times_over) as times_over_median,
        max(times_over) as times_over_max
    from tested
    group by item_key
),

final as (
    select
        b.item_key,
        coalesce(d.item, b.written) as item,
        coalesce(d.category, 'other') as failed_item,
        b.tested,
        b.failed,
        case when b.tested > 0 then 100.0 * b.failed / b.tested end as failure_rate_pct,
        b.notice_failed,
        b.times_over_median,
        b.times_over_max
    from by_item as b
    left join test_item_dictionary as d using (item_key)
    where b.failed + b.notice_failed > 0
)

select * from final
order by failed + notice_failed desc, failure_rate_pct desc nulls last, item
