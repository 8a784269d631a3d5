"""The rollup on Apache Spark (deploy/spark_rollup.py, PySpark in local mode on Debian's OpenJDK): the same SQL over a
hive-partitioned tree of several cities equals DuckDB's rollup of the same rows, and the app reads a city from that
file alone."""

import shutil
import subprocess
import sys
from datetime import date

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from helpers import CHARTS, starter

from deploy import spark_rollup
from qcity.store import db, rollups, schema

pytestmark = pytest.mark.spark

ROWS = 3000
# failed-item cells as real bulletins write them: brackets with commas, full-width separators, line breaks, case
TRICKY = [
    "铝的残留量(干样品,以Al计)、苯甲酸及其钠盐（以苯甲酸计）",
    "Lead；铅(以Pb计)\r\n大肠菌群",
    "菌落总数、菌落总数 ，",
    "土霉素/金霉素/四环素(组合含量)",
    " 标签 ",
    None,
]


def hand_rows() -> pa.Table:
    """A third city of hand-written inspections whose failed items exercise every rule of failed_item_keys."""
    columns = {c.name: [] for c in schema.TABLES["inspections"].columns if c.name != "failures_only"}  # as older
    # files are: without the optional column, which Spark then reads as null
    for i, items in enumerate(TRICKY * 3):
        row = {
            "sample_id": f"H{i}",
            "sample_date": date(2024 + i % 2, 1 + i % 12, 10),
            "district_code": "439901",
            "sector_code": "food-dairy",
            "product": "乳制品",
            "enterprise_id": f"E{i % 4}",
            "level": "municipal",
            "kind": "supervision",
            "passed": items is None and i % 2 == 0,
            "failed_item": "microbial" if items else None,
            "failed_items": items,
        }
        for name in columns:
            columns[name].append(row.get(name))
    table = pa.table(columns)
    return table.append_column("city", pa.array(["439900"] * table.num_rows)).append_column(
        "year", pa.array([d.year for d in columns["sample_date"]], pa.int32())
    )


@pytest.fixture(scope="module")
def province(tmp_path_factory):
    """Two demo cities and the hand-written one as TREE/city=/year=, rolled up by Spark with --check."""
    tree, out = tmp_path_factory.mktemp("tree"), tmp_path_factory.mktemp("rollups")
    spark_rollup.demo_tree(tree, ROWS)
    pq.write_to_dataset(hand_rows(), tree, partition_cols=["city", "year"])
    counts = spark_rollup.run(str(tree), out, check=True, master="local[2]")
    return tree, out, counts


def test_spark_rolls_up_every_city_equal_to_duckdb(province):
    _, out, counts = province
    assert set(counts) == {"430100", "431000", "439900"} and all(n > 0 for n in counts.values())
    hand = pq.read_table(out / "439900" / rollups.FILE).to_pandas()
    items = hand[hand.part == "items"].groupby("item_key").failures.sum().to_dict()
    # each sample names an item once however often its cell repeats it: 3 copies of each tricky cell
    assert items == {
        "铝的残留量": 3,
        "苯甲酸及其钠盐": 3,
        "lead": 3,
        "铅": 3,
        "大肠菌群": 3,
        "菌落总数": 3,
        "土霉素/金霉素/四环素": 3,
        "标签": 3,
    }


def test_a_city_reads_its_spot_checks_from_the_spark_rollup_alone(province, tmp_path, monkeypatch):
    """Data directory A: the demo with its raw inspections. B: the same without them, plus Spark's rollup. Every
    spot-check query answers the same in both, and the Spot checks page draws its charts from B."""
    _, out, _ = province
    raw, alone = tmp_path / "raw", tmp_path / "alone"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "qcity.demo",
            "--city",
            "changsha",
            "--rows",
            str(ROWS),
            "--seed",
            "7",
            "--out",
            str(raw),
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    shutil.copytree(raw, alone, ignore=shutil.ignore_patterns("inspections*", rollups.FILE))
    shutil.copy(out / "430100" / rollups.FILE, alone / rollups.FILE)
    with_rows, without = db.Database(raw, use_rollups=False), db.Database(alone)
    assert without.rollups_current and not rollups.inspection_files(alone)
    params = dict(
        year_from=2016,
        year_to=2025,
        month_from=1,
        month_to=9,
        districts=[],
        sectors=[],
        year=2025,
        domain="food",
        min_samples=30,
    )
    for name in [
        "data_years",
        "pass_rate_by_domain_year",
        "pass_rate_by_district_year",
        "pass_rate_by_month",
        "pass_rate_by_sector",
        "failures_by_item",
        "failed_items_top",
        "failed_items_by_year",
    ]:
        wanted = {k: v for k, v in params.items() if k in db.query_parameters(db.query_sql(name))}
        expected, got = with_rows.query(name, **wanted), without.query(name, **wanted)
        assert len(expected) and expected.equals(got), name

    page = starter(alone, monkeypatch)({"lang": "en"}, "spot_checks")
    assert len(page.get("plotly_chart")) == CHARTS["spot_checks"]
    assert "inspections.parquet" in " ".join(i.value for i in page.info)  # the raw rows table says what it lacks


def test_the_check_fails_when_the_rollups_differ(province):
    tree, out, _ = province
    rows = pq.read_table(tree / "city=439900").drop_columns(["year"])
    rollup = pq.read_table(out / "439900" / rollups.FILE)
    rows = rows.select([c.name for c in schema.TABLES["inspections"].columns if c.name in rows.column_names])
    spark_rollup.same_as_duckdb(rows, rollup, "x")
    with pytest.raises(SystemExit, match="differs from DuckDB's"):
        spark_rollup.same_as_duckdb(rows, rollup.slice(1), "x")
