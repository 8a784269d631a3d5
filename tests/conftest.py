"""Fixtures: the tiny hand-made city (tests/helpers.py) as files and as a database, the generated demos, the app
started on them under AppTest; markers for tests that need a tool this machine may lack."""

import os
import shutil
from datetime import date
from pathlib import Path

import pytest

os.environ["QCITY_VALIDATE_FIGURES"] = "1"  # every figure the tests build is checked against Plotly's schema

from helpers import starter, write_tiny_city  # noqa: E402

from qcity.documents import images  # noqa: E402
from qcity.intake import demo  # noqa: E402
from qcity.store import db  # noqa: E402

# Markers for tests that need a program beside Python: what finds it, and how to install it. Plain pytest skips
# such a test when the program is missing; the README's test command installs them all and sets
# QCITY_REQUIRE_TOOLS, so there a missing program fails the test instead of skipping it.
TOOLS = {
    "browser": (images.chromium, "Chromium: apt-get install -y chromium fonts-noto-cjk, or QCITY_CHROMIUM=PATH"),
    "nginx": (
        lambda: shutil.which("nginx", path=f"{os.environ.get('PATH', '')}:/usr/sbin"),
        "nginx: apt-get install -y nginx",
    ),
    "spark": (lambda: shutil.which("java"), "Java for PySpark: apt-get install -y default-jre-headless"),
}


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test (item.report_call ...), for fixtures that act on a failure."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


def pytest_runtest_setup(item):
    for marker, (find, install) in TOOLS.items():
        if item.get_closest_marker(marker) and not find():
            if os.environ.get("QCITY_REQUIRE_TOOLS"):
                pytest.fail(f"needs {install} (QCITY_REQUIRE_TOOLS is set: the tool must be there)", pytrace=False)
            pytest.skip(f"needs {install}")


@pytest.fixture(scope="session")
def tiny_dir(tmp_path_factory) -> Path:
    return write_tiny_city(tmp_path_factory.mktemp("tiny"))


@pytest.fixture(scope="session")
def tiny_db(tiny_dir):
    database = db.Database(tiny_dir)
    yield database
    database.con.close()


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory) -> Path:
    """The default demo (200,000 inspection rows, seed 7), generated once per test session."""
    out = tmp_path_factory.mktemp("demo")
    demo.DemoCity("changsha", 200_000, 7).write(out)
    return out


@pytest.fixture(scope="session")
def ytd_dir(tmp_path_factory) -> Path:
    """A demo of a year in progress: data up to 2026-09-30 (50,000 inspection rows before the cut, seed 7)."""
    out = tmp_path_factory.mktemp("ytd")
    demo.DemoCity("changsha", 50_000, 7, date(2026, 9, 30)).write(out)
    return out


@pytest.fixture
def app(demo_dir, monkeypatch):
    """Start the app on the demo data, optionally with URL parameters and on another page."""
    return starter(demo_dir, monkeypatch)


@pytest.fixture
def ytd_app(ytd_dir, monkeypatch):
    """Start the app on the demo of a year in progress (data to 2026-09-30)."""
    return starter(ytd_dir, monkeypatch)


@pytest.fixture(scope="session")
def demo_db(demo_dir):
    database = db.Database(demo_dir)
    yield database
    database.con.close()


def pytest_sessionfinish(session, exitstatus):
    """Tear DuckDB down before Python exits.

    The last AppTest runs leave their scripts' namespaces alive (`database = cache.current()` in dashboard.py), and
    DuckDB's bindings report connections still alive at interpreter exit as leaks, after pytest's summary.
    """
    import gc

    import streamlit as st
    from streamlit.runtime import Runtime

    st.cache_resource.clear()
    Runtime._instance = None
    for database in [o for o in gc.get_objects() if type(o) is db.Database]:  # type(): dead weak proxies stay inert
        database.con.close()
        for holder in gc.get_referrers(database):
            if isinstance(holder, dict):
                for name in [k for k, v in holder.items() if v is database]:
                    del holder[name]
    gc.collect()
