"""Files in: the files agencies send, checked and committed as a new data version, and synthetic demo data.

readers (CSV in any Chinese encoding, Excel with title rows, Parquet, as a plain table), ingest (map columns and
values, validate, commit aside-then-rename, versions and rollback), demo (synthetic data for a city, labelled so),
city (a data directory's skeleton for any city or province from its administrative code).

Imports: qcity.store, qcity.analysis (the demo writes the default index weights) and i18n.
"""
