-- Mayor Quality Award applicants in the years: the enterprise, where it is, the furthest stage, score and prize.
-- Grain: one row per year x enterprise. Params: $year_from, $year_to, $districts, $sectors.
select
    a.year,
    a.session,
    a.enterprise_id,
    e.name as enterprise,
    e.district_code,
    e.district_zh,
    e.district_en,
    e.sector_code,
    e.sector_zh,
    e.sector_en,
    a.stage,
    a.score,
    a.prize_10k_yuan
from awards as a
join selected_enterprises($districts, $sectors) as e using (enterprise_id)
where a.year between $year_from and $year_to
order by a.year desc, a.score desc nulls last, a.enterprise_id
