"""The Data page under AppTest: viewers read the catalog only; an analyst signs in, imports and rolls back."""

import json

import pytest
from helpers import ENTRY, HEADER, LOADED, TITLE, ServerLikePagesManager, fingerprint, write_tiny_city
from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.testing.v1 import AppTest, app_test
from streamlit.testing.v1.element_tree import ElementTree, Selectbox

from qcity.intake import ingest
from qcity.store import audit, db, rollups, versions
from qcity.web import accounts, admin, auth

PASSWORD = "correct horse battery staple"
GOOD = "\n".join(
    [TITLE, HEADER, "甲区,食品甲,2025-03-01,合格,测试厂,", "乙区,食品甲,2025-03-02,不合格,测试厂,微生物", ""]
).encode("gbk")


@pytest.fixture
def page(tmp_path, monkeypatch):
    data = write_tiny_city(tmp_path / "data")
    rollups.build(data)
    monkeypatch.setenv("QCITY_DATA_DIR", str(data))
    monkeypatch.setattr(app_test, "PagesManager", ServerLikePagesManager)

    def open_page(query: dict | None = None, password: str | None = PASSWORD) -> AppTest:
        if password:
            monkeypatch.setenv("QCITY_ANALYST_PASSWORD", password)
        else:
            monkeypatch.delenv("QCITY_ANALYST_PASSWORD", raising=False)
        at = AppTest.from_file(ENTRY, default_timeout=60)
        at.query_params.update({"lang": "en", **(query or {})})
        at.run()
        at.switch_page("pages/data.py").run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    open_page.data = data
    return open_page


def sign_in(at: AppTest, password: str) -> AppTest:
    at.text_input(key="data_password").input(password)
    at.get("form_submit_button")[0].click()
    return at.run()


def test_a_viewer_sees_the_catalog_and_no_write_action(page):
    (page.data / "awards.parquet").unlink()
    at = page(password=None)
    catalog = at.dataframe[0].value.set_index("Table")
    assert catalog.loc["inspections", "Rows"] == LOADED
    assert catalog.loc["brands", "Rows"] == 4 and catalog.loc["brands", "Status"] == "loaded"
    assert catalog.loc["awards", "Status"] == "missing"
    assert not at.get("file_uploader") and not at.button
    assert any("QCITY_ANALYST_PASSWORD" in i.value for i in at.info)


def test_a_wrong_password_and_a_url_do_not_make_an_analyst(page):
    at = page({"analyst": "1", "admin": "true"})
    assert not at.get("file_uploader")  # parameters in the link grant nothing
    at = sign_in(at, "guess")
    assert not at.exception and not at.get("file_uploader")
    assert at.error[0].value == "Wrong user name or password."


def test_an_analyst_imports_a_file_and_rolls_it_back(page):
    at = sign_in(page(), PASSWORD)
    assert at.get("file_uploader")
    at.get("file_uploader")[0].upload("q1.csv", GOOD, "text/csv").run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("2 valid rows, 0 rows with problems, 1 new enterprises" in i.value for i in at.info)
    at.button(key="data_import").click().run()
    assert at.success[0].value == "Imported as version 1."
    assert db.Database(page.data).con.execute("select count(*) from inspections").fetchone() == (LOADED + 2,)
    at.selectbox(key="data_rollback_to").set_value(0)
    at.button(key="data_rollback").click().run()
    assert any("Restored version 0" in s.value for s in at.success)
    assert db.Database(page.data).con.execute("select count(*) from inspections").fetchone() == (LOADED,)
    assert [(e["action"], e["user"], e["ok"], e["version"]) for e in audit.entries(page.data)] == [
        ("sign_in", "analyst", True, None),
        ("import", "analyst", True, 1),
        ("rollback", "analyst", True, 2),
    ]
    assert [(v["version"], v["action"], v["user"]) for v in versions.versions(page.data)] == [
        (1, "import", "analyst"),
        (2, "rollback", "analyst"),
    ]
    at.button(key="data_sign_out").click().run()
    assert audit.entries(page.data)[-1]["action"] == "sign_out" and not at.get("file_uploader")


def test_a_bad_upload_is_reported_and_changes_nothing(page):
    at = sign_in(page(), PASSWORD)
    before = fingerprint(page.data)  # after the sign-in, which the audit log keeps
    at.get("file_uploader")[0].upload("../../etc/passwd.xlsx", b"not a zip at all", "application/octet-stream").run()
    assert not at.exception
    assert at.error[0].value.startswith("passwd.xlsx: not a valid .xlsx file")
    assert "data_import" not in {b.key for b in at.button}
    assert fingerprint(page.data) == before


