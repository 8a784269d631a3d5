-- Enterprises to watch (重点监管): those with at least $min_failures failed batches between $date_from and $date_to,
-- or with a failed batch at most $visit_days days after a quality-diagnosis visit, with their record in that window:
-- batches sampled, the failed ones in date order (date, product, failed items as written) and the visit before a
-- failure. Read from the raw rows: the rollup does not keep enterprises. The file is sorted by date, so the dates
-- prune it to the window.
-- Grain: one row per enterprise. Params: $date_from, $date_to, $districts, $sectors, $min_failures, $visit_days.
with window_rows as (
    select enterprise_id, sample_date, product, passed, failed_items, failed_item
    from inspections
    where sample_date between $date_from and $date_to
        and enterprise_id is not null
        and (len($districts) = 0 or list_contains($districts, district_code))
        and (len($sectors) = 0 or list_contains($sectors, sector_code))
),

failed as (
    select
        w.enterprise_id,
        w.sample_date,
        w.product,
        coalesce(w.failed_items, w.failed_item) as items,
        (select max(v.date) from diagnosis as v
         where v.enterprise_id = w.enterprise_id and v.date < w.sample_date
            and v.date >= w.sample_date - to_days(cast($visit_days as integer))) as visit_before
    from window_rows as w
    where not w.passed
),

flagged as (
    select
        enterprise_id,
        count(*)::integer as failures,
        max(visit_before) as last_visit,
        count(visit_before)::integer as failures_after_visit,
        list(struct_pack(sample_date, product, items) order by sample_date, product) as history
    from failed
    group by enterprise_id
    having count(*) >= $min_failures or count(visit_before) > 0
),

sampled as (
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
