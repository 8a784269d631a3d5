-- Mayor Quality Award per year: applicants, winners, nominees, prize money (10,000 yuan), winners' mean score.
-- Grain: one row per year with applicants. Params: $year_from, $year_to, $districts, $sectors.
select
    a.year,
    any_value(a.session) as session,
    count(*) as applicants,
    count(*) filter (where a.stage = 'winner') as winners,
    count(*) filter (where a.stage = 'nominee') as nominees,
    coalesce(sum(a.prize_10k_yuan), 0) as prize_10k_yuan,
    avg(a.score) filter (where a.stage = 'winner') as winner_mean_score
from awards as a
join selected_enterprises($districts, $sectors) using (enterprise_id)
where a.year between $year_from and $year_to
group by a.year
order by a.year
