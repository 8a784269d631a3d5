"""Import: files as agencies send them get in, bad ones are reported by row and column and change nothing,
every import is a version that can be rolled back, and a killed import leaves the previous data intact."""

import getpass
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import D1, D2, HEADER, LOADED, ROOT, TITLE, WHOLE, fingerprint, write_tiny_city

from qcity.intake import ingest
from qcity.store import db, rollups, versions


@pytest.fixture
def data(tmp_path) -> Path:
    out = write_tiny_city(tmp_path / "data")
    rollups.build(out)
    return out


def run(args: list, capsys) -> tuple[int, str]:
    code = ingest.main([str(a) for a in args])
    return code, capsys.readouterr().out


def gbk_file(tmp_path: Path, lines: list[str], name: str = "q1.csv") -> Path:
    path = tmp_path / name
    path.write_bytes("\n".join([TITLE, HEADER, *lines, "注：数据为测试用", ""]).encode("gbk"))
    return path


def test_an_agency_csv_gets_in(data, tmp_path, capsys):
    path = gbk_file(
        tmp_path,
        [
            "甲区,食品甲,2025/03/01,合格,测试食品厂,",
            "乙,Food A,2025年3月2日,不合格,测试食品厂,微生物",
            "District A,food-a,2025-03-03,不合格,另一家店,Additive",
        ],
    )
    code, out = run(
        [path, "--table", "inspections", "--data-dir", data, "--set", "level=municipal", "--set", "kind=supervision"],
        capsys,
    )
    assert code == 0, out
    assert "3 valid rows, 0 rejected, 2 new enterprises" in out and "imported as version 1" in out
    assert "row 6: left out as a note below the table" in out
    database = db.Database(data)
    assert database.rollups_current
    rows = database.con.execute(
        "select district_code, passed, failed_item from inspections where sample_id like 'IMP-%' order by sample_date"
    ).fetchall()
    assert rows == [(D1, True, None), (D2, False, "microbial"), (D1, False, "additive")]
    names = {r[0] for r in database.con.execute("select name from enterprises").fetchall()}
    assert {"测试食品厂", "另一家店"} <= names
    food_2025 = database.query("indicator_by_year", year_from=2025, year_to=2025, **WHOLE, districts=[], sectors=[])
    assert food_2025.set_index("indicator").loc["food_pass_rate"].denominator == 35 + 3
    assert [v["version"] for v in versions.versions(data)] == [1]


def test_problems_are_named_by_row_and_column_and_nothing_changes(data, tmp_path, capsys):
    before = fingerprint(data)
    path = gbk_file(
        tmp_path,
        [
            "火星区,食品甲,2025-03-01,合格,甲厂,",
            "甲区,食品甲,2025-02-30,合格,甲厂,",
            "甲区,食品甲,2099-01-01,合格,甲厂,",
            "甲区,不存在的行业,2025-03-01,也许,甲厂,",
        ],
    )
    code, out = run(
        [path, "--table", "inspections", "--data-dir", data, "--set", "level=municipal", "--set", "kind=supervision"],
        capsys,
    )
    assert code == 1
    assert "q1.csv: row 3, column 区县, value '火星区': unknown district" in out
    assert "row 4, column 抽样日期, value '2025-02-30': not a date" in out
    assert "row 5, column 抽样日期, value '2099-01-01': date outside 1990-01-01 to today" in out
    assert "row 6, column 行业, value '不存在的行业': unknown sector" in out
    assert "row 6, column 检验结论, value '也许': not a verdict" in out
    assert "nothing was imported" in out
    assert fingerprint(data) == before


