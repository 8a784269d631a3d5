-- First and last year with any observation of a headline indicator, for the year filter's bounds.
-- Grain: one row. No params.
select min(year) as first_year, max(year) as last_year
from indicator_observations
