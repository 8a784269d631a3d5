-- What makes up each selected district's quality index in one year: per indicator its value, 0-1 score,
-- weight and contribution in index points (the contributions add up to the index).
-- Grain: one row per district x indicator. Params: $year, $districts, $sectors, $indicators, $weights, $higher.
with scores as (
    select * from index_scores($year, $year, $sectors, $indicators, $weights, $higher)
    where len($districts) = 0 or list_contains($districts, district_code)
),

final as (
    select s.district_code, d.name_zh, d.name_en, s.indicator, s.value, s.score, s.weight, s.contribution,
        round(sum(s.contribution) over (partition by s.district_code), 9) as quality_index  -- ties compare equal
    from scores as s
    join districts as d using (district_code)
)

select * from final
order by quality_index desc, district_code, indicator
