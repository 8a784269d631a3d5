-- Failed batches that published notices list (inspections with failures_only), per year, domain and sector, inside
-- the sidebar's years, districts and sectors: counted apart from full sampling data, never in its pass rates.
-- Grain: one row per year x domain x sector with such batches. Params: $year_from, $year_to, $districts, $sectors.
select
    year(i.sample_date) as year,
    s.domain,
    i.sector_code,
    count(*)::bigint as failed_batches,
    count(distinct i.district_code) filter (where i.district_code <> '000000')::bigint as districts
from inspections as i
join sectors as s using (sector_code)
where coalesce(i.failures_only, false)
    and year(i.sample_date) between $year_from and $year_to
    and (len($districts) = 0 or list_contains($districts, i.district_code))
    and (len($sectors) = 0 or list_contains($sectors, i.sector_code))
group by all
order by year, s.domain, i.sector_code
