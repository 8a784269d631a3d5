-- One enterprise's failed test items, as the results wrote them (inspection_items): when, which product, the result
-- against the limit, and how far over it (超标倍数, for limits written ≤ or <), and whether a notice listed it.
-- Grain: one row per failed item of the enterprise's samples. Params: $enterprise_id.
select
    i.sample_date,
    i.product,
    t.item,
    t.result,
    t.unit,
    t.limit_text,
    case when t.limit_op in ('le', 'lt') and t.limit_value > 0 then t.value / t.limit_value end as times_over,
    coalesce(i.failures_only, false) as from_notice
from inspection_items as t
join inspections as i using (sample_id)
where i.enterprise_id = $enterprise_id
    and not t.passed
order by i.sample_date desc, t.sample_id, t.seq
