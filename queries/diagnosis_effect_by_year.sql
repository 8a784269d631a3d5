-- Do enterprises served by the diagnosis service pass spot checks more often afterwards? Samples per year split
-- by the sampled enterprise: served before the sample date, served only later, or never served (as far as the
-- data go). Reads the raw inspections (the rollup has no enterprise). An observed difference, not proof of effect:
-- the service goes to chosen firms.
-- Grain: one row per year x grp. Params: $year_from, $year_to, $month_from, $month_to, $districts, $sectors
-- (the months are read in every year).
with first_visit as (
    select enterprise_id, min(date) as served_from
    from diagnosis
    group by all
),

samples as (
    select
        year(i.sample_date) as year,
        case
            when f.served_from is null then 'not_served'
            when i.sample_date >= f.served_from then 'after_service'
            else 'before_service'
        end as grp,
        i.passed
    from inspections as i
    left join first_visit as f using (enterprise_id)
    where i.sample_date >= make_date($year_from, 1, 1) and i.sample_date < make_date($year_to + 1, 1, 1)
        and month(i.sample_date) between $month_from and $month_to
        and i.enterprise_id is not null
        and not coalesce(i.failures_only, false)  -- a notice's failed batches have no passed ones beside them
        and (len($districts) = 0 or list_contains($districts, i.district_code))
        and (len($sectors) = 0 or list_contains($sectors, i.sector_code))
),

by_group as (
    select year, grp, count(*) as samples, count(*) filter (where passed) as passed
    from samples
    group by all
),

final as (
    select
        *,
        pass_rate_pct(passed, samples) as pass_rate,
        wilson_low_pct(passed, samples) as interval_low,
        wilson_high_pct(passed, samples) as interval_high
    from by_group
)

select * from final
order by year, grp
