"""Accounts, hashed passwords, roles, the wait after failed sign-ins, and the audit log, without a browser."""

import json
import re
import subprocess
import sys
from datetime import datetime, timedelta
from types import SimpleNamespace

import pandas as pd
import pytest
from helpers import D1, write_tiny_city

from qcity.intake import ingest
from qcity.store import audit, db, versions
from qcity.web import accounts, admin, auth

ACTOR = audit.Actor("wang", "10.1.2.3")
T0 = datetime(2026, 12, 1, 9, 0, 0)


def test_a_hash_verifies_its_password_only_and_reveals_nothing():
    stored = accounts.hash_password("食品科 2026 spring")
    assert stored.startswith("scrypt$32768$8$1$") and "spring" not in stored
    assert accounts.verify("食品科 2026 spring", stored)
    assert not accounts.verify("食品科 2026 Spring", stored)
    assert accounts.hash_password("same") != accounts.hash_password("same")  # salted
    assert not accounts.verify("x", "scrypt$broken")  # a damaged hash matches nothing
    assert accounts.verify("plain", "plain") and not accounts.verify("plain", "Plain")  # the environment's text


@pytest.mark.parametrize(
    "failures, wait",
    [
        ([], 0),
        ([T0, T0 + timedelta(seconds=1)], 0),  # two failures: no wait
        ([T0] * 3, 5),  # the third: 5 s after it
        ([T0] * 4, 10),
        ([T0] * 5, 20),  # then 10 s, 20 s
        ([T0] * 6, 15 * 60),  # the sixth locks for 15 minutes
        ([T0 - timedelta(minutes=16)] * 6 + [T0], 0),  # failures older than 15 minutes do not count
        ([T0 - timedelta(seconds=3)] * 3, 2),  # the wait runs from the last failure
    ],
)
def test_the_wait_after_failed_sign_ins(failures, wait):
    assert accounts.wait(failures, T0).total_seconds() == wait


def test_roles_and_tables():
    food = accounts.User("wang", "analyst", frozenset({"inspections", "enterprises"}))
    viewer = accounts.User("li", "viewer")
    chief = accounts.User("chen", "analyst")
    assert food.may("import", "inspections") and not food.may("import", "awards") and not food.may("edit", "targets")
    assert food.may("storyline") and food.may("rollback")  # a rollback is checked table by table when it is made
    assert not any(viewer.may(a, t) for a in accounts.ACTIONS for t in (None, "inspections", "targets"))
    assert chief.may("edit", "awards") and not chief.may("delete_everything")
    assert food.writable(["awards", "inspections", "targets"]) == ["inspections"]


def test_an_accounts_file_is_checked_account_by_account(tmp_path):
    good = {"password": accounts.hash_password("long enough"), "role": "analyst", "tables": ["inspections"]}
    path = tmp_path / "accounts.json"
    for broken, message in [
        ({"Wang Min": good}, "lowercase letters"),
        ({"wang": {**good, "role": "admin"}}, "role"),
        ({"wang": {**good, "password": "plain text"}}, "must be a hash"),
        ({"wang": {**good, "tables": ["awardz"]}}, "no table awardz"),
        ({"wang": {**good, "is_admin": True}}, "an account has"),
    ]:
        path.write_text(json.dumps(broken))
        with pytest.raises(accounts.AccountError, match=message):
            accounts.load(path)
    path.write_text("{not json")
    with pytest.raises(accounts.AccountError, match="accounts.json"):
        accounts.load(path)


def run_accounts(*args, password: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "qcity.accounts", *args], input=password + "\n", text=True, capture_output=True
    )


def test_the_accounts_command_adds_lists_and_removes(tmp_path):
    path = str(tmp_path / "accounts.json")
    added = run_accounts(
        "add",
        "wang",
        "--role",
        "analyst",
        "--tables",
        "inspections,enterprises",
        "--file",
        path,
        password="food safety 1",
    )
    assert added.returncode == 0, added.stderr
    assert run_accounts("add", "li", "--role", "viewer", "--file", path, password="viewer pass").returncode == 0
    stored = accounts.load(path)
    assert accounts.verify("food safety 1", stored["wang"]["password"])
    assert "food safety 1" not in (tmp_path / "accounts.json").read_text()
    assert oct((tmp_path / "accounts.json").stat().st_mode & 0o777) == "0o600"
    assert run_accounts("list", "--file", path).stdout.splitlines() == [
        "wang\tanalyst\tinspections,enterprises",
        "li\tviewer\tall tables",
    ]
    short = run_accounts("add", "zhao", "--role", "viewer", "--file", path, password="short")
    bad = run_accounts("add", "Bad Name", "--role", "viewer", "--file", path, password="long enough")
    assert short.returncode and "at least 8" in short.stderr
    assert bad.returncode == 1 and "lowercase" in bad.stderr and set(accounts.load(path)) == {"wang", "li"}
    assert run_accounts("remove", "li", "--file", path).returncode == 0 and set(accounts.load(path)) == {"wang"}
    hashed = run_accounts("hash", password="for the environment").stdout.strip()
    assert accounts.verify("for the environment", hashed)


