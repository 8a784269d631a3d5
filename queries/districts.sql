-- All districts of the city, for filters and labels. Grain: one row per district. No params.
select district_code, name_zh, name_en, kind, population_10k
from districts
order by district_code