def test_problems_block_the_import_until_only_valid_rows_are_chosen(page):
    at = sign_in(page(), PASSWORD)
    bad = "\n".join([HEADER, "甲区,食品甲,2025-03-01,合格,测试厂,", "火星区,食品甲,2025-03-02,合格,测试厂,", ""])
    at.get("file_uploader")[0].upload("mixed.csv", bad.encode(), "text/csv").run()
    assert at.button(key="data_import").disabled
    problems = next(d.value for d in at.dataframe if "Problem" in d.value.columns)
    assert problems.iloc[0].tolist()[:3] == [3, "区县", "火星区"]
    at.checkbox(key="data_accept_valid").check().run()
    assert not at.button(key="data_import").disabled
    at.button(key="data_import").click().run()
    assert at.success[0].value == "Imported as version 1."
    assert (page.data / ".versions" / "1" / "rejected.csv").exists()


@pytest.fixture
def staff(page, tmp_path, monkeypatch):
    """Three named accounts: a food-safety analyst, a viewer and an analyst of every table."""
    path = tmp_path / "accounts.json"
    path.write_text(
        json.dumps(
            {
                "wang": {
                    "password": accounts.hash_password("food safety 1"),
                    "role": "analyst",
                    "tables": ["inspections", "enterprises"],
                },
                "li": {"password": accounts.hash_password("viewer pass 2"), "role": "viewer"},
                "chen": {"password": accounts.hash_password("chief pass 3"), "role": "analyst"},
            }
        )
    )
    monkeypatch.setenv(accounts.ENV, str(path))
    return page


def sign_in_as(at: AppTest, name: str, password: str) -> AppTest:
    at.text_input(key="data_user_name").input(name)
    return sign_in(at, password)


def signed_in_caption(at: AppTest) -> str:
    return next((c.value for c in at.caption if c.value.startswith("Signed in as")), "")


def test_failed_sign_ins_slow_then_refuse_the_session_and_the_address(staff):
    at = staff(password=None)
    for attempt in range(3):
        at = sign_in_as(at, "chen", f"guess {attempt}")
        assert at.error[0].value == "Wrong user name or password."
    assert "try again at" in at.warning[0].value and "(in 5 s)" in at.warning[0].value
    at = sign_in_as(at, "chen", "chief pass 3")  # the right password, too soon: not even checked
    assert at.error[0].value.startswith("Too many failed sign-ins") and not signed_in_caption(at)
    other = sign_in_as(staff(password=None), "chen", "chief pass 3")  # a new session from the same address
    assert other.error[0].value.startswith("Too many failed sign-ins") and not other.get("file_uploader")
    tries = [(e["user"], e["ok"], e.get("refused")) for e in audit.entries(staff.data) if e["action"] == "sign_in"]
    assert tries == [("chen", False, None)] * 3 + [("chen", False, "wait")] * 2


def test_a_viewer_reads_the_tables_and_the_audit_log_and_writes_nothing(staff):
    at = sign_in_as(staff({"role": "analyst", "user": "chen"}, password=None), "li", "viewer pass 2")
    assert signed_in_caption(at) == "Signed in as li (viewer; may write: —)"
    assert not at.get("file_uploader") and not at.get("data_editor")
    assert not [b for b in at.button if b.key.startswith("data_save") or b.key == "data_rollback"]
    targets = next(d.value for d in at.dataframe if "Target" in d.value.columns)
    assert len(targets) == 3
    log = next(d.value for d in at.dataframe if "Action" in d.value.columns)
    assert log.iloc[0][["User", "Action", "Done"]].tolist() == ["li", "sign_in", True]


def test_session_state_a_browser_could_send_makes_no_one_signed_in(staff):
    at = staff(password=None)
    for crafted in ({"name": "chen", "role": "analyst"}, "chen", True):
        at.session_state[auth.USER_KEY] = crafted
        at.run()
        assert not signed_in_caption(at) and not at.get("file_uploader") and at.text_input(key="data_user_name")


