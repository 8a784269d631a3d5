"""Every page under Streamlit's AppTest: runs in both languages, follows the filters and the URL both ways."""

import base64
import functools
import json

import numpy as np
import pandas as pd
import pytest
from helpers import AREA_PAGES, CHARTS, D1, ENTRY, PAGES, ServerLikePagesManager, starter, write_tiny_city
from streamlit.testing.v1 import AppTest, app_test

from qcity import i18n
from qcity.analysis import indicators
from qcity.store import audit, db
from qcity.web import accounts, auth, cache, guide


def trace_names(chart) -> list[str]:
    return [trace.get("name") for trace in json.loads(chart.proto.spec)["data"]]


def texts(at: AppTest) -> str:
    return " ".join(
        e.value
        for kind in ("title", "subheader", "warning", "info", "error", "caption", "markdown")
        for e in getattr(at, kind)
    )


def kpis(at: AppTest) -> list[str]:
    return [m.value for m in at.metric]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("page", sorted(PAGES))
def test_every_page_runs_in_both_languages(app, page, lang):
    at = app({"lang": lang}, page)
    assert len(at.get("plotly_chart")) == PAGES[page][1]
    title = at.title[0].value
    assert title == {
        ("overview", "zh"): "质量强市总览",
        ("overview", "en"): "Quality City overview",
        ("spot_checks", "zh"): "监督抽检",
        ("spot_checks", "en"): "Spot checks",
        ("attention", "zh"): "风险预警：需要关注的问题",
        ("attention", "en"): "Early warning: what needs attention",
        ("present", "zh"): "各领域抽检合格率：2021–2025年",  # the first view's title
        ("present", "en"): "Spot-check pass rate by domain, 2021–2025",
    }.get((page, lang), i18n.t(f"page.{page}", lang))
    # its "?" (on Present, where the title is the view's, the settings) links to its section of the user guide
    docs = f"]({guide.address(guide.PAGE_SECTIONS[page])})"
    assert docs in (" ".join(c.value for c in at.caption) if page == "present" else at.title[0].proto.help)
    synthetic = {"zh": "合成数据", "en": "every figure is synthetic"}[lang]
    assert synthetic in at.warning[0].value
    assert all(d.proto.placeholder == "" for d in at.dataframe)  # a missing value is an empty cell, never "None"


def test_overview_shows_a_card_per_headline_indicator_with_target(app):
    at = app({"lang": "en"})
    assert [m.label for m in at.metric] == [
        "Food pass rate",
        "Manufactured products pass rate",
        "Agri-product monitoring pass rate",
        "Drug pass rate",
        "Special-equipment deaths per 10k units",
        "Construction first-time acceptance",
    ]
    assert at.metric[2].help.startswith("**Edible agricultural product monitoring pass rate**: Passed ÷ sampled")
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
    heatmap = json.loads(next(c for c in at.get("plotly_chart") if "spot_heatmap" in c.proto.id).proto.spec)["data"][0]
    assert sorted(heatmap["y"]) == ["Kaifu", "Yuelu"]


def test_hostile_url_values_are_dropped_with_a_notice(app):
    at = app(
        {
            "district": "' OR 1=1 --",
            "from": "99999",
            "to": "2019",
            "sector": "x" * 10_000,
            "lang": "fr",
            "evil": "<script>",
        }
    )
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
    assert len(at.get("plotly_chart")) == CHARTS["spot_checks"]


def test_filters_survive_a_language_switch_followed_by_a_page_switch(app):
    at = app({"district": "430104", "sector": "food-catering"})
    at.radio(key="lang").set_value("en").run()
    at.switch_page("pages/spot_checks.py").run()
    assert not at.exception
    assert at.multiselect(key="districts").value == ["430104"]
    assert at.multiselect(key="sectors").value == ["food-catering"]
    assert at.title[0].value == "Spot checks"