def write(tmp_path: Path, name: str, content: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


BAD_FILES = {
    "empty": ("e.csv", b"", "the file is empty"),
    "header only": ("h.csv", (HEADER + "\n").encode(), "no data rows below the header"),
    "not a zip": ("x.xlsx", b"PK? no, just text", "not a valid .xlsx file"),
    "binary": ("b.csv", b"\x89PNG\r\n\x1a\n" + bytes(100), "contains binary data"),
    "huge field": (
        "f.csv",
        (HEADER + "\n甲区,食品甲,2025-03-01,合格," + "x" * 200_000 + ",\n").encode(),
        "field larger than field limit",
    ),
    "missing columns": (
        "m.csv",
        "区县,检验结论\n甲区,合格\n乙区,合格\n".encode(),
        "required column 'sample_date' is not in the file",
    ),
    "wrong types": ("t.csv", (HEADER + "\n甲区,食品甲,昨天,合格,甲厂,\n").encode(), "'昨天': not a date"),
    "unknown district": ("u.csv", (HEADER + "\n火星区,食品甲,2025-03-01,合格,甲厂,\n").encode(), "unknown district"),
    "duplicate keys": (
        "d.csv",
        (
            "样品编号," + HEADER + "\nS1,甲区,食品甲,2025-03-01,合格,甲厂,\nS1,甲区,食品甲,2025-03-02,合格,甲厂,\n"
        ).encode(),
        "same key appears earlier",
    ),
    "key already loaded": (
        "k.csv",
        ("样品编号," + HEADER + "\nS0001,甲区,食品甲,2025-03-01,合格,甲厂,\n").encode(),
        "already in the data",
    ),
    "dates out of range": ("o.csv", (HEADER + "\n甲区,食品甲,1970-01-01,合格,甲厂,\n").encode(), "date outside"),
    "wrong encoding": (
        "w.csv",
        (HEADER + "\n甲区,食品甲,2025-03-01,合格,甲厂,\n").encode("gbk"),
        "cannot be read as utf-8",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_files_get_a_clear_report_and_change_nothing(data, tmp_path, capsys, case):
    name, content, message = BAD_FILES[case]
    path = write(tmp_path, name, content)
    before = fingerprint(data)
    extra = ["--encoding", "utf-8"] if case == "wrong encoding" else []
    code, out = run(
        [
            path,
            "--table",
            "inspections",
            "--data-dir",
            data,
            "--set",
            "level=municipal",
            "--set",
            "kind=supervision",
            *extra,
        ],
        capsys,
    )
    assert code == 1
    assert message in out
    assert fingerprint(data) == before


def test_accept_valid_imports_the_rest_and_keeps_the_rejects(data, tmp_path, capsys):
    path = gbk_file(tmp_path, ["甲区,食品甲,2025-03-01,合格,甲厂,", "火星区,食品甲,2025-03-01,合格,甲厂,"])
    code, out = run(
        [
            path,
            "--table",
            "inspections",
            "--data-dir",
            data,
            "--set",
            "level=municipal",
            "--set",
            "kind=supervision",
            "--accept-valid",
        ],
        capsys,
    )
    assert code == 0 and "1 valid rows, 1 rejected" in out
    rejected = (data / ".versions" / "1" / "rejected.csv").read_text(encoding="utf-8-sig")
    assert "火星区" in rejected and "甲区" not in rejected
    assert "unknown district" in (data / ".versions" / "1" / "report.txt").read_text(encoding="utf-8")


def test_the_same_file_twice_is_caught_as_duplicates(data, tmp_path, capsys):
    path = gbk_file(tmp_path, ["甲区,食品甲,2025-03-01,合格,甲厂,"])
    args = [path, "--table", "inspections", "--data-dir", data, "--set", "level=municipal", "--set", "kind=supervision"]
    assert run(args, capsys)[0] == 0
    code, out = run(args, capsys)
    assert code == 1 and "already in the data" in out


def test_replace_and_rollback(data, tmp_path, capsys):
    original = fingerprint(data)
    path = gbk_file(tmp_path, ["甲区,食品甲,2025-03-01,合格,甲厂,"])
    code, _ = run(
        [
            path,
            "--table",
            "inspections",
            "--data-dir",
            data,
            "--mode",
            "replace",
            "--set",
            "level=municipal",
            "--set",
            "kind=supervision",
        ],
        capsys,
    )
    assert code == 0
    assert db.Database(data).con.execute("select count(*) from inspections").fetchone() == (1,)
    code, out = run(["--rollback", "0", "--data-dir", data], capsys)
    assert code == 0 and "restored version 0 as version 2" in out
    restored = fingerprint(data)
    for name in ("inspections.parquet", "enterprises.parquet", "districts.csv"):
        assert restored.get(name) == original.get(name)
    assert db.Database(data).con.execute("select count(*) from inspections").fetchone() == (LOADED,)
    assert db.Database(data).rollups_current
    code, out = run(["--versions", "--data-dir", data], capsys)
    last = json.loads(out.splitlines()[-1])
    assert (last["action"], last["to"], last["user"]) == ("rollback", 0, f"cli:{getpass.getuser()}")
    assert run(["--rollback", "9", "--data-dir", data], capsys)[0] == 1


def test_a_score_rule_and_a_mapping_file(data, tmp_path, capsys):
    mapping = ingest.Mapping(
        columns={"sample_date": "date", "district_code": "zip", "sector_code": "kind_of_place"},
        defaults={"level": "municipal", "kind": "routine_monitoring"},
        values={"district_code": {"94103": D1}, "sector_code": {"restaurant": "food-a"}},
        pass_rule={"column": "score", "at_least": 86},
    )
    mapping.save(tmp_path / "mapping.json")
    path = write(
        tmp_path,
        "scores.csv",
        b"zip,kind_of_place,date,score\n94103,restaurant,20250301,92\n"
        b"94103,restaurant,20250302,71\n94103,restaurant,20250303,\n",
    )
    code, out = run(
        [path, "--table", "inspections", "--data-dir", data, "--mapping", tmp_path / "mapping.json", "--accept-valid"],
        capsys,
    )
    assert code == 0, out
    assert "row 4, column passed: required value is empty" in out  # a blank score cannot be judged
    passed = (
        db.Database(data)
        .con.execute("select passed from inspections where sample_id like 'IMP-%' order by sample_date")
        .fetchall()
    )
    assert passed == [(True,), (False,)]


def test_usage_errors_exit_2(data, tmp_path):
    with pytest.raises(SystemExit) as stop:
        ingest.main(["--data-dir", str(data)])
    assert stop.value.code == 2
    with pytest.raises(SystemExit) as stop:
        ingest.main([str(tmp_path / "x.csv"), "--table", "inspections", "--set", "colour=red"])
    assert stop.value.code == 2


def test_a_killed_import_leaves_the_previous_version_intact(data, tmp_path):
    path = gbk_file(tmp_path, ["甲区,食品甲,2025-03-01,合格,甲厂,"])
    before = {k: v for k, v in fingerprint(data).items() if not k.startswith(".versions")}
    flag = tmp_path / "paused"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "qcity.ingest",
            str(path),
            "--table",
            "inspections",
            "--data-dir",
            str(data),
            "--set",
            "level=municipal",
            "--set",
            "kind=supervision",
        ],
        cwd=ROOT,
        env={**os.environ, versions.PAUSE_ENV: str(flag)},
        stdout=subprocess.DEVNULL,
    )
    deadline = time.time() + 60
    while not flag.exists() and time.time() < deadline and process.poll() is None:
        time.sleep(0.05)
    assert flag.exists(), "the import never reached the point between write and rename"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    after = {k: v for k, v in fingerprint(data).items() if not k.startswith(".versions")}
    assert after == before
    assert db.Database(data).con.execute("select count(*) from inspections").fetchone() == (LOADED,)
    assert versions.versions(data) == []  # nothing was logged: the import did not happen


def test_suggested_defaults_are_shown_and_can_be_changed(data, tmp_path, capsys):
    path = gbk_file(tmp_path, ["甲区,食品甲,2025-03-01,合格,甲厂,"])
    code, out = run([path, "--table", "inspections", "--data-dir", data, "--set", "level=provincial"], capsys)
    assert code == 0
    assert "defaults for columns the file lacks: level=provincial, kind=supervision (change with --set)" in out
    row = db.Database(data).con.execute("select level, kind from inspections where sample_id like 'IMP-%'").fetchone()
    assert row == ("provincial", "supervision")


def test_a_mapping_naming_a_column_the_file_lacks_rejects_the_file(data, tmp_path, capsys):
    ingest.Mapping(columns={"sample_date": "when"}).save(tmp_path / "m.json")
    path = gbk_file(tmp_path, ["甲区,食品甲,2025-03-01,合格,甲厂,"])
    before = fingerprint(data)
    code, out = run(
        [path, "--table", "inspections", "--data-dir", data, "--mapping", tmp_path / "m.json", "--accept-valid"], capsys
    )
    assert code == 1
    assert "column when: the mapping names column 'when' for sample_date, but the file has no such column" in out
    assert fingerprint(data) == before
