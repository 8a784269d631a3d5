-- Enterprises to watch (重点监管): those with at least $min_failures failed batches between $date_from and $date_to,
-- or with a failed batch at most $visit_days days after a quality-diagnosis visit, with their record in that window:
-- batches sampled, the failed ones in date order (date, product, failed items as written) and the visit before a
-- failure. Read from the raw rows: the rollup does not keep enterprises. The file is sorted by date, so the dates
-- prune it to the window; each failure finds the visit before it by an as-of join.
-- Grain: one row per enterprise. Params: $date_from, $date_to, $districts, $sectors, $min_failures, $visit_days.
with window_rows as not materialized (  -- read twice: its few failures in full, the flagged firms' batches counted
    select enterprise_id, sample_date, product, passed, failed_items, failed_item
    from inspections
    where sample_date between $date_from and $date_to
        and enterprise_id is not null
        and (len($districts) = 0 or list_contains($districts, district_code))
        and (len($sectors) = 0 or list_contains($sectors, sector_code))
),

failed as (
    -- each failed batch with the enterprise's latest diagnosis visit before it, when that is recent enough
    select
        w.enterprise_id,
        w.sample_date,
        w.product,
        coalesce(w.failed_items, w.failed_item) as items,
        case when date_diff('day', v.date, w.sample_date) <= $visit_days then v.date end as visit_before
    from window_rows as w
    asof left join diagnosis as v on w.enterprise_id = v.enterprise_id and w.sample_date > v.date
    where not w.passed
),

flagged as (
    select
        enterprise_id,
        count(*)::integer as failures,
        max(visit_before) as last_visit,
        count(visit_before)::integer as failures_after_visit,
        list_sort(list(struct_pack(sample_date, product, items))) as history  -- by date, then product
    from failed
    group by enterprise_id
    having count(*) >= $min_failures or count(visit_before) > 0
),

sampled as (  -- the batches of the flagged firms only: counting every firm's would cost several times more
    select enterprise_id, count(*)::integer as samples
    from window_rows
    where enterprise_id in (select enterprise_id from flagged)
    group by enterprise_id
)

select
    f.enterprise_id,
    e.name,
    e.district_code,
    e.sector_code,
    d.name_zh as district_zh,
    d.name_en as district_en,
    s.name_zh as sector_zh,
    s.name_en as sector_en,
    s.domain,
    n.samples,
    f.failures,
    f.failures_after_visit,
    f.last_visit,
    f.history
from flagged as f
join sampled as n using (enterprise_id)
left join enterprises as e using (enterprise_id)
left join districts as d on d.district_code = e.district_code
left join sectors as s on s.sector_code = e.sector_code
order by f.failures desc, f.failures_after_visit desc, f.enterprise_id