def test_the_audit_log_appends_and_counts_failures_by_address(tmp_path):
    now = datetime.now().astimezone()
    audit.record(tmp_path, "sign_in", ACTOR, ok=False)
    audit.record(tmp_path, "sign_in", audit.Actor("wang", "10.9.9.9"), ok=False)
    audit.record(tmp_path, "sign_in", ACTOR, ok=False, refused="wait")  # refused unchecked: not a new failure
    audit.record(tmp_path, "sign_in", ACTOR, ok=True)
    audit.record(tmp_path, "import", ACTOR, version=3, table="inspections")
    with (tmp_path / audit.FILE).open("a") as log:
        log.write("{damaged\n")
    failures = audit.failed_sign_ins(tmp_path, "10.1.2.3", timedelta(minutes=15))
    assert len(failures) == 1 and abs(failures[0] - now) < timedelta(seconds=5)
    log = audit.table(tmp_path)
    assert list(log.action) == ["import", "sign_in", "sign_in", "sign_in", "sign_in"]  # newest first
    assert log.version[0] == 3 and json.loads(log.detail[0]) == {"table": "inspections"}
    assert audit.count(tmp_path) == 6  # the damaged line is a line of the log too
    assert list(audit.table(tmp_path, 3).action) == ["import", "sign_in"]  # the newest 3 lines, one of them damaged


@pytest.fixture
def city(tmp_path):
    return write_tiny_city(tmp_path / "data")


def test_an_invalid_edit_saves_nothing_and_a_valid_one_makes_a_version_that_rolls_back(city):
    database = db.Database(city)
    targets = database.table("targets")
    before = (city / "targets.csv").read_bytes()
    broken = pd.concat(
        [
            targets,
            pd.DataFrame([{"indicator": "food_pass_rate", "year": 99999, "target": 97.0, "district_code": "火星区"}]),
        ],
        ignore_index=True,
    )
    broken.loc[0, "indicator"] = "99.5"  # typed into the wrong column
    broken.index = pd.RangeIndex(1, len(broken) + 1)
    result = admin.check_edit("targets", broken, database)
    assert [(p.row, p.column) for p in result.problems] == [(4, "year"), (4, "district_code"), (1, "indicator")]
    css = admin.marked(broken, result.problems).to_html().split("<table")[0]  # the style rules come first
    assert set(re.findall(r"_row(\d+)_col(\d+)", css)) == {("3", "1"), ("3", "3"), ("0", "0")}  # the 3 bad cells
    assert (city / "targets.csv").read_bytes() == before and not versions.versions(city)

    edited = targets.copy()
    edited.loc[edited.district_code.isna() & (edited.indicator == "food_pass_rate"), "target"] = 99.5
    edited.index = pd.RangeIndex(1, len(edited) + 1)
    result = admin.check_edit("targets", edited, database)
    assert result.problems == []
    version = ingest.commit(result, city, "replace", "table editor", ACTOR, action="edit")
    assert version == 1 and versions.versions(city)[-1]["user"] == "wang"
    saved = db.Database(city).table("targets")
    assert saved.loc[saved.district_code.isna() & (saved.indicator == "food_pass_rate"), "target"].tolist() == [99.5]
    assert saved.loc[saved.district_code == D1, "target"].tolist() == [90.0]  # the other rows as they were
    assert versions.changed_since(city, 0) == {"targets"}
    versions.rollback(city, 0, audit.Actor("chen", "local"))
    assert (city / "targets.csv").read_bytes() == before
    assert [(e["action"], e["user"], e["version"]) for e in audit.entries(city)] == [
        ("edit", "wang", 1),
        ("rollback", "chen", 2),
    ]


@pytest.mark.parametrize(
    "peer, forwarded, address",
    [
        (None, None, "local"),  # a browser on this machine
        ("10.9.9.9", None, "10.9.9.9"),  # straight from the intranet
        ("10.9.9.9", "1.2.3.4", "10.9.9.9"),  # a header from an untrusted peer is ignored
        ("127.0.0.1", "1.2.3.4, 10.0.0.7", "10.0.0.7"),  # nginx here appends the real peer: the last hop
        ("127.0.0.1", "10.0.0.7, not-an-address", "local"),  # garbage: the proxy's own address
    ],
)
def test_the_client_address_behind_a_trusted_proxy(monkeypatch, peer, forwarded, address):
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    monkeypatch.setattr(auth, "st", SimpleNamespace(context=SimpleNamespace(ip_address=peer, headers=headers)))
    monkeypatch.delenv(auth.TRUSTED_PROXIES_ENV, raising=False)
    assert auth.client_address() == address
