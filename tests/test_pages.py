"""Every page under Streamlit's AppTest: runs in both languages, follows the filters and the URL both ways."""

import json
from pathlib import Path

import pytest
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest, app_test

ENTRY = str(Path(__file__).resolve().parent.parent / "dashboard.py")
PAGES = {"overview": ("pages/overview.py", 2), "spot_checks": ("pages/spot_checks.py", 4)}  # file, charts


class ServerLikePagesManager(PagesManager):
    """AppTest puts Streamlit back into legacy `pages/` mode on every run; a server leaves it after its first
    `st.navigation` call, before any widget exists. Keep AppTest in the server's mode so that widget changes
    carry over between runs as they do in a browser (the first-request recovery has its own test below)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        PagesManager.uses_pages_directory = False


@pytest.fixture
def app(demo_dir, monkeypatch):
    """Start the app on the demo data, optionally with URL parameters and on another page."""
    monkeypatch.setenv("QCITY_DATA_DIR", str(demo_dir))
    monkeypatch.setattr(app_test, "PagesManager", ServerLikePagesManager)

    def start(query: dict | None = None, page: str = "overview") -> AppTest:
        at = AppTest.from_file(ENTRY, default_timeout=60)
        at.query_params.update(query or {})
        at.run()
        if page != "overview":
            at.switch_page(PAGES[page][0]).run()
        assert not at.exception, [e.value for e in at.exception]
        return at
    return start


def trace_names(chart) -> list[str]:
    return [trace.get("name") for trace in json.loads(chart.proto.spec)["data"]]


def texts(at: AppTest) -> str:
    return " ".join(e.value for kind in ("title", "subheader", "warning", "info", "error", "caption", "markdown")
                    for e in getattr(at, kind))


def kpis(at: AppTest) -> list[str]:
    return [m.value for m in at.metric]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("page", sorted(PAGES))
def test_every_page_runs_in_both_languages(app, page, lang):
    at = app({"lang": lang}, page)
    assert len(at.get("plotly_chart")) == PAGES[page][1]
    title = at.title[0].value
    assert title == {("overview", "zh"): "质量强市总览", ("overview", "en"): "Quality City overview",
                     ("spot_checks", "zh"): "监督抽检", ("spot_checks", "en"): "Spot checks"}[(page, lang)]
    synthetic = {"zh": "合成数据", "en": "every figure is synthetic"}[lang]
    assert synthetic in at.warning[0].value


def test_overview_shows_a_card_per_headline_indicator_with_target(app):
    at = app({"lang": "en"})
    assert [m.label for m in at.metric] == ["Food pass rate", "Manufactured products pass rate",
                                            "Agri-product monitoring pass rate", "Drug pass rate",
                                            "Special-equipment deaths per 10k units",
                                            "Construction first-time acceptance"]
    assert at.metric[2].help == "Edible agricultural product monitoring pass rate"
    assert all(value.endswith("%") for value in kpis(at)[:4])
    assert "target 98.0%" in texts(at)


def test_a_filter_change_changes_the_view_and_the_url(app):
    at = app()
    before = kpis(at)
    at.multiselect(key="districts").set_value(["430104"]).run()
    assert not at.exception
    assert kpis(at) != before
    assert at.query_params["district"] in ("430104", ["430104"])
    at.slider(key="years").set_value((2019, 2021)).run()
    assert at.query_params["from"] in ("2019", ["2019"]) and at.query_params["to"] in ("2021", ["2021"])
    assert "2021" in at.caption[0].value


def test_a_link_reproduces_the_view(app):
    query = {"from": "2020", "to": "2022", "district": "430104,430105", "sector": "food-catering", "lang": "en"}
    at = app(query, "spot_checks")
    assert at.slider(key="years").value == (2020, 2022)
    assert at.multiselect(key="districts").value == ["430104", "430105"]
    assert at.multiselect(key="sectors").value == ["food-catering"]
    assert at.radio(key="lang").value == "en"
    assert {k: (v[0] if isinstance(v, list) else v) for k, v in at.query_params.items()} == query
    heatmap = json.loads(at.get("plotly_chart")[1].proto.spec)["data"][0]
    assert sorted(heatmap["y"]) == ["Kaifu", "Yuelu"]


def test_hostile_url_values_are_dropped_with_a_notice(app):
    at = app({"district": "' OR 1=1 --", "from": "99999", "to": "2019", "sector": "x" * 10_000, "lang": "fr",
              "evil": "<script>"})
    warnings = texts(at)
    assert "district=' OR 1=1 --" in warnings and "from=99999" in warnings and "lang=fr" in warnings
    assert at.multiselect(key="districts").value == [] and at.radio(key="lang").value == "zh"
    assert at.slider(key="years").value == (2016, 2019)
    assert "x" * 41 not in warnings  # long values are echoed back shortened
    assert len(at.get("plotly_chart")) == 2


def test_language_switch_keeps_the_filters(app):
    at = app()
    at.multiselect(key="districts").set_value(["430112"]).run()
    zh = kpis(at)
    at.radio(key="lang").set_value("en").run()
    assert not at.exception
    assert at.multiselect(key="districts").value == ["430112"]
    assert at.title[0].value == "Quality City overview"
    assert [v.replace(",", "") for v in kpis(at)] == [v.replace(",", "") for v in zh]


def test_filters_hold_across_pages(app):
    at = app()
    at.multiselect(key="sectors").set_value(["food-dairy"]).run()
    at.switch_page("pages/spot_checks.py").run()
    assert not at.exception
    assert at.multiselect(key="sectors").value == ["food-dairy"]
    assert at.query_params["sector"] in ("food-dairy", ["food-dairy"])
    assert trace_names(at.get("plotly_chart")[0]) == ["食品"]  # one line, for the food domain


def test_a_selection_without_data_says_so(app):
    at = app({"sector": "svc-retail", "lang": "en"}, "spot_checks")
    assert "No data for the selected years" in texts(at)
    assert len(at.get("plotly_chart")) == 0
    overview = app({"sector": "construction", "lang": "en"})
    assert kpis(overview).count("no data") == 5  # only construction acceptance has data
    assert "No data for the selected years" in texts(overview)  # the food trend, chosen by default, is empty
    overview.selectbox(key="overview_indicator").set_value("construction_acceptance_rate").run()
    assert not overview.exception and len(overview.get("plotly_chart")) == 2


def test_an_empty_data_directory_says_how_to_load_data(tmp_path, monkeypatch):
    monkeypatch.setenv("QCITY_DATA_DIR", str(tmp_path))
    at = AppTest.from_file(ENTRY, default_timeout=60).run()
    assert not at.exception
    assert "python -m qcity.demo" in at.error[0].value


def test_a_first_request_in_legacy_mode_reaches_the_page_with_its_filters(demo_dir, monkeypatch):
    """A fresh server starts in legacy `pages/` mode and runs a requested page file alone; the page must go through
    dashboard.py instead, land on the page that was asked for and keep the link's filters."""
    monkeypatch.setenv("QCITY_DATA_DIR", str(demo_dir))
    at = AppTest.from_file(ENTRY, default_timeout=60)
    at.query_params.update({"district": "430104", "lang": "en"})
    at.switch_page("pages/spot_checks.py").run()
    assert not at.exception
    assert at.title[0].value == "Spot checks"
    assert at.multiselect(key="districts").value == ["430104"]
    assert at.radio(key="lang").value == "en"
    assert len(at.get("plotly_chart")) == 4


