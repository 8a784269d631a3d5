"""Database access: DuckDB views over the data directory's files and named queries from queries/*.sql.

This is the only module that touches DuckDB. Queries name tables (`inspections`), never file paths; every
value comes in as a bound `$name` parameter. The data version changes whenever a data file changes; the app caches
databases and results on it (qcity.web.cache), and nothing here loads Streamlit.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pandas as pd

from qcity.store import rollups, schema
from qcity.store.tables import SPILL_DIR, empty_table_sql, sql_literal, table_exists, table_sql

ROOT = Path(__file__).resolve().parents[2]
QUERIES_DIR = ROOT / "queries"
DEFAULT_DATA_DIR = ROOT / "data"
# Reference tables shipped with the code, each of which a data directory's file of the same name adds to: the
# test-item dictionary (failed item -> category) and published national benchmarks.
REFERENCE = {
    "test_items": ROOT / "data" / "reference" / "test_items.csv",
    "benchmarks": ROOT / "data" / "reference" / "benchmarks.csv",
}
QUERY_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
PARAMETER = re.compile(r"\$([a-z_][a-z0-9_]*)")
COMMENT = re.compile(r"--[^\n]*")


class QueryError(ValueError):
    """A query was asked for by a name or with parameters that do not fit its SQL file."""


class DataError(RuntimeError):
    """A data file could not be read while a query ran (damaged after the app opened it)."""


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0][:300]


def data_dir() -> Path:
    """The data directory: $QCITY_DATA_DIR when set, else data/ beside the code."""
    return _resolved(os.environ.get("QCITY_DATA_DIR") or str(DEFAULT_DATA_DIR))


@functools.lru_cache(maxsize=64)
def _resolved(path: str) -> Path:
    """An absolute path, resolved once: every query asks for the data directory (measured under load, resolving it
    each time was 7% of the server's CPU)."""
    return Path(path).resolve()


def data_version(path: Path) -> str:
    """A fingerprint of the data files (name, size, modification time); changes whenever any of them does."""
    files = [path / "city.json", path / rollups.FILE] + [path / t.file for t in schema.TABLES.values()]
    files += [f for t in schema.TABLES.values() if (path / t.name).is_dir() for f in sorted((path / t.name).rglob("*"))]
    stats = []
    for file in files:
        try:
            stat = file.stat()
            stats.append(f"{file}:{stat.st_size}:{stat.st_mtime_ns}")
        except FileNotFoundError:
            stats.append(f"{file}:-")
    return hashlib.sha1("|".join(stats).encode()).hexdigest()[:16]


def query_sql(name: str) -> str:
    """The SQL text of queries/<name>.sql."""
    if not QUERY_NAME.match(name) or not (QUERIES_DIR / f"{name}.sql").is_file():
        raise QueryError(f"unknown query '{name}': there is no queries/{name}.sql")
    return (QUERIES_DIR / f"{name}.sql").read_text(encoding="utf-8")


def query_parameters(sql: str) -> set[str]:
    """The $names a query uses (comments ignored)."""
    return set(PARAMETER.findall(COMMENT.sub("", sql)))


class Database:
    """One DuckDB connection over a data directory, at one data version; a fresh cursor per query.

    Large fact tables stay views over their files; every other table, and the rollup's parts, are loaded into memory
    when the connection opens (a new data version opens a new connection).
    """

    def __init__(self, path: Path, use_rollups: bool = True):
        self.path = Path(path)
        self.con = duckdb.connect(
            config={
                "threads": int(os.environ.get("QCITY_DUCKDB_THREADS", os.cpu_count() or 1)),
                "memory_limit": os.environ.get("QCITY_DUCKDB_MEMORY", "1GB"),
                "temp_directory": SPILL_DIR,
            }
        )
        self.missing = [t.file for t in schema.TABLES.values() if not t.optional and not table_exists(self.path, t)]
        self.broken: dict[str, str] = {}  # table name -> why its file could not be read; the table reads as empty
        for table in schema.TABLES.values():
            try:
                self.con.execute(table_sql(self.path, table, self.con))
            except duckdb.Error as error:  # a damaged file must not take the pages that do not use it down
                self.broken[table.name] = _first_line(error)
                self.con.execute(empty_table_sql(table))
        self.rollups_current = use_rollups and "inspections" not in self.broken and rollups.is_current(self.path)
        if self.rollups_current:
            source = f"read_parquet({sql_literal(str(self.path / rollups.FILE))})"
            try:
                self.con.execute(f"create view inspection_counts as select * from {source}")
                self.con.execute(
                    "select count(district_code), count(kind), count(failed_item), count(item_key), "
                    "sum(samples), sum(failures), max(last_sample_date) from inspection_counts"
                ).fetchone()
            except duckdb.Error:  # an unreadable rollup is rebuilt from the raw rows, like a stale one
                self.rollups_current = False
        if not self.rollups_current:  # correct but slow: the raw rows are counted when the connection opens
            self.con.execute(rollups.MACROS.read_text(encoding="utf-8"))
            self.con.execute(f"create or replace view inspection_counts as {rollups.SQL.read_text(encoding='utf-8')}")
        for name, file in REFERENCE.items():  # read like the data directory's own file of that table
            columns = ", ".join(f"cast({c.name} as {c.type}) as {c.name}" for c in schema.TABLES[name].columns)
            self.con.execute(
                f"create table shipped_{name} as select {columns} from read_csv("
                f"{sql_literal(str(file))}, header = true, comment = '#', all_varchar = true)"
            )
        for setup in sorted((QUERIES_DIR / "setup").glob("*.sql")):
            self.con.execute(setup.read_text(encoding="utf-8"))

    def table(self, name: str) -> pd.DataFrame:
        """All rows of a (small) table of the schema."""
        return self.con.cursor().execute(f"select * from {schema.TABLES[name].name}").df()

    def row_counts(self) -> dict[str, int]:
        """Rows per table of the schema (0 when absent)."""
        return {
            t.name: self.con.cursor().execute(f"select count(*) from {t.name}").fetchone()[0]
            for t in schema.TABLES.values()
        }

    def keys_present(self, name: str, keys: pd.DataFrame) -> list:
        """The `row` values of `keys` (the table's key columns as text, plus `row`) already in the table."""
        table = schema.TABLES[name]
        match = " and ".join(f"cast(t.{k} as varchar) = i.{k}" for k in table.key)
        with self._registered(keys) as cursor:
            return [
                r[0]
                for r in cursor.execute(
                    f"select i.row from incoming as i where exists (select 1 from {table.name} as t where {match})"
                ).fetchall()
            ]

    def write_with(self, name: str, rows, target: Path) -> None:
        """Write the table plus `rows` (an Arrow table) to a Parquet file, streaming the existing rows unchanged.

        New inspections are sorted by date among themselves, not merged into the whole table: a full sort of tens
        of millions of rows would not fit the memory limit, and new batches are mostly the newest dates anyway.
        """
        order = " order by sample_date" if name == "inspections" else ""
        with self._registered(rows) as cursor:
            cursor.execute(
                f"copy (select * from {schema.TABLES[name].name} union all by name "
                f"(select * from incoming{order})) to {sql_literal(str(target))} (format parquet)"
            )

    @contextmanager
    def _registered(self, data):
        """A cursor with `data` (a DataFrame or Arrow table) visible as `incoming`, released afterwards."""
        cursor = self.con.cursor()
        cursor.register("incoming", data)
        try:
            yield cursor
        finally:
            cursor.unregister("incoming")
            cursor.close()

    def city(self) -> dict:
        """The city config (city.json) of this data directory; empty when there is none."""
        file = self.path / "city.json"
        return json.loads(file.read_text(encoding="utf-8")) if file.exists() else {}

    def query(self, name: str, **params) -> pd.DataFrame:
        """Run queries/<name>.sql with exactly the parameters it names."""
        sql = query_sql(name)
        wanted = query_parameters(sql)
        if missing := wanted - params.keys():
            raise QueryError(f"query '{name}' needs parameter(s) {', '.join(sorted(missing))}")
        if extra := params.keys() - wanted:
            raise QueryError(f"query '{name}' has no parameter(s) {', '.join(sorted(extra))}")
        values = {k: list(v) if isinstance(v, tuple) else v for k, v in params.items()}
        try:
            return self.con.cursor().execute(sql, values).df()
        except (duckdb.IOException, duckdb.InvalidInputException) as error:  # a file damaged since it was opened
            raise DataError(_first_line(error)) from error
