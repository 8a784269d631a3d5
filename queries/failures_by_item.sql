-- Failed samples by failure reason, largest first, with each reason's share and the cumulative share (Pareto).
-- Grain: one row per failure reason (failed samples without a recorded reason count as 'unknown').
-- Params: $year_from, $year_to, $districts, $sectors.
with failed as (
    select coalesce(failed_item, 'unknown') as failed_item
    from selected_inspections($year_from, $year_to, $districts, $sectors)
    where not passed
),

by_item as (
    select failed_item, count(*) as failures
    from failed
    group by all
),

final as (
    select
        failed_item,
        failures,
        100.0 * failures / sum(failures) over () as share_pct,
        100.0 * sum(failures) over (order by failures desc, failed_item rows unbounded preceding)
            / sum(failures) over () as cumulative_pct
    from by_item
)

select * from final
order by failures desc, failed_item
