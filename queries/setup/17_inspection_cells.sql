-- The rollup's three parts as the tables the pages read (queries/rollups/inspection_counts.sql says what they hold),
-- made once when the connection opens.
create or replace table inspection_cells as
select year, month, district_code, sector_code, kind, samples, passed, named_failures, last_sample_date
from inspection_counts
where part = 'cells';

create or replace table failure_cells as
select year, month, district_code, sector_code, failed_item, failures
from inspection_counts
where part = 'failures';

create or replace table failed_item_cells as
select year, month, district_code, sector_code, item_key, failures
from inspection_counts
where part = 'items';
