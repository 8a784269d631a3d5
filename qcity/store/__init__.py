"""The data and its database: what the files hold and the one place that queries them.

schema (the data model: tables, columns, allowed values), tables (how each table's files become a DuckDB table),
rollups (the inspections pre-counted, with a fingerprint of what they were built from), db (the connection,
named queries from queries/*.sql with bound parameters, the data version), audit (the append-only log
of every write and sign-in, with who and from where), versions (every change written aside and renamed into place,
kept as a snapshot, logged, and restorable).

Imports: nothing of qcity but i18n and progress, and never Streamlit (the app's caches are qcity.web.cache).
Everything else imports this; it is the bottom of the flow.
"""
