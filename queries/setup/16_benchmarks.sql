-- all_benchmarks: published reference values per indicator, year and scope; the data directory's own benchmarks
-- win over the national values shipped in data/reference/benchmarks.csv.
create or replace table all_benchmarks as
select indicator, year, scope, value, source_title, source_url
from (
    select *, 0 as priority from benchmarks
    union all by name
    select *, 1 as priority from shipped_benchmarks
) as both_sources
qualify row_number() over (partition by indicator, year, scope order by priority) = 1;
