"""Files in: the files agencies send, checked and committed as a new data version, and synthetic demo data.

readers (CSV in any Chinese encoding, Excel with title rows and merged cells, Parquet, as a table of text in
Arrow), mapping (which file column is which field: saved mappings, aliases of the headers agencies use),
checks (every cell parsed and checked in DuckDB, the problems by row and column, the valid rows staged),
items (files with a row per test item: batches from their items, the items kept), places (where a sampled unit
lies: a unit of the data, elsewhere, or unknown), categories (the national food classification against the city's
sectors), ingest (the import itself and its command; commits go through qcity.store.versions), demo (synthetic
data for a city, labelled so), city (a data directory's skeleton for any city or province from its code).

Imports: qcity.store, qcity.analysis (the demo writes the default index weights; checks know the indicators), i18n
and progress.
"""
