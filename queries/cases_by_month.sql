-- Enforcement cases opened month by month in one year (up to $month_to, the period's last month) and the whole
-- year before, and the cases so far (cumulative from January), so that this year can be read against the same
-- months of last year.
-- Grain: one row per year x month with cases. Params: $year, $month_to, $districts, $sectors.
-- $districts and $sectors are code lists; an empty list means all.
with by_month as (
    select year, month(opened) as month, count(*) as cases
    from selected_cases($year - 1, $year, 1, 12, $districts, $sectors)
    where year < $year or month(opened) <= $month_to
    group by all
),

final as (
    select year, month, cases, sum(cases) over (partition by year order by month) as cases_so_far
    from by_month
)

select * from final
order by year, month
