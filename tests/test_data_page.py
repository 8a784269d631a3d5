"""The Data page under AppTest: viewers read the catalog only; an analyst signs in, imports and rolls back."""

import pytest
from conftest import write_tiny_city
from streamlit.testing.v1 import AppTest, app_test
from test_ingest import HEADER, LOADED, TITLE, fingerprint
from test_pages import ENTRY, ServerLikePagesManager

from qcity.store import db, rollups

PASSWORD = "correct horse battery staple"
GOOD = "\n".join([TITLE, HEADER, "甲区,食品甲,2025-03-01,合格,测试厂,", "乙区,食品甲,2025-03-02,不合格,测试厂,微生物",
                  ""]).encode("gbk")


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


def test_a_bad_upload_is_reported_and_changes_nothing(page):
    at = sign_in(page(), PASSWORD)
    before = fingerprint(page.data)  # after the sign-in, which the audit log keeps
    at.get("file_uploader")[0].upload("../../etc/passwd.xlsx", b"not a zip at all", "application/octet-stream").run()
    assert not at.exception
    assert at.error[0].value.startswith("passwd.xlsx: not a valid .xlsx file")
    assert not at.button(key="data_import") if any(b.key == "data_import" for b in at.button) else True
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
