-- Quality-diagnosis visits to one enterprise. Grain: one row per visit. Params: $enterprise_id.
select service_id, strftime(date, '%Y-%m-%d') as date, problems_found, problems_solved, satisfaction
from diagnosis
where enterprise_id = $enterprise_id
order by date desc, service_id
