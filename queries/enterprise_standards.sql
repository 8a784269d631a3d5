-- The standards one enterprise led or joined. Grain: one row per standard. Params: $enterprise_id.
select year, standard_code, title, level as standard_level, role
from standards
where enterprise_id = $enterprise_id
order by year desc, standard_code
