"""Long work says how far it is: the stages an import, a deck and the demo report, the bar on a terminal (and
nothing in a log), and the Data and Present pages' status."""

import io

from helpers import ENTRY, HEADER, TITLE, ServerLikePagesManager, write_tiny_city
from streamlit.testing.v1 import AppTest, app_test

from qcity import progress
from qcity.intake import demo, ingest, readers
from qcity.store import db, rollups
from qcity.web import builds


class Collected(list):
    """A progress callable that keeps what it was told."""

    def __call__(self, stage: str, done: int = 0, total: int = 0) -> None:
        self.append((stage, done, total))


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_shows_a_bar_per_stage_and_a_log_shows_nothing():
    screen = FakeTerminal()
    with progress.Terminal(screen) as bar:
        for done in range(14):
            bar("Drawing the charts", done, 13 if done < 13 else 13)
        bar("Writing the file")
    shown = screen.getvalue()
    assert "Drawing the charts" in shown and "13/13" in shown and "Writing the file" in shown
    log = io.StringIO()
    with progress.Terminal(log) as quiet:
        quiet("Drawing the charts", 4, 13)
    assert log.getvalue() == ""


def test_an_import_says_each_stage_in_order(tmp_path):
    data = write_tiny_city(tmp_path / "data")
    rollups.build(data)
    path = tmp_path / "q1.csv"
    path.write_bytes("\n".join([TITLE, HEADER, "甲区,食品甲,2025-03-01,合格,测试厂,", ""]).encode("gbk"))
    result = ingest.prepare(readers.read(path), "inspections", db.Database(data))
    told = Collected()
    assert ingest.commit(result, data, "append", "q1.csv", progress=told, lang="en") == 1
    assert told == [
        ("Writing inspections (1 row)", 0, 3),  # one row: the singular form
        ("Keeping version 1's snapshot", 1, 3),
        ("Rebuilding the inspections rollup", 2, 3),
        ("Imported as version 1", 3, 3),
    ]


def test_the_demo_says_its_rows_then_its_other_tables_and_the_rollup(tmp_path):
    told = Collected()
    written = demo.DemoCity("changsha", 20_000, 3).write(tmp_path, told)
    rows = [t for t in told if t[0] == "Writing inspections"]
    assert rows[0] == ("Writing inspections", 0, 20_000) and rows[-1] == ("Writing inspections", written, written)
    assert [d for _, d, _ in rows] == sorted(d for _, d, _ in rows) and len(rows) == 1 + len(
        demo.DemoCity("changsha", 20_000, 3).yearly_counts()
    )
    assert told[-2:] == [("Writing the other tables", 0, 0), ("Building the rollup", 0, 0)]


def test_a_download_built_in_another_thread_reports_to_its_session(monkeypatch):
    """The Present page's files are built when clicked, in Streamlit's download thread: they report per session,
    and the page's fragment shows it, until the build is done."""

    def script():
        import streamlit as st

        from qcity.web import builds

        st.session_state["_build_token"] = "t1"
        builds.build_progress("en")

    monkeypatch.setitem(builds._BUILDS, "t1", ("Drawing the charts", 4, 13))
    at = AppTest.from_function(script).run()
    assert not at.exception
    bar = at.get("progress")[0].proto
    assert bar.text == "Drawing the charts: 4 of 13" and bar.value == 30  # per cent, as Streamlit sends it

    monkeypatch.setattr(builds, "_session_token", lambda: "t2")
    seen = []

    def build(report):
        report("Drawing the charts", 1, 2)
        seen.append(builds._BUILDS["t2"])
        return b"deck"

    assert builds.tracked(build)() == b"deck"
    assert seen == [("Drawing the charts", 1, 2)] and builds._BUILDS.pop("t2") is None  # done: the page stops reading


def test_the_data_page_shows_reading_checking_and_the_import_as_status(tmp_path, monkeypatch):
    data = write_tiny_city(tmp_path / "data")
    rollups.build(data)
    monkeypatch.setenv("QCITY_DATA_DIR", str(data))
    monkeypatch.setenv("QCITY_ANALYST_PASSWORD", "pw")
    monkeypatch.setattr(app_test, "PagesManager", ServerLikePagesManager)
    at = AppTest.from_file(ENTRY, default_timeout=60)
    at.query_params.update({"lang": "en"})
    at.run().switch_page("pages/data.py").run()
    at.text_input(key="data_password").input("pw")
    at.get("form_submit_button")[0].click()
    at.run()
    content = "\n".join(
        [TITLE, HEADER, "甲区,食品甲,2025-03-01,合格,测试厂,", "乙区,食品甲,2025-03-02,不合格,测试厂,微生物", ""]
    ).encode("gbk")
    at.get("file_uploader")[0].upload("q1.csv", content, "text/csv").run()
    statuses = [s.label for s in at.status]
    assert [label for label in statuses if label.startswith(("Read", "Checked"))] == [
        "Read q1.csv: 2 rows",
        "Checked: 2 valid rows, 0 with problems",
    ]
    at.button(key="data_import").click().run()
    assert at.success[0].value == "Imported as version 1."
    assert "Imported as version 1" in [s.label for s in at.status]
