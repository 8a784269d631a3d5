-- index_scores(year_from, year_to, sectors, indicators, weights, higher): every district's score on each
-- indicator of the composite quality index. Each indicator is scaled 0-1 across all districts in a year (best
-- district 1, worst 0, all equal: 1), turned round for lower-is-better indicators (`higher` false), and weighted.
-- `indicators`, `weights` and `higher` are parallel lists from the city config. A district's contribution
-- from an indicator is 100 x weight x score / (the weights of the indicators it has data for), so the
-- contributions add up to its index (0-100); `coverage` is the share of the total weight it has data for.
-- Scaling always uses every district, so narrowing the district filter does not change anyone's score.
create or replace macro index_scores(year_from, year_to, sectors, indicators, weights, higher) as table
    with weight_list as (
        select unnest(indicators) as indicator, unnest(weights) as weight, unnest(higher) as higher_is_better
    ),

    observed as (
        select o.indicator, o.year, o.district_code,
            observed_value(sum(o.numerator), sum(o.denominator), count(o.denominator), any_value(o.scale)) as value
        from indicator_observations as o
        where o.year between year_from and year_to
            and list_contains(indicators, o.indicator)
            and (len(sectors) = 0 or list_contains(sectors, o.sector_code))
        group by all
        having value is not null
    ),

    ranged as (
        select v.*, w.weight, w.higher_is_better,
            min(v.value) over (partition by v.indicator, v.year) as low,
            max(v.value) over (partition by v.indicator, v.year) as high
        from observed as v
        join weight_list as w using (indicator)
    ),

    scored as (
        select *,
            case
                when high = low then 1.0
                when higher_is_better then (value - low) / (high - low)
                else (high - value) / (high - low)
            end as score
        from ranged
    )

    select indicator, year, district_code, value, score, weight,
        100.0 * weight * score / sum(weight) over (partition by year, district_code) as contribution,
        sum(weight) over (partition by year, district_code) / (select sum(weight) from weight_list) as coverage
    from scored;
