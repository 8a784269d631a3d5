-- Failed samples by failure reason, largest first, with each reason's share and the cumulative share (Pareto).
-- Grain: one row per failure reason (failed samples without a recorded reason count as 'unknown').
-- Params: $year_from, $year_to, $month_from, $month_to, $districts, $sectors.
-- $districts and $sectors are code lists; an empty list means all.
with by_item as (
    select coalesce(failed_item, 'unknown') as failed_item, sum(failures)::bigint as failures
    from selected_failures($year_from, $year_to, $month_from, $month_to, $districts, $sectors)
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
