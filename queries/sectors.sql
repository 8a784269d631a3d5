-- All sectors with their domain, ordered by domain then code, for filters and labels.
-- Grain: one row per sector. No params.
select sector_code, name_zh, name_en, domain
from sectors
order by domain, sector_code