def test_filters_survive_a_language_switch_followed_by_a_page_switch(app):
    at = app({"district": "430104", "sector": "food-catering"})
    at.radio(key="lang").set_value("en").run()
    at.switch_page("pages/spot_checks.py").run()
    assert not at.exception
    assert at.multiselect(key="districts").value == ["430104"]
    assert at.multiselect(key="sectors").value == ["food-catering"]
    assert at.title[0].value == "Spot checks"


def test_a_stale_rollup_is_reported_and_the_pages_still_work(tmp_path, monkeypatch):
    from conftest import write_tiny_city
    write_tiny_city(tmp_path)  # no rollup file: pages count raw rows
    monkeypatch.setenv("QCITY_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(app_test, "PagesManager", ServerLikePagesManager)
    at = AppTest.from_file(ENTRY, default_timeout=60)
    at.query_params.update({"lang": "en"})
    at.run()
    assert not at.exception
    assert any("python -m qcity.rollups" in i.value for i in at.info)
    assert len(at.get("plotly_chart")) == 2


def test_another_city_runs_from_its_data_alone(tmp_path, monkeypatch):
    from qcity import demo
    demo.DemoCity("chenzhou", 20_000, 3).write(tmp_path)
    monkeypatch.setenv("QCITY_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(app_test, "PagesManager", ServerLikePagesManager)
    at = AppTest.from_file(ENTRY, default_timeout=60)
    at.query_params.update({"district": "431081", "lang": "en"})
    at.run()
    assert not at.exception
    assert "Chenzhou" in at.warning[0].value
    assert at.multiselect(key="districts").value == ["431081"]
    assert len(at.multiselect(key="districts").options) == 11
    at.switch_page("pages/spot_checks.py").run()
    assert not at.exception and len(at.get("plotly_chart")) == 4
