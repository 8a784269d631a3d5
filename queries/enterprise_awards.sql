-- One enterprise's Mayor Quality Award record. Grain: one row per year. Params: $enterprise_id.
select year, session, stage, score, prize_10k_yuan
from awards
where enterprise_id = $enterprise_id
order by year desc
