"""Damaged and missing data files: only the pages that read them say so, naming the file and the fix; the rest work."""

import shutil

import pytest
from helpers import ENTRY, ServerLikePagesManager, write_tiny_city
from streamlit.testing.v1 import AppTest, app_test

from qcity.store import db, rollups


@pytest.fixture
def damaged(demo_dir, tmp_path, monkeypatch):
    """A copy of the demo data in which the test damages files, and a way to open a page on it."""
    data = tmp_path / "data"
    shutil.copytree(demo_dir, data)
    monkeypatch.setenv("QCITY_DATA_DIR", str(data))
    monkeypatch.setattr(app_test, "PagesManager", ServerLikePagesManager)

    def open_page(page: str) -> AppTest:
        at = AppTest.from_file(ENTRY, default_timeout=60)
        at.query_params.update({"lang": "en"})
        at.run()
        at.switch_page(f"pages/{page}.py").run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    open_page.data = data
    return open_page


def truncate(path):
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def errors(at: AppTest) -> str:
    return " ".join(e.value for e in at.error)


def test_a_truncated_table_is_reported_only_where_it_is_read(damaged):
    truncate(damaged.data / "awards.parquet")
    award = damaged("award")
    assert "awards.parquet cannot be read" in errors(award) and "roll back" in errors(award)
    assert len(award.get("plotly_chart")) == 0 and "No data" in " ".join(i.value for i in award.info)
    spot = damaged("spot_checks")
    assert not spot.error and len(spot.get("plotly_chart")) == 7  # the monthly and failed-item charts too
    enforcement = damaged("enforcement")
    assert not enforcement.error and len(enforcement.get("plotly_chart")) == 5


def test_truncated_inspections_leave_the_other_areas_working(damaged):
    truncate(damaged.data / "inspections.parquet")
    spot = damaged("spot_checks")
    assert "inspections.parquet cannot be read" in errors(spot)
    assert not any("rollup" in i.value for i in spot.info)  # the damaged file is the news, not the rollup
    innovation = damaged("innovation")
    assert not innovation.error and len(innovation.get("plotly_chart")) == 2


def test_garbage_in_a_dimension_table_stops_the_app_with_the_file_named(damaged):
    (damaged.data / "districts.csv").write_text(
        "district_code,name_zh,name_en,kind,population_10k\n430102,芙蓉区,Furong,district,not-a-number\n",
        encoding="utf-8",
    )
    at = AppTest.from_file(ENTRY, default_timeout=60)
    at.query_params.update({"lang": "en"})
    at.run()
    assert not at.exception
    assert "districts.csv cannot be read" in errors(at) and "CSV Error on Line: 2" in errors(at)


def test_a_damaged_rollup_falls_back_to_the_raw_rows(damaged):
    (damaged.data / rollups.FILE).write_bytes(b"not parquet at all")
    assert not rollups.is_current(damaged.data)
    spot = damaged("spot_checks")
    assert len(spot.get("plotly_chart")) == 7
    assert any("python -m qcity.rollups" in i.value for i in spot.info)


def test_a_file_damaged_while_the_app_runs_is_a_data_error(tmp_path):
    write_tiny_city(tmp_path)
    database = db.Database(tmp_path)
    (tmp_path / "inspections.parquet").write_bytes(b"PAR1" + b"\0" * 64)  # replaced after the view was made
    with pytest.raises(db.DataError, match="inspections.parquet"):
        database.query("enterprise_inspections", enterprise_id="E1")
    database.con.close()


def test_a_missing_file_is_mentioned_only_on_pages_that_read_it(damaged):
    (damaged.data / "brands.parquet").unlink()
    standards = damaged("standards_brands")
    assert any("brands.parquet" in i.value for i in standards.info)
    assert not any("brands.parquet" in i.value for i in damaged("award").info)
