-- Enterprises whose id is $text or whose name contains it (case-insensitive), at most 50, exact ids first.
-- Grain: one row per enterprise. Params: $text.
select e.enterprise_id, e.name as enterprise, e.district_code, d.name_zh as district_zh, d.name_en as district_en,
    e.sector_code, s.name_zh as sector_zh, s.name_en as sector_en, e.size
from enterprises as e
left join districts as d using (district_code)
left join sectors as s using (sector_code)
where lower(e.enterprise_id) = lower(trim($text)) or contains(lower(e.name), lower(trim($text)))
order by lower(e.enterprise_id) = lower(trim($text)) desc, e.name
limit 50
