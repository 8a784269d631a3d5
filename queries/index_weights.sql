-- The composite index's indicators with their weights (share of the total) and directions, as configured.
-- Grain: one row per indicator. Params: $indicators, $weights, $higher (parallel lists).
with weights as (
    select unnest($indicators) as indicator, unnest($weights) as weight, unnest($higher) as higher_is_better
)

select indicator, weight, round(100 * weight / sum(weight) over (), 1) as share_pct, higher_is_better
from weights
order by weight desc, indicator
