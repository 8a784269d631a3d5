"""Rollups give exactly the raw rows' numbers, are ignored once stale, and work on a hive-partitioned tree."""

import random
import shutil
from datetime import date

import pandas as pd
import pyarrow.parquet as pq
import pytest
from helpers import GRAIN, write_tiny_city

from qcity.analysis import indicators
from qcity.store import db, rollups


def random_params(rng: random.Random, name: str, districts: list, sectors: list) -> dict:
    """Parameters for a query, drawn at random: year ranges, code subsets (empty = all), indicator, minimum."""
    first, last = sorted(rng.sample(range(2016, 2026), 2)) if rng.random() < 0.8 else (2021, 2021)
    indicator = rng.choice(list(indicators.INDICATORS))
    direction = indicators.INDICATORS[indicator].higher_is_better is not False  # as the pages pass it
    month_from, month_to = rng.choice([(1, 12), (1, 9), (7, 9), (1, 1), (12, 12)])  # whole, to date, quarter, month
    values = {
        "year_from": first,
        "year_to": last,
        "year": last,
        "min_samples": rng.randint(1, 300),
        "month_from": month_from,
        "month_to": month_to,
        "districts": rng.sample(districts, rng.randint(0, len(districts))),  # empty means all
        "sectors": rng.sample(sectors, rng.randint(0, len(sectors))),
        "indicator": indicator,
        "higher_is_better": direction,
        "enterprise_id": f"E{rng.randint(1, 2000):06d}",
        "text": rng.choice(["食品", "E0001", "有限"]),
        "domain": rng.choice(["", "food", "agri", "manufacturing"]),
        "texts": rng.sample(["菌落总数、大肠菌群", "铅(以Pb计)", "标签", "未知项目", "毒死蜱；克百威"], 3),
        **indicators.index_weights({}),
        # the early warning's: a window of months with the baseline before it, dates, the repeat rules
        "first": first * 12 + month_from - 13,
        "last": last * 12 + month_to - 1,
        "date_from": date(first, month_from, 1),
        "date_to": date(last, month_to, 28),
        "min_failures": 2,
        "visit_days": 365,
    }
    return {p: values[p] for p in db.query_parameters(db.query_sql(name))}


def test_the_demo_ships_a_current_rollup_whose_size_does_not_grow_with_the_rows(demo_db):
    assert demo_db.rollups_current
    parts = dict(demo_db.con.execute("select part, count(*) from inspection_counts group by all").fetchall())
    assert set(parts) == {"cells", "failures", "items"}
    cells = "select sum(samples), sum(samples - passed) from inspection_cells"
    samples, failures = demo_db.con.execute(cells).fetchone()
    assert samples == 200_000
    assert demo_db.con.execute("select sum(failures) from failure_cells").fetchone()[0] == failures
    # cells are bounded by the grid they fill (years x months x districts x sectors x kinds), whatever the rows
    grid = demo_db.con.execute(
        "select count(distinct year) * 12 * count(distinct district_code) * "
        "count(distinct sector_code) * count(distinct kind) from inspection_cells"
    ).fetchone()[0]
    assert parts["cells"] <= grid and sum(parts.values()) < 200_000 / 3


@pytest.mark.parametrize("seed", range(5))
def test_every_query_gives_the_raw_rows_numbers_on_random_filters(demo_dir, demo_db, seed):
    raw = db.Database(demo_dir, use_rollups=False)
    assert not raw.rollups_current
    districts = demo_db.query("districts").district_code.tolist()
    sectors = demo_db.query("sectors").sector_code.tolist()
    rng = random.Random(seed)
    for name in sorted(GRAIN):
        for _ in range(5):
            params = random_params(rng, name, districts, sectors)
            fast, slow = demo_db.query(name, **params), raw.query(name, **params)
            pd.testing.assert_frame_equal(fast, slow, check_exact=False, rtol=1e-12, obj=f"{name} {params}")


def test_a_stale_rollup_is_not_used(tmp_path):
    write_tiny_city(tmp_path)
    rollups.build(tmp_path)
    assert db.Database(tmp_path).rollups_current
    inspections = pq.read_table(tmp_path / "inspections.parquet")
    pq.write_table(inspections.slice(0, 50), tmp_path / "inspections.parquet")  # a change nobody rolled up
    changed = db.Database(tmp_path)
    assert not changed.rollups_current
    total = changed.con.execute("select sum(samples) from inspection_counts").fetchone()[0]
    assert total == 50


def test_hive_partitioned_inspections_answer_like_one_file(tmp_path, tiny_db):
    write_tiny_city(tmp_path)
    table = pq.read_table(tmp_path / "inspections.parquet").to_pandas()
    table["year"] = pd.to_datetime(table.sample_date).dt.year
    (tmp_path / "inspections.parquet").unlink()
    table.to_parquet(tmp_path / "inspections", partition_cols=["year"], index=False)
    assert sorted(p.parent.name for p in (tmp_path / "inspections").rglob("*.parquet")) == ["year=2024", "year=2025"]
    tree = db.Database(tmp_path)
    assert "inspections.parquet" not in tree.missing and not tree.rollups_current
    params = {
        "year_from": 2024,
        "year_to": 2025,
        "month_from": 1,
        "month_to": 12,
        "districts": ["100001", "100002", "100003"],
        "sectors": ["food-a", "food-b", "mfg-a", "agri-a", "special-equipment", "construction"],
    }
    for name in ("indicator_by_year", "pass_rate_by_domain_year", "failures_by_item"):
        pd.testing.assert_frame_equal(tree.query(name, **params), tiny_db.query(name, **params))
    rollups.build(tmp_path)
    assert db.Database(tmp_path).rollups_current
    before = db.data_version(tmp_path)
    shutil.rmtree(tmp_path / "inspections" / "year=2025")
    assert db.data_version(tmp_path) != before and not rollups.is_current(tmp_path)


def test_a_rollup_built_by_other_sql_is_stale(tmp_path, monkeypatch):
    """A rollup an older version wrote (other SQL, other columns) is not read; the raw rows are counted."""
    write_tiny_city(tmp_path)
    rollups.build(tmp_path)
    assert rollups.is_current(tmp_path)
    changed = tmp_path / "inspection_counts.sql"
    changed.write_text(rollups.SQL.read_text(encoding="utf-8") + "\n-- a later version\n", encoding="utf-8")
    monkeypatch.setattr(rollups, "SQL", changed)
    assert not rollups.is_current(tmp_path)


def test_the_command_without_a_data_directory_prints_its_usage_and_exits_2(capsys, tmp_path):
    with pytest.raises(SystemExit) as missing:
        rollups.main([])
    assert missing.value.code == 2 and capsys.readouterr().err.startswith("usage: python -m qcity.rollups")
    with pytest.raises(SystemExit) as wrong:
        rollups.main([str(tmp_path / "nowhere")])
    assert wrong.value.code == 2 and "nowhere is not a directory" in capsys.readouterr().err
    out = write_tiny_city(tmp_path / "data")
    assert rollups.main([str(out)]) == 0 and rollups.is_current(out)
    assert capsys.readouterr().out.endswith(f"rows in {out / rollups.FILE}\n")
