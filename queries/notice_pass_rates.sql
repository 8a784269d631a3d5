-- Pass rates for batches from published notices, which list only the failed ones: one per count of batches
-- sampled (sampling_totals), with the notices' failed batches in the same year (and month), domain, sector and
-- district; a rate exists only where such a count does. A count for the whole area is left out when districts are
-- chosen, one for a whole domain when sectors are (its scope is not what the filter asks).
-- Grain: one row per sampling_totals row inside the filters. Params: $year_from, $year_to, $districts, $sectors.
with totals as (
    select *
    from sampling_totals
    where year between $year_from and $year_to
        and (len($districts) = 0 or list_contains($districts, district_code))
        and (len($sectors) = 0 or list_contains($sectors, sector_code))
),

listed as (
    select i.sample_date, i.district_code, i.sector_code, s.domain
    from inspections as i
    join sectors as s using (sector_code)
    where coalesce(i.failures_only, false)
        and year(i.sample_date) between $year_from and $year_to
),

counted as (
    select
        t.year,
        t.month,
        t.domain,
        t.sector_code,
        t.district_code,
        t.batches,
        t.source_title,
        count(l.sample_date)::bigint as failed_batches
    from totals as t
    left join listed as l
        on year(l.sample_date) = t.year
        and (t.month = 0 or month(l.sample_date) = t.month)
        and l.domain = t.domain
        and (t.sector_code is null or l.sector_code = t.sector_code)
        and (t.district_code is null or l.district_code = t.district_code)
    group by all
),

final as (
    select
        *,
        pass_rate_pct(batches - failed_batches, batches) as pass_rate
    from counted
)

select * from final
order by year, month, domain, sector_code nulls first, district_code nulls first
