"""How each table of the schema becomes a DuckDB table over the data directory's files.

Shared by the app's database (qcity.store.db) and the rollup builder (qcity.store.rollups), which opens its own
connection over the raw inspections only.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import duckdb

from qcity.store import schema

# Where DuckDB spills work that exceeds its memory limit (an in-memory database has nowhere to spill otherwise).
SPILL_DIR = os.environ.get("QCITY_DUCKDB_TEMP", os.path.join(tempfile.gettempdir(), "qcity-duckdb"))


def sql_literal(text: str) -> str:
    """A SQL string literal; used only for the data directory's own file paths, which views cannot bind."""
    return "'" + text.replace("'", "''") + "'"


def table_exists(path: Path, table: schema.Table) -> bool:
    """Whether the data directory holds the table, as one file or (Parquet) as a folder of files."""
    return (path / table.file).exists() or (table.storage == "parquet" and (path / table.name).is_dir())


def table_sql(path: Path, table: schema.Table, con: duckdb.DuckDBPyConnection) -> str:
    """The statement that makes a table available to queries under its own name, with the schema's columns.

    Large fact tables become views over their files (one file, or a hive-partitioned folder of Parquet files);
    small ones are loaded into memory once; an absent table is an empty view of the right types. An optional
    column the file lacks (data written before the column existed) reads as null. `con` reads the file's header.
    """
    file, folder = path / table.file, path / table.name
    if not table_exists(path, table):
        return empty_table_sql(table)
    if not file.exists():
        source = (
            f"read_parquet({sql_literal(str(folder / '**' / '*.parquet'))}, hive_partitioning = true, "
            f"union_by_name = true)"
        )  # parts written before and after an optional column came
    elif table.storage == "csv":
        source = f"read_csv({sql_literal(str(file))}, header = true)"
    else:
        source = f"read_parquet({sql_literal(str(file))})"
    present = {d[0] for d in con.execute(f"select * from {source} limit 0").description}
    if table.storage == "csv" and file.exists():
        types = ", ".join(f"{sql_literal(c.name)}: {sql_literal(c.type)}" for c in table.columns if c.name in present)
        source = f"read_csv({sql_literal(str(file))}, header = true, types = {{{types}}})"
    columns = ", ".join(
        f"cast(null as {c.type}) as {c.name}"
        if c.name not in present and not c.required
        else f"cast({c.name} as {c.type}) as {c.name}"
        if c.type == "DATE"
        else c.name
        for c in table.columns
    )
    return f"create {'view' if table.large else 'table'} {table.name} as select {columns} from {source}"


def empty_table_sql(table: schema.Table) -> str:
    """An empty view with the table's columns and types: what queries see of an absent or unreadable file."""
    columns = ", ".join(f"cast(null as {c.type}) as {c.name}" for c in table.columns)
    return f"create or replace view {table.name} as select {columns} where false"
