"""The demo generator: deterministic for a seed, complete, and calibrated to the reference values of DESIGN.md §3."""

import json

import pyarrow.parquet as pq
import pytest

from qcity.intake import demo
from qcity.store import schema


def rate(demo_db, where: str) -> float:
    sql = "select 100 * avg(passed::int) from inspections join sectors using (sector_code) where " + where
    return demo_db.con.execute(sql).fetchone()[0]


def test_same_seed_same_data_other_seed_other_data(tmp_path):
    for name, seed in (("a", 3), ("b", 3), ("c", 4)):
        demo.DemoCity("changsha", 20_000, seed).write(tmp_path / name)
    written = [t for t in schema.TABLES.values() if not t.optional or (tmp_path / "a" / t.file).exists()]
    assert "benchmarks" not in [t.name for t in written]  # real published values only: the demo invents none
    files = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert {t.file for t in written} | {"inspection_counts.parquet", "city.json"} <= set(files)
    assert files == sorted(p.name for p in (tmp_path / "b").iterdir())
    for name in files:  # byte for byte, the rollup included (its rows come in one order whatever the threads did)
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    a, c = (pq.read_table(tmp_path / x / "inspections.parquet") for x in "ac")
    assert not a.equals(c)


def test_every_table_is_written_with_the_schema_columns(demo_dir, demo_db):
    assert demo_db.missing == []
    for table in schema.TABLES.values():
        count = demo_db.con.execute(f"select count(*) from {table.name}").fetchone()[0]
        # the demo invents no published values, gives its samples as batches (no file of test items) and has no
        # notices, whose pass rates would need sampling_totals
        assert count > 0 or table.name in ("benchmarks", "inspection_items", "sampling_totals"), table.name
        columns = [r[0] for r in demo_db.con.execute(f"describe {table.name}").fetchall()]
        assert tuple(columns) == table.column_names
    assert demo_db.con.execute("select count(*) from inspections").fetchone()[0] == 200_000
    city = json.loads((demo_dir / "city.json").read_text())
    assert city["synthetic"] is True and city["code"] == "430100"


def test_enumerations_and_keys_hold(demo_db):
    for table in schema.TABLES.values():
        for column in table.columns:
            if column.enum:
                sql = f"select distinct {column.name} from {table.name}"
                values = {r[0] for r in demo_db.con.execute(sql).fetchall()}
                assert values - {None} <= set(column.values), (table.name, column.name)
        key = ", ".join(table.key)
        sql = f"select count(*) from (select {key} from {table.name} group by all having count(*) > 1)"
        assert demo_db.con.execute(sql).fetchone()[0] == 0, table.name


def test_pass_rates_land_in_the_reference_ranges(demo_db):
    assert 96.5 <= rate(demo_db, "domain = 'food' and year(sample_date) = 2025") <= 98.0
    assert 94.0 <= rate(demo_db, "domain = 'manufacturing' and year(sample_date) = 2025") <= 95.5
    assert 97.3 <= rate(demo_db, "domain = 'agri' and kind = 'routine_monitoring' and year(sample_date) = 2025") <= 98.5
    assert 98.5 <= rate(demo_db, "domain = 'drugs' and year(sample_date) = 2025") <= 99.6


def test_catering_is_the_lowest_food_sector_every_year(demo_db):
    lowest = demo_db.con.execute("""
        select year(sample_date) as y, arg_min(sector_code, avg_passed) from (
            select sample_date, sector_code, avg(passed::int) over (partition by year(sample_date), sector_code)
                as avg_passed
            from inspections where sector_code like 'food-%') group by y""").fetchall()
    assert {sector for _, sector in lowest} == {"food-catering"}


@pytest.mark.parametrize("domain", ["food", "manufacturing", "agri", "drugs"])
def test_slow_improvement_over_the_decade(demo_db, domain):
    early = rate(demo_db, f"domain = '{domain}' and year(sample_date) between 2016 and 2018")
    late = rate(demo_db, f"domain = '{domain}' and year(sample_date) between 2023 and 2025")
    assert 0 < late - early < 3


def test_districts_differ_and_some_cells_are_sparse(demo_db):
    rates = [
        r[0]
        for r in demo_db.con.execute("select 100 * avg(passed::int) from inspections group by district_code").fetchall()
    ]
    assert max(rates) - min(rates) > 0.3
    sparse = demo_db.con.execute("""select count(*) from (select district_code, sector_code, count(*) as n
        from inspections where year(sample_date) = 2025 group by all having n < 10)""").fetchone()[0]
    assert sparse >= 3


def test_sampling_is_seasonal(demo_db):
    months = [
        r[0]
        for r in demo_db.con.execute(
            "select count(*) from inspections group by month(sample_date) order by month(sample_date)"
        ).fetchall()
    ]
    assert max(months) / min(months) > 1.5
    assert months[8] > months[1]  # September (Quality Month) busier than February (Spring Festival)


def test_award_pipeline_has_a_few_winners_from_tens_of_applicants(demo_db):
    per_year = demo_db.con.execute("""select year, count(*), count(*) filter (where stage = 'winner'),
        coalesce(max(score) filter (where stage = 'nominee'), 0), min(score) filter (where stage = 'winner'),
        count(*) filter (where stage = 'applied' and score is not null)
        from awards group by year""").fetchall()
    assert len(per_year) == 10
    for _year, applicants, winners, best_nominee, worst_winner, scored_without_review in per_year:
        assert 30 <= applicants <= 60 and 2 <= winners <= 8
        assert best_nominee < worst_winner  # winners are the committee's top scores
        assert scored_without_review == 0  # applications rejected before review have no score


def test_enterprise_names_are_marked_fictional(demo_db):
    unmarked = demo_db.con.execute("select count(*) from enterprises where name not like '【示例】%'").fetchone()[0]
    assert unmarked == 0
