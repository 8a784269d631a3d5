-- Spot checks month by month in one year (up to $month_to, the period's last month) and the whole year before:
-- samples and pass rate of each month, and the pass rate so far (cumulative from January), so that this year can
-- be read against the same months of last year.
-- Grain: one row per year x month with samples. Params: $year, $month_to, $districts, $sectors.
-- $districts and $sectors are code lists; an empty list means all.
with by_month as (
    select year, month, sum(samples)::bigint as samples, sum(passed)::bigint as passed
    from selected_counts($year - 1, $year, 1, 12, $districts, $sectors)
    where year < $year or month <= $month_to
    group by all
),

final as (
    select
        year,
        month,
        samples,
        passed,
        pass_rate_pct(passed, samples) as pass_rate,
        sum(samples) over so_far as samples_so_far,
        pass_rate_pct(sum(passed) over so_far, sum(samples) over so_far) as pass_rate_so_far
    from by_month
    window so_far as (partition by year order by month)
)

select * from final
order by year, month
