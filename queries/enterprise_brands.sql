-- The quality brands one enterprise holds. Grain: one row per year x kind. Params: $enterprise_id.
select year, kind as brand_kind
from brands
where enterprise_id = $enterprise_id
order by year desc, kind
