-- Programme milestones to mark on trend charts, with the date as a fractional year for the x axis.
-- Grain: one row per event. Params: $year_from, $year_to.
select
    date,
    title_zh,
    title_en,
    year(date) + (dayofyear(date) - 1) / 365.0 as year_position
from events
where year(date) between $year_from and $year_to
order by date