def test_a_stale_rollup_is_reported_and_the_pages_still_work(tmp_path, monkeypatch):
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
    from qcity.intake import demo

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
    assert not at.exception and len(at.get("plotly_chart")) == CHARTS["spot_checks"]


@pytest.mark.parametrize("page", AREA_PAGES)
def test_every_area_page_narrows_to_one_district_and_to_one_sector(app, page):
    one_district = app({"district": "430104", "lang": "en"}, page)
    assert one_district.multiselect(key="districts").value == ["430104"]
    assert len(one_district.get("plotly_chart")) == CHARTS[page]  # every district has data in every area
    one_sector = app({"sector": "food-catering", "lang": "en"}, page)
    assert one_sector.multiselect(key="sectors").value == ["food-catering"]
    # special equipment has no sector: on Safety its chart has nothing for a sector filter and says so
    no_data = [i.value for i in one_sector.info if i.value.startswith("No data")]
    assert (len(one_sector.get("plotly_chart")), len(no_data)) == ((3, 1) if page == "safety" else (CHARTS[page], 0))


@pytest.fixture
def gap_city(tmp_path, monkeypatch):
    """The tiny city plus one 2020 patent record: the year filter then spans 2020-2025 with nothing in 2021-22."""
    import pandas as pd

    write_tiny_city(tmp_path)
    innovation = pd.read_parquet(tmp_path / "innovation.parquet")
    pd.concat([innovation, pd.DataFrame([(2020, D1, 90, 30, 8)], columns=innovation.columns)]).to_parquet(
        tmp_path / "innovation.parquet", index=False
    )
    monkeypatch.setenv("QCITY_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(app_test, "PagesManager", ServerLikePagesManager)
    return tmp_path


@pytest.mark.parametrize("page", ["overview", "spot_checks", *AREA_PAGES])
def test_a_year_range_without_data_gets_an_empty_state_not_an_empty_chart(gap_city, page):
    at = AppTest.from_file(ENTRY, default_timeout=60)
    at.query_params.update({"from": "2021", "to": "2022", "lang": "en"})
    at.run()
    at.switch_page(PAGES[page][0]).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.slider(key="years").value == (2021, 2022)
    assert len(at.get("plotly_chart")) == 0
    assert "No data for" in texts(at)


def test_overview_scorecard_rolls_up_every_directional_indicator(app):
    at = app({"lang": "en"})
    assert "comparable indicators improved on last year" in texts(at)
    scorecard = at.dataframe[0].value  # the first table on the page
    directional = [i for i in indicators.INDICATORS.values() if i.directional]
    assert list(scorecard["Indicator"]) == [i18n.t(f"ind.{i.id}", "en") for i in directional]
    deaths = scorecard.set_index("Indicator").loc["Special-equipment deaths per 10,000 units"]
    assert deaths["Direction"] == "lower is better" and deaths["Target"] == "0.08"


def test_charts_link_to_the_glossary_which_explains_every_indicator(app):
    at = app({"lang": "en", "district": "430104"}, "safety")
    assert "glossary?from=2016&to=2025&district=430104&lang=en#food_pass_rate" in at.metric[0].help
    assert "](app/static/docs/user-guide/indicators.html#food_pass_rate)" in at.metric[0].help
    glossary = app({"lang": "en"}, "glossary")
    headings = [h.value for h in glossary.subheader]
    assert headings == [i18n.t(f"ind.{i}", "en") for i in indicators.INDICATORS] + ["Composite quality index"]
    assert "Passed ÷ sampled batches of routine monitoring" in texts(glossary)
    assert "2016–2025" in texts(glossary)
    assert "](app/static/docs/user-guide/indicators.html#case_closure_rate)" in texts(glossary)


def test_innovation_says_the_sector_filter_does_not_apply(app):
    at = app({"lang": "en", "sector": "food-catering"}, "innovation")
    assert "sector filter does not apply" in texts(at)
    assert len(at.get("plotly_chart")) == 2


def test_enterprise_profile_from_a_link_and_from_a_search(app):
    at = app({"lang": "en", "enterprise": "E000010"}, "enterprise")
    assert at.text_input(key="enterprise_search").value == "E000010"
    assert at.selectbox(key="enterprise_choice").value == "E000010"
    assert at.query_params["enterprise"] in ("E000010", ["E000010"])
    assert at.subheader[0].value.startswith("【示例】")
    assert [s.value for s in at.subheader][1:] == [
        "Spot-check history",
        "Standards",
        "Quality brands",
        "Mayor Quality Award",
        "Enforcement cases",
        "Diagnosis visits",
    ]
    at.text_input(key="enterprise_search").input("' OR 1=1 --").run()
    assert not at.exception
    assert "No enterprise has" in texts(at)


def test_a_bad_index_weight_in_the_city_config_is_named(tmp_path, monkeypatch):
    write_tiny_city(tmp_path)
    city = json.loads((tmp_path / "city.json").read_text())
    (tmp_path / "city.json").write_text(json.dumps({**city, "index_weights": {"brands": 1}}))
    monkeypatch.setenv("QCITY_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(app_test, "PagesManager", ServerLikePagesManager)
    at = AppTest.from_file(ENTRY, default_timeout=60)
    at.query_params.update({"lang": "en"})
    at.run()
    at.switch_page("pages/quality_index.py").run()
    assert not at.exception
    assert "'brands' has no better direction or is a count" in at.error[0].value


@pytest.mark.browser  # the deck's and report's chart images
def test_present_shows_one_view_moves_on_and_follows_the_language(app):
    at = app({"lang": "en", "slide": "2"}, "present")
    assert at.title[0].value == "Food sampling pass rate, 2021–2025"
    assert "Food sampling pass rate: 96.9% in 2025, down 0.3 points on last year; highest in Liuyang" in texts(at)
    at.button(key="present_next").click().run()
    assert at.title[0].value == "Food sampling pass rate by district, 2025"
    assert at.query_params["slide"] == "3"
    at.button(key="present_previous").click().run()
    at.button(key="present_previous").click().run()
    assert at.title[0].value.startswith("Spot-check pass rate by domain")
    at.button(key="present_previous").click().run()  # wraps round to the last view
    assert at.title[0].value.startswith("Quality index and what makes it up")
    at.button(key="present_lang").click().run()
    assert at.title[0].value.startswith("综合质量指数及构成")
    assert [b.label for b in at.get("download_button")][-3:] == [
        "下载演示文稿（PPTX）",
        "下载质量通报（Word）",
        "下载报告（PDF，A4）",
    ]


def test_present_with_an_unknown_or_hostile_storyline_shows_the_default_with_a_notice(app):
    at = app({"lang": "en", "storyline": "../../etc/passwd", "slide": "999"}, "present")
    assert "No storyline named `../../etc/passwd`" in texts(at)
    assert at.title[0].value.startswith("Quality index")  # slide 999 is the last one
    assert not at.exception


def test_an_analyst_saves_a_storyline_only_when_it_is_valid(app, demo_dir):
    at = app({"lang": "en"}, "present")
    assert at.text_area == []  # a viewer cannot edit
    at.session_state[auth.USER_KEY] = accounts.User("storyteller", "analyst")  # as a sign-in leaves it
    at.run()
    at.text_input(key="present_edit_name").set_value("lobby")
    good = (
        '{"title": "Lobby", "views": [{"chart": "map", "indicator": "food_pass_rate", "filters": {"to": 2024}, '
        '"takeaway": "<img src=x onerror=alert(1)> Our words"}]}'
    )
    at.text_area(key="present_edit_default").set_value(good.replace("2024", "1999")).run()
    at.button(key="present_save").click().run()
    assert "Not saved: storylines/lobby.json: view 1: filters: Link parameter `to=1999` ignored" in texts(at)
    assert not (demo_dir / "storylines" / "lobby.json").exists()
    at.text_area(key="present_edit_default").set_value(good).run()
    at.button(key="present_save").click().run()
    assert (demo_dir / "storylines" / "lobby.json").is_file()
    assert at.query_params["storyline"] == "lobby"
    assert at.title[0].value == "Food sampling pass rate across districts, 2024"
    words = [m for m in at.markdown if "Our words" in m.value]
    assert len(words) == 1 and not words[0].proto.allow_html  # a storyline's text is never run as HTML
    assert [(e["action"], e["user"], e["storyline"]) for e in audit.entries(demo_dir) if e["action"] == "storyline"][
        -1
    ] == ("storyline", "storyteller", "lobby")
    (demo_dir / "storylines" / "lobby.json").unlink()


@pytest.mark.browser
@pytest.mark.parametrize("page", ["overview", "award", "quality_index"])
def test_every_chart_has_image_downloads_and_every_table_csv_and_excel(app, page):
    at = app({"lang": "en"}, page)
    labels = [b.label for b in at.get("download_button")]
    assert labels.count("PNG") == labels.count("SVG") == PAGES[page][1]
    # overview: the scorecard and the league; award: the winners and the rows; quality index: the league and the
    # rows (its weights table is the city's configuration and has no download)
    assert labels.count("Download CSV") == labels.count("Download Excel") == 2


def test_a_year_in_progress_opens_on_its_year_to_date_against_the_same_months(ytd_app, ytd_dir):
    at = ytd_app()
    assert at.query_params["period"] in ("ytd", ["ytd"]) and at.query_params["through"] in ("2026-09", ["2026-09"])
    assert at.caption[0].value.startswith("2026年1–9月 · 与上年同期比较（同比）")
    assert "年度统计的指标显示 2025年" in at.caption[0].value
    footers = [m.value for m in at.markdown if m.value.startswith("202")][:6]
    assert [f.split(" · ")[0] for f in footers] == ["2026年1–9月"] * 4 + ["2025年（年度数据）"] * 2
    database = db.Database(ytd_dir)
    rows = database.query(
        "indicator_by_year", year_from=2016, year_to=2026, month_from=1, month_to=9, districts=[], sectors=[]
    ).set_index(["indicator", "year"])
    food = rows.loc[("food_pass_rate", 2026)]
    earlier = (
        database.query(
            "indicator_by_year", year_from=2025, year_to=2025, month_from=1, month_to=9, districts=[], sectors=[]
        )
        .set_index("indicator")
        .loc["food_pass_rate"]
    )
    assert food.previous_value == pytest.approx(earlier.value)  # 2025-01..09, not the whole of 2025
    card = at.metric[0]
    assert card.value == i18n.fmt_value(food.value, "pct", "zh", 1)
    assert card.delta == i18n.fmt_change(food.change, "pct", "zh", 1)
    assert "同比" in texts(at) and "比上年" not in texts(at)
    database.con.close()


def test_a_period_link_reproduces_its_view(ytd_app):
    at = ytd_app({"period": "ytd", "through": "2026-06", "lang": "en"})
    assert at.caption[0].value.startswith("Jan–Jun 2026 · compared with the same months of last year")
    assert at.radio(key="period").value == "ytd" and at.select_slider(key="through").value == 6
    assert at.query_params["through"] in ("2026-06", ["2026-06"])
    at.radio(key="period").set_value("q").run()
    assert at.query_params["quarter"] in ("2026Q3", ["2026Q3"]) and "Q3 2026" in at.caption[0].value
    at.radio(key="period").set_value("year").run()
    assert at.slider(key="years").value == (2016, 2025) and at.caption[0].value.startswith("2025 · ")


def numbers(array) -> list:
    """A trace's array as Plotly serialises it: a list, or typed binary data ({"dtype", "bdata"})."""
    if isinstance(array, dict):
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"]).tolist()
    return list(array)


MONTHLY = {
    "spot_checks": ("spot_months", {"zh": "2026 累计合格率（%）", "en": "2026 Pass rate so far (%)"}),
    "enforcement": ("enforcement_months", {"zh": "2026 累计案件数", "en": "2026 Cases so far"}),
}


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("page", sorted(MONTHLY))
def test_the_monthly_charts_draw_this_year_against_last_year(ytd_app, page, lang):
    key, name = MONTHLY[page]
    at = ytd_app({"lang": lang}, page)
    chart = next(c for c in at.get("plotly_chart") if key in c.proto.id)
    data = json.loads(chart.proto.spec)["data"]
    this_year = next(t for t in data if t.get("name") == name[lang])
    last_year = next(t for t in data if t.get("name") == name[lang].replace("2026", "2025"))
    assert numbers(this_year["x"]) == list(range(1, 10))  # January to September 2026
    assert numbers(last_year["x"]) == list(range(1, 13))
    assert {"zh": "同比", "en": "year on year"}[lang] in texts(at)


def test_the_monthly_chart_stops_at_the_periods_last_month(ytd_app):
    at = ytd_app({"period": "ytd", "through": "2026-06", "lang": "en"}, "spot_checks")
    months = json.loads(next(c for c in at.get("plotly_chart") if "spot_months" in c.proto.id).proto.spec)["data"]
    assert numbers(next(t for t in months if t.get("name") == "2026 Pass rate so far (%)")["x"]) == [1, 2, 3, 4, 5, 6]
    assert "Pass rate so far, Jan–Jun 2026" in texts(at)


def shown(at: AppTest) -> list:
    """What a page shows: its charts' specs, words, cards and tables."""
    return (
        [c.proto.spec for c in at.get("plotly_chart")]
        + [e.value for e in at.markdown]
        + [(m.value, m.delta) for m in at.metric]
        + [d.value.to_json() for d in at.dataframe]
    )


@pytest.mark.parametrize("page", ["overview", "spot_checks"])
def test_a_view_from_the_shared_results_shows_exactly_what_a_fresh_one_does(app, monkeypatch, page):
    """cache.shared hands every session the same figures, cards and takeaways: a second session (every one of them
    from that cache, none built again) shows what the first did, element for element, so drawing a view never
    changes a shared object."""
    import streamlit as st

    from qcity.documents import charts

    built = []
    for name in ("district_map", "indicator_trend", "domain_trend", "pareto"):
        original = getattr(charts, name)
        monkeypatch.setattr(
            charts,
            name,
            functools.wraps(original)(
                lambda *a, _original=original, **k: built.append(_original.__name__) or _original(*a, **k)
            ),
        )
    st.cache_resource.clear()
    first = shown(app({"lang": "en", "district": "430104"}, page))
    count = len(built)
    second = shown(app({"lang": "en", "district": "430104"}, page))
    assert count >= 1 and len(built) == count  # the second view built no figure
    assert second == first and len(first) > 10


def test_shared_computes_once_per_distinct_arguments():

    calls = []

    def build(frame, lang):
        calls.append(lang)
        return {"rows": len(frame), "lang": lang}

    frame = pd.DataFrame({"a": [1, 2]})
    one = cache.shared(build, frame, "zh")
    assert cache.shared(build, frame.copy(), "zh") is one and calls == ["zh"]  # equal values: the same object
    assert cache.shared(build, frame, "en") == {"rows": 2, "lang": "en"} and calls == ["zh", "en"]
    assert cache.shared(build, frame.iloc[:1], "zh") == {"rows": 1, "lang": "zh"} and len(calls) == 3


def test_indicators_without_data_in_any_year_are_named_once_instead_of_empty_cards(tmp_path, monkeypatch):
    write_tiny_city(tmp_path)  # no drug samples in any year; every other indicator has data
    at = starter(tmp_path, monkeypatch)({"lang": "en"})
    assert [m.label for m in at.metric] == [
        "Food pass rate",
        "Manufactured products pass rate",
        "Agri-product monitoring pass rate",
        "Special-equipment deaths per 10k units",
        "Construction first-time acceptance",
    ]
    notes = [c.value for c in at.caption if c.value.startswith("No data in any year")]
    assert notes == ["No data in any year for: Drug sampling pass rate."]
    scorecard = next(d.value for d in at.dataframe if "Target" in d.value.columns)
    # the 21 indicators with data, less 3 without a direction (enforcement cases and fines, award winners)
    assert "Drug sampling pass rate" not in set(scorecard.Indicator) and len(scorecard) == 18
    assert "drug_pass_rate" not in at.selectbox(key="overview_indicator").options
    at.switch_page(PAGES["safety"][0]).run()
    assert "Drug pass rate" not in [m.label for m in at.metric] and len(at.metric) == 7
    assert [c.value for c in at.caption if c.value.startswith("No data in any year")] == notes


def test_the_quality_index_map_reads_as_its_table_in_a_colour_blind_safe_scale(app):
    from qcity.documents import charts

    at = app({"lang": "en"}, "quality_index")
    league = next(d.value for d in at.dataframe if "Coverage (%)" in d.value.columns)
    assert league["Coverage (%)"].between(0, 100).all() and league["Coverage (%)"].max() == 100  # percent, not 1.0
    spec = json.loads(next(c for c in at.get("plotly_chart") if c.key == "index_map").proto.spec)
    labels = next(t for t in spec["data"] if t.get("mode") == "text+markers")["customdata"]
    shown = dict(zip(league["District"], league["Quality index"]))
    assert len(labels) == len(shown) == 9 and all(text == f"{shown[name]:.1f}" for _, name, text, _ in labels)
    assert spec["data"][-1]["marker"]["colorscale"] == [list(step) for step in charts.GOOD_TO_BAD]  # RdYlBu


def test_spot_checks_show_item_rates_and_notices_apart(tmp_path, monkeypatch, capsys):
    """The tiny city's items (helpers.FAILING_ITEMS) give each item's failure rate; a notice's failed batch shows
    in its own section, with a pass rate only once the batches sampled are loaded: (50 - 1) / 50 = 98%."""
    from qcity.intake import ingest

    write_tiny_city(tmp_path)
    notice = tmp_path / "notice.csv"
    notice.write_text("抽样编号,区县,行业,抽样日期,不合格项目\nN1,甲区,食品甲,2025-03-01,菌落总数\n", encoding="utf-8")
    assert (
        ingest.main(
            [
                str(notice),
                "--table",
                "inspections",
                "--data-dir",
                str(tmp_path),
                "--failures-only",
                "--set",
                "level=municipal",
                "--set",
                "kind=supervision",
            ]
        )
        == 0
    )
    start = starter(tmp_path, monkeypatch)
    at = start({"lang": "en", "from": "2025", "to": "2025"}, "spot_checks")
    text = " ".join(m.value for m in at.markdown) + " ".join(c.value for c in at.caption)
    assert "霉菌 failed 1 of the 1 batches tested for it (100.00%)" in text
    assert "the furthest over its limit was 大肠菌群, at 2.30 times the limit" in text
    assert "These figures come from published notices" in text
    assert any("No count of batches sampled is loaded" in i.value for i in at.info)
    totals = tmp_path / "totals.csv"
    totals.write_text("year,month,domain,batches\n2025,0,food,50\n", encoding="utf-8")
    assert ingest.main([str(totals), "--table", "sampling_totals", "--data-dir", str(tmp_path)]) == 0
    at = start({"lang": "en", "from": "2025", "to": "2025"}, "spot_checks")
    rates = next(d.value for d in at.dataframe if "Batches sampled" in d.value.columns)
    assert rates[["Batches sampled", "Failed batches", "Pass rate (%)"]].values.tolist() == [[50, 1, 98.0]]
    assert not any("No count of batches sampled is loaded" in i.value for i in at.info)
