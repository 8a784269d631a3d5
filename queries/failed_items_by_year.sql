-- Failed samples per failed test item and year, with the item's category (`other` when the dictionary does not
-- know it). A sample with several failed items counts once for each of them.
-- Grain: one row per item x year. Params: $year_from, $year_to, $month_from, $month_to, $districts, $sectors, $domain
-- ('' for every
-- domain).
select item_key, item, failed_item, year, sum(failures)::bigint as failures
from selected_items($year_from, $year_to, $month_from, $month_to, $districts, $sectors, $domain)
group by all
order by year, failures desc, item
