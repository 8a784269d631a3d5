-- The Mayor Quality Award review in one year as a funnel: how many applicants reached each stage. Winners and
-- nominees both passed the committee; each is its own last step.
-- Grain: one row per stage, in review order. Params: $year, $districts, $sectors.
with stages as (
    select * from (values
        ('applied', 1, 0), ('material_review', 2, 1), ('onsite_review', 3, 2), ('committee', 4, 3),
        ('winner', 5, 4), ('nominee', 6, 4)
    ) as t (stage, step, depth)  -- noqa: AL05
),

applicants as (
    select a.stage, s.depth
    from awards as a
    join selected_enterprises($districts, $sectors) using (enterprise_id)
    join stages as s using (stage)
    where a.year = $year
),

final as (
    select
        s.stage,
        s.step,
        case
            when s.stage in ('winner', 'nominee') then count(a.stage) filter (where a.stage = s.stage)
            else count(a.stage) filter (where a.depth >= s.depth)
        end as reached
    from stages as s
    cross join applicants as a
    group by s.stage, s.step
)

select * from final
order by step
