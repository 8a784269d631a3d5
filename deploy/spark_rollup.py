"""The inspections rollup on Apache Spark, for a province whose raw rows outgrow one machine's disk.

    python -m deploy.spark_rollup TREE OUT [--check]                 # PySpark in local mode (Java 17+)
    python -m deploy.spark_rollup TREE OUT --check --demo 200000     # first write a synthetic two-city TREE
    PYTHONPATH=. spark-submit --master yarn --deploy-mode client deploy/spark_rollup.py s3a://bucket/inspections OUT

TREE is a hive-partitioned Parquet tree of inspections, TREE/city=<code>/year=<yyyy>/*.parquet, with the columns
of the inspections table (schema.TABLES). For each city the job runs queries/rollups/inspection_counts.sql, the
very text DuckDB runs, translated to Spark SQL by sqlglot (the failed_item_keys macro of
queries/setup/14_failed_item_keys.sql written out where it is called), and writes
OUT/<code>/inspection_counts.parquet in the rollup's own column types. That file is all a city's dashboard needs
for its spot-check pages: put it in a data directory without inspections (qcity.store.rollups reads a rollup
built elsewhere when there are no raw rows beside it). With --check, the job also counts each city's rows with
DuckDB (rollups.build) and fails unless both rollups hold the same rows.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import sqlglot
from sqlglot import exp

from qcity.store import rollups, schema, tables

MACRO = re.compile(r"create or replace macro (\w+)\((\w+)\) as\s+(.*?);\s*$", re.S | re.I)


def spark_sql() -> str:
    """inspection_counts.sql in Spark's dialect: sqlglot translates DuckDB's SQL, the macro is expanded in place
    and DuckDB's regexp_split_to_array becomes Spark's split (both split at a regular expression)."""
    name, parameter, body = MACRO.search(rollups.MACROS.read_text(encoding="utf-8")).groups()
    template = sqlglot.parse_one(body, read="duckdb")

    def expand(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Anonymous) and node.name.lower() == name:
            argument = node.expressions[0]
            return template.copy().transform(
                lambda n: argument.copy() if isinstance(n, exp.Column) and n.name == parameter else n
            )
        if isinstance(node, exp.Anonymous) and node.name.lower() == "regexp_split_to_array":
            return exp.Anonymous(this="split", expressions=node.expressions)
        return node

    tree = sqlglot.parse_one(rollups.SQL.read_text(encoding="utf-8"), read="duckdb")
    return tree.transform(expand).transform(expand).sql(dialect="spark")


SPARK_TYPES = {"VARCHAR": "string", "BOOLEAN": "boolean", "DATE": "date", "INTEGER": "int", "DOUBLE": "double"}


def rollup_schema() -> pa.Schema:
    """The rollup's column types as DuckDB writes them (the app reads the file with these)."""
    import duckdb

    con = duckdb.connect()
    con.execute(tables.empty_table_sql(schema.TABLES["inspections"]))
    con.execute(rollups.MACROS.read_text(encoding="utf-8"))
    return con.sql(rollups.SQL.read_text(encoding="utf-8")).to_arrow_table().schema


