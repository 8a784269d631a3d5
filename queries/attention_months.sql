-- Spot checks month by month in each district x sector, over the months a warning judges and the baseline before
-- them: the p-charts aggregate these cells into the city, a domain, a sector or a district (qcity.analysis.attention),
-- and the same months of last year, which the baseline always covers, are the base of the year-on-year test.
-- Grain: one row per year x month x district x sector with samples. Params: $year_from, $year_to (the calendar years
-- the months fall in), $first, $last (the first and last month as year * 12 + month - 1), $districts, $sectors.
select year, month, district_code, sector_code, domain, sum(samples)::bigint as samples,
    sum(passed)::bigint as passed
from selected_counts($year_from, $year_to, 1, 12, $districts, $sectors)
where year * 12 + month - 1 between $first and $last
group by all
order by year, month, district_code, sector_code
