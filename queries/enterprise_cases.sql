-- Enforcement cases against one enterprise. Grain: one row per case. Params: $enterprise_id.
select case_id, strftime(opened, '%Y-%m-%d') as opened, violation, goods_value_yuan, fine_yuan, status
from enforcement
where enterprise_id = $enterprise_id
order by opened desc, case_id