def test_a_food_safety_analyst_imports_inspections_but_no_other_agency_s_tables(staff, monkeypatch):
    before = (staff.data / "awards.parquet").read_bytes()
    at = sign_in_as(staff(password=None), "wang", "food safety 1")
    assert at.selectbox(key="data_table").options == ["enterprises", "inspections"]
    assert not at.get("data_editor") and not [b for b in at.button if b.key.startswith("data_save")]  # read only
    # A crafted message: the browser sends "awards" for the table, which the list does not offer. Streamlit resets a
    # value outside a selectbox's options, so the script still imports into inspections (and the file fails there).
    monkeypatch.setattr(
        Selectbox,
        "_widget_state",
        property(
            lambda self: WidgetState(
                id=self.id, string_value="awards" if self.key == "data_table" else self.options[self.index]
            )
        ),
    )
    awards = b"year,session,enterprise_id,stage,score\n2023,1,E1,winner,900\n"
    at.get("file_uploader")[0].upload("awards.csv", awards, "text/csv").run()
    assert at.info[0].value.startswith("0 valid rows") and at.button(key="data_import").disabled
    assert (staff.data / "awards.parquet").read_bytes() == before and not versions.versions(staff.data)


def test_every_write_checks_the_user_itself_and_logs_a_refusal(tmp_path, monkeypatch):
    """Whatever a page shows, the write's own check refuses another agency's table (and logs it)."""

    def script(data_dir: str):
        import streamlit as st

        from qcity.web import accounts, auth

        st.session_state[auth.USER_KEY] = accounts.User("wang", "analyst", frozenset({"inspections"}))
        for table in ("inspections", "awards"):
            try:
                st.write(f"{table}: {auth.require(data_dir, 'import', table).user}")
            except PermissionError as error:
                st.error(str(error))

    at = AppTest.from_function(script, args=(str(tmp_path),)).run()
    assert at.markdown[0].value == "inspections: wang" and at.error[0].value == "wang may not import awards"
    assert [(e["user"], e["action"], e["ok"], e["table"]) for e in audit.entries(tmp_path)] == [
        ("wang", "import", False, "awards")
    ]


def test_a_rollback_that_would_change_another_agency_s_table_is_refused(staff):
    chen = audit.Actor("chen", "local")
    database = db.Database(staff.data)
    targets = database.table("targets").assign(target=lambda t: t.target + 1)
    ingest.commit(
        admin.check_edit("targets", targets.set_axis(range(1, 4)), database),
        staff.data,
        "replace",
        "table editor",
        chen,
        action="edit",
    )
    edited = (staff.data / "targets.csv").read_bytes()
    at = sign_in_as(staff(password=None), "wang", "food safety 1")
    at.selectbox(key="data_rollback_to").set_value(0)
    at.button(key="data_rollback").click().run()
    assert at.error[0].value.startswith("The account wang may not roll back to version 0")
    assert (staff.data / "targets.csv").read_bytes() == edited and len(versions.versions(staff.data)) == 1
    refused = audit.entries(staff.data)[-1]
    assert (refused["user"], refused["action"], refused["ok"], refused["table"]) == (
        "wang",
        "rollback",
        False,
        "targets",
    )


def test_an_analyst_gets_the_editors_and_saving_no_change_makes_no_version(staff):
    at = sign_in_as(staff(password=None), "chen", "chief pass 3")
    assert len(at.get("data_editor")) == 4 and {b.key for b in at.button} >= {
        f"data_save_{name}" for name in admin.EDITABLE
    }
    at.button(key="data_save_targets").click().run()
    assert at.info[-1].value == "Nothing changed; no version was made." and not versions.versions(staff.data)


def edited(at: AppTest, monkeypatch, table: str, rows: dict) -> None:
    """Send an edit of a table editor the way the browser does: the editor's widget state is a JSON object of the
    edited rows (row position -> column -> value) with the rows added and deleted, Streamlit's data_editor protocol.
    It goes with every later run of `at`, as a browser keeps sending a widget's state."""
    editor = next(e for e in at.get("data_editor") if f"data_edit_{table}_" in e.proto.id)
    state = WidgetState(
        id=editor.proto.id, string_value=json.dumps({"edited_rows": rows, "added_rows": [], "deleted_rows": []})
    )
    original = ElementTree.get_widget_states

    def with_the_edit(tree):
        states = original(tree)
        states.widgets.append(state)
        return states

    monkeypatch.setattr(ElementTree, "get_widget_states", with_the_edit)


