"""The query layer: names and parameters are checked, missing tables are empty, the cache follows the data."""

import os
import time

import pandas as pd
import pytest
from helpers import WHOLE, write_tiny_city

from qcity.store import db
from qcity.web import cache


def test_unknown_query_names_it(tiny_db):
    with pytest.raises(db.QueryError, match="unknown query 'no_such_query'"):
        tiny_db.query("no_such_query")


def test_query_names_cannot_leave_the_queries_folder(tiny_db):
    with pytest.raises(db.QueryError, match="unknown query"):
        tiny_db.query("../README")


def test_missing_parameter_is_named(tiny_db):
    with pytest.raises(db.QueryError, match="needs parameter\\(s\\) year_to"):
        tiny_db.query("events_between", year_from=2024)


def test_unexpected_parameter_is_named(tiny_db):
    with pytest.raises(db.QueryError, match="has no parameter\\(s\\) colour"):
        tiny_db.query("districts", colour="red")


def test_parameters_are_bound_not_spliced(tiny_db):
    frame = tiny_db.query(
        "pass_rate_by_district_year",
        year_from=2024,
        year_to=2025,
        **WHOLE,
        districts=["' OR 1=1 --"],
        sectors=["food-a"],
    )
    assert frame.empty


def test_absent_files_are_empty_views(tmp_path):
    write_tiny_city(tmp_path)
    (tmp_path / "awards.parquet").unlink()
    database = db.Database(tmp_path)
    assert database.missing == ["awards.parquet"]
    assert database.con.execute("select count(*) from awards").fetchone() == (0,)
    database.con.close()


def test_an_optional_column_missing_from_an_older_file_reads_as_null(tmp_path):
    write_tiny_city(tmp_path)
    cases = pd.read_parquet(tmp_path / "enforcement.parquet").drop(columns="enterprise_id")
    cases.to_parquet(tmp_path / "enforcement.parquet", index=False)  # written before the column existed
    database = db.Database(tmp_path)
    assert database.con.execute("select count(*), count(enterprise_id) from enforcement").fetchone() == (4, 0)
    database.con.close()


def test_data_version_changes_when_a_file_changes(tmp_path):
    write_tiny_city(tmp_path)
    before = db.data_version(tmp_path)
    assert db.data_version(tmp_path) == before
    target = tmp_path / "targets.csv"
    target.write_text(target.read_text() + "mfg_pass_rate,2025,94,\n")
    os.utime(target, ns=(time.time_ns(), time.time_ns() + 1_000_000))
    assert db.data_version(tmp_path) != before


def test_run_is_cached_and_refreshes_with_the_data(tmp_path, monkeypatch):
    write_tiny_city(tmp_path)
    monkeypatch.setenv("QCITY_DATA_DIR", str(tmp_path))
    first = cache.run("districts")
    assert len(first) == 3
    districts = tmp_path / "districts.csv"
    districts.write_text(districts.read_text() + "100004,丁区,District D,district,1\n")
    os.utime(districts, ns=(time.time_ns(), time.time_ns() + 1_000_000))
    assert len(cache.run("districts")) == 4