def run(tree: str, out: Path, check: bool = False, master: str | None = None) -> dict[str, int]:
    """Roll up every city of the tree; returns rows per city."""
    from pyspark.sql import SparkSession
    from pyspark.sql import functions as F

    builder = (
        SparkSession.builder.appName("qcity inspection rollup")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.sources.partitionColumnTypeInference.enabled", "false")
    )  # codes stay text
    if master:
        builder = builder.master(master).config("spark.ui.enabled", "false")
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    columns = [c.name for c in schema.TABLES["inspections"].columns]
    sql, target = spark_sql(), rollup_schema()
    metadata = {rollups.SQL_KEY: rollups.sql_fingerprint().encode()}
    everything = spark.read.option("basePath", tree).parquet(tree)
    for column in schema.TABLES["inspections"].columns:  # an optional column older files lack reads as null
        if not column.required and column.name not in everything.columns:
            everything = everything.withColumn(column.name, F.lit(None).cast(SPARK_TYPES[column.type]))
    counts = {}
    try:
        for (city,) in sorted(everything.select("city").distinct().collect()):
            rows = everything.where(everything.city == city).select(*columns)
            rows.createOrReplaceTempView("inspections")
            table = spark.sql(sql).toArrow()
            table = table.select(target.names).cast(target).replace_schema_metadata(metadata)
            folder = out / str(city)
            folder.mkdir(parents=True, exist_ok=True)
            pq.write_table(table, folder / rollups.FILE)
            counts[str(city)] = table.num_rows
            if check:
                same_as_duckdb(rows.toArrow(), table, str(city))
            print(f"{city}: {table.num_rows} rollup rows -> {folder / rollups.FILE}", flush=True)
    finally:
        spark.stop()
    return counts


def same_as_duckdb(rows: pa.Table, table: pa.Table, city: str) -> None:
    """DuckDB's rollup (rollups.build) of the same rows must equal Spark's, row for row and type for type."""
    with tempfile.TemporaryDirectory() as folder:
        pq.write_table(rows, Path(folder) / "inspections.parquet")
        rollups.build(Path(folder))
        expected = pq.read_table(Path(folder) / rollups.FILE)
    keys = [(name, "ascending") for name in expected.column_names]
    if not (
        expected.schema.remove_metadata() == table.schema.remove_metadata()
        and expected.sort_by(keys).equals(table.sort_by(keys))
    ):
        raise SystemExit(
            f"city {city}: Spark's rollup ({table.num_rows} rows) differs from DuckDB's ({expected.num_rows} rows)"
        )
    print(f"{city}: equal to DuckDB's rollup of the same rows ({expected.num_rows} rows)", flush=True)


DEMO_CITIES = {"430100": "changsha", "431000": "chenzhou"}  # code -> folder under data/cities


def demo_tree(tree: Path, rows: int) -> None:
    """A synthetic province: the demo generator's inspections for two cities (`rows` each, different seeds),
    written as TREE/city=<code>/year=<yyyy>/*.parquet."""
    import subprocess

    import duckdb

    tree.mkdir(parents=True, exist_ok=True)
    for seed, (code, city) in enumerate(DEMO_CITIES.items(), start=7):
        with tempfile.TemporaryDirectory() as folder:
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "qcity.demo",
                    "--city",
                    city,
                    "--rows",
                    str(rows),
                    "--seed",
                    str(seed),
                    "--out",
                    folder,
                ],
                check=True,
                stdout=subprocess.DEVNULL,
            )
            con = duckdb.connect()
            con.execute(tables.table_sql(Path(folder), schema.TABLES["inspections"], con))
            con.execute(
                f"copy (select *, {tables.sql_literal(code)} as city, year(sample_date) as year "
                f"from inspections) to "
                f"{tables.sql_literal(str(tree))} (format parquet, partition_by (city, year), "
                "overwrite_or_ignore)"
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tree", help="hive-partitioned inspections: TREE/city=<code>/year=<yyyy>/*.parquet")
    parser.add_argument("out", type=Path, help="writes OUT/<city code>/inspection_counts.parquet")
    parser.add_argument("--check", action="store_true", help="also count with DuckDB and fail on any difference")
    parser.add_argument("--demo", type=int, metavar="ROWS", help="first write a synthetic two-city tree at TREE")
    parser.add_argument(
        "--master",
        default=None if os.environ.get("SPARK_HOME") else "local[*]",
        help="Spark master (default: local[*], or spark-submit's)",
    )
    args = parser.parse_args(argv)
    if args.demo:
        demo_tree(Path(args.tree), args.demo)
    run(args.tree, args.out, args.check, args.master)
    return 0


if __name__ == "__main__":
    sys.exit(main())