def test_an_edit_as_the_browser_sends_it_is_saved_and_the_overview_follows(staff, monkeypatch):
    """The browser test edits a cell in the grid; this is the same edit one level down: the message the grid sends,
    then Save, then the Overview's food card and scorecard with the new target."""
    at = sign_in_as(staff(password=None), "chen", "chief pass 3")
    assert (staff.data / "targets.csv").read_text().splitlines()[1] == "food_pass_rate,2025,98.0,"  # row 0
    edited(at, monkeypatch, "targets", {"0": {"target": 99.5}})
    at.run()
    assert "Not saved yet: rows changed 1, added 0, deleted 0." in [c.value for c in at.caption]
    at.button(key="data_save_targets").click().run()
    assert at.success[-1].value.startswith("Saved as version 1"), [s.value for s in at.success]
    assert not [c for c in at.caption if c.value.startswith("Not saved yet")]
    assert (staff.data / "targets.csv").read_text().splitlines()[1] == "food_pass_rate,2025,99.5,"
    assert [(e["action"], e["user"]) for e in audit.entries(staff.data)][-1] == ("edit", "chen")
    at.switch_page("pages/overview.py").run()
    assert not at.exception
    assert any(m.value.startswith("2025 · target 99.5% · ") for m in at.markdown), [m.value for m in at.markdown]
    scorecard = next(d.value for d in at.dataframe if "Target" in d.value.columns)
    assert scorecard.set_index("Indicator").loc["Food sampling pass rate", "Target"] == "99.5%"


def test_a_table_changed_since_the_editor_opened_is_not_overwritten(staff):
    at = sign_in_as(staff(password=None), "chen", "chief pass 3")  # chen's editor opens on the targets as they are
    database = db.Database(staff.data)
    raised = database.table("targets").assign(target=lambda t: t.target + 1).set_axis(range(1, 4))
    ingest.commit(
        admin.check_edit("targets", raised, database),
        staff.data,
        "replace",
        "table editor",
        audit.Actor("wang", "10.1.2.3"),
        action="edit",
    )  # meanwhile, another analyst saves
    saved = (staff.data / "targets.csv").read_bytes()
    at.run()
    assert at.warning[0].value.startswith("This table changed after you opened it (by wang at ")
    at.button(key="data_save_targets").click().run()
    assert at.error[0].value.startswith("Not saved: the table changed after you opened it")
    assert (staff.data / "targets.csv").read_bytes() == saved and len(versions.versions(staff.data)) == 1
    at.button(key="data_reload_targets").click().run()
    assert not at.warning
    at.button(key="data_save_targets").click().run()  # the reloaded table, unchanged
    assert at.info[-1].value == "Nothing changed; no version was made."


def test_rows_outside_and_unplaced_are_listed_and_wait_for_the_choice(page):
    """A row whose address lies in another city is listed as outside and left out; one that nothing places is
    listed as unplaced and, as on the command line, imported only when the valid rows are chosen."""
    at = sign_in(page(), PASSWORD)
    rows = "\n".join(
        [
            "区县,行业,抽样日期,检验结论,被抽样单位地址",
            "甲区,食品甲,2025-03-01,合格,",
            ",食品甲,2025-03-02,合格,湖南省株洲市天元区长江北路1号",
            ",食品甲,2025-03-03,合格,某路1号",
            "",
        ]
    )
    at.get("file_uploader")[0].upload("places.csv", rows.encode(), "text/csv").run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(i.value.startswith("1 row lies outside the data's area") for i in at.info)
    assert any(i.value.startswith("1 row has no place the import can find") for i in at.info)
    listed = [d.value for d in at.dataframe if list(d.value.columns) == ["Row", "Value"]]
    assert [frame.values.tolist() for frame in listed] == [[[3, "湖南省株洲市天元区长江北路1号"]], [[4, "某路1号"]]]
    assert at.button(key="data_import").disabled
    at.checkbox(key="data_accept_valid").check().run()
    at.button(key="data_import").click().run()
    assert at.success[0].value == "Imported as version 1."
    placed = (
        db.Database(page.data)
        .con.execute(
            "select district_code from inspections where sample_date >= "
            "'2025-03-01' and sample_date <= '2025-03-03' and product is null "
            "order by sample_date"
        )
        .fetchall()
    )
    assert placed == [("100001",), ("000000",)]  # 甲区, then place unknown; the 株洲 row is not there


def test_a_notice_is_declared_with_a_box(page):
    at = sign_in(page(), PASSWORD)
    at.checkbox(key="data_failures_only").check().run()
    notice = "\n".join(["区县,行业,抽样日期,不合格项目", "甲区,食品甲,2025-03-01,菌落总数", ""])
    at.get("file_uploader")[0].upload("notice.csv", notice.encode(), "text/csv").run()
    assert any("1 valid rows, 0 rows with problems" in i.value for i in at.info)
    at.button(key="data_import").click().run()
    got = (
        db.Database(page.data)
        .con.execute("select passed, failures_only, failed_items from inspections where failures_only")
        .fetchall()
    )
    assert got == [(False, True, "菌落总数")]
