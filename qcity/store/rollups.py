"""Rollups: the inspections pre-counted so that pages never scan raw rows.

`inspection_counts.parquet` holds queries/rollups/inspection_counts.sql computed over the data directory's
inspections, with a fingerprint of those inspections in its metadata. The database uses the file only while the
fingerprint matches; otherwise it computes the same SQL from the raw rows, slower but never wrong.

A rollup built where the raw rows live (deploy/spark_rollup.py, over a province's inspections) carries the
fingerprint of the SQL that made it instead; it is read in a data directory that has no inspections of its own
(then it is all there is), as long as that SQL is the one here.

    python -m qcity.rollups DATA_DIR     # rebuild after changing inspections by hand
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from qcity.store import schema, tables

FILE = "inspection_counts.parquet"
QUERIES = Path(__file__).resolve().parents[2] / "queries"
SQL = QUERIES / "rollups" / "inspection_counts.sql"
MACROS = QUERIES / "setup" / "14_failed_item_keys.sql"  # what the rollup's SQL calls
FINGERPRINT_KEY = b"qcity.inspections_fingerprint"
SQL_KEY = b"qcity.rollup_sql_fingerprint"  # set instead by a rollup built elsewhere from rows the app never sees
TAIL_BYTES = 1 << 16  # a Parquet file's footer (row groups, sizes, statistics) lives at its end


def inspection_files(data_dir: Path) -> list[Path]:
    """The Parquet files holding the inspections: one file, or a (hive-partitioned) folder of them."""
    single = data_dir / "inspections.parquet"
    if single.is_file():
        return [single]
    folder = data_dir / "inspections"
    return sorted(folder.rglob("*.parquet")) if folder.is_dir() else []


def sql_fingerprint() -> str:
    """A fingerprint of the SQL that counts the inspections, so that a rollup an older version built is stale,
    not read with columns it lacks."""
    return hashlib.sha1(SQL.read_bytes() + MACROS.read_bytes()).hexdigest()


def fingerprint(data_dir: Path) -> str:
    """A fingerprint of the inspections' content (each file's name, size and footer) and of the SQL that counts
    them."""
    digest = hashlib.sha1(sql_fingerprint().encode())
    for file in inspection_files(data_dir):
        size = file.stat().st_size
        with file.open("rb") as handle:
            handle.seek(max(0, size - TAIL_BYTES))
            digest.update(f"{file.relative_to(data_dir)}:{size}:".encode() + handle.read())
    return digest.hexdigest()


def is_current(data_dir: Path) -> bool:
    """Whether the rollup file exists and was built from the inspections as they are now (or, with no inspections
    here, elsewhere by this version's SQL)."""
    file = data_dir / FILE
    if not file.exists():
        return False
    try:
        metadata = pq.read_schema(file).metadata or {}
    except (OSError, pa.ArrowException):  # damaged: treated as stale, the raw rows are counted instead
        return False
    if not inspection_files(data_dir):
        return metadata.get(SQL_KEY) == sql_fingerprint().encode()
    return metadata.get(FINGERPRINT_KEY) == fingerprint(data_dir).encode()


def build(data_dir: Path) -> int:
    """Write the rollup for a data directory (aside, then renamed into place); returns its row count."""
    data_dir = Path(data_dir)
    con = duckdb.connect(
        config={
            "memory_limit": os.environ.get("QCITY_ROLLUP_MEMORY", "512MB"),  # spills beyond
            "temp_directory": tables.SPILL_DIR,
        }
    )
    con.execute(tables.table_sql(data_dir, schema.TABLES["inspections"], con))  # the raw rows only
    con.execute(MACROS.read_text(encoding="utf-8"))
    table = con.sql(SQL.read_text(encoding="utf-8")).to_arrow_table()
    table = table.replace_schema_metadata({FINGERPRINT_KEY: fingerprint(data_dir).encode()})
    aside = data_dir / f".{FILE}.tmp"
    pq.write_table(table, aside)
    os.replace(aside, data_dir / FILE)
    return table.num_rows


def main(argv: list[str] | None = None) -> int:
    """`python -m qcity.rollups DATA_DIR`: rebuild the rollup and say how many rows it has (exit 2, with a usage
    line, without a data directory)."""
    parser = argparse.ArgumentParser(
        prog="python -m qcity.rollups",
        description="Rebuild the inspections rollup "
        f"({FILE}) of a data directory after its inspections changed by hand.",
    )
    parser.add_argument("data_dir", type=Path, metavar="DATA_DIR", help="the data directory (holds inspections)")
    data_dir = parser.parse_args(argv).data_dir
    if not data_dir.is_dir():
        parser.error(f"{data_dir} is not a directory")
    print(f"{build(data_dir)} rows in {data_dir / FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
