"""Published benchmarks: a reference line, a scorecard column, a card line and a takeaway clause where a value for
that indicator and year exists, and nowhere else."""

import shutil

import pandas as pd
import pytest
from helpers import WHOLE

from qcity import i18n
from qcity.analysis import indicators, narrative
from qcity.analysis.filters import Filters, Period
from qcity.analysis.indicators import INDICATORS
from qcity.documents import charts
from qcity.store import db

ALL = {"districts": [], "sectors": []}


@pytest.fixture
def with_benchmarks(tiny_dir, tmp_path):
    """The tiny city plus its own benchmarks: a national food value for 2025 and a provincial one."""
    data = tmp_path / "city"
    shutil.copytree(tiny_dir, data)
    pd.DataFrame(
        [
            ("food_pass_rate", 2025, "national", 97.0, "测试：全国 2025", None),
            ("food_pass_rate", 2025, "provincial", 97.5, "测试：全省 2025", None),
        ],
        columns=["indicator", "year", "scope", "value", "source_title", "source_url"],
    ).to_csv(data / "benchmarks.csv", index=False)
    return db.Database(data)


def test_the_shipped_national_values_join_their_indicator_and_year(tmp_path):
    shipped = (
        db.Database(tmp_path)
        .con.execute("select indicator, year, value from all_benchmarks where scope = 'national' order by all")
        .fetchall()
    )
    assert ("mfg_pass_rate", 2024, 93.93) in shipped and ("food_pass_rate", 2022, 97.14) in shipped
    assert ("se_deaths_per_10k", 2022, 0.07) in shipped and ("agri_pass_rate", 2023, 97.8) in shipped
    assert {i for i, *_ in shipped} <= set(INDICATORS)


def test_indicator_rows_carry_benchmarks_only_where_published(with_benchmarks):
    rows = with_benchmarks.query("indicator_by_year", year_from=2024, year_to=2025, **WHOLE, **ALL)
    rows = rows.set_index(["indicator", "year"])
    food = rows.loc[("food_pass_rate", 2025)]
    assert (food.national, food.provincial) == (97.0, 97.5)
    assert food.national_source == "测试：全国 2025"
    assert rows.loc[("mfg_pass_rate", 2024)].national == 93.93  # shipped
    others = rows.drop(index=[("food_pass_rate", 2025), ("mfg_pass_rate", 2024)])
    assert others[["national", "provincial"]].isna().all().all()


def test_the_trend_draws_a_labelled_reference_line_only_when_there_is_one(with_benchmarks):
    rows = with_benchmarks.query("indicator_by_year", year_from=2024, year_to=2025, **WHOLE, **ALL)
    events = with_benchmarks.query("events_between", year_from=2024, year_to=2025)
    food = charts.indicator_trend(
        rows[rows.indicator == "food_pass_rate"], events, INDICATORS["food_pass_rate"], "zh", "note"
    )
    assert {"全国", "全省"} <= {t.name for t in food.data}
    national = next(t for t in food.data if t.name == "全国")
    assert list(national.x) == [2025] and list(national.y) == [97.0]
    assert any(a.text == "全国 97.00%" for a in food.layout.annotations)
    acceptance = INDICATORS["construction_acceptance_rate"]  # nothing published for it
    other = charts.indicator_trend(rows[rows.indicator == acceptance.id], events, acceptance, "zh", "note")
    assert not {"全国", "全省"} & {t.name for t in other.data}
    assert not any(str(a.text).startswith(("全国", "全省")) for a in other.layout.annotations)


def test_the_takeaway_compares_with_the_benchmark_only_for_its_year(with_benchmarks):
    rows = with_benchmarks.query("indicator_by_year", year_from=2024, year_to=2025, **WHOLE, **ALL)
    food = rows[rows.indicator == "food_pass_rate"]
    league = pd.DataFrame(columns=["value", "enough_samples", "name_zh", "name_en"])
    text = narrative.indicator(INDICATORS["food_pass_rate"], food, league, Period(2025), "zh")
    # 34/35 = 97.14%: 0.1 points above the national 97.00%, 0.4 below the provincial 97.50%
    assert "高于全国（97.0%）0.1 个百分点。" in text and "低于全省（97.5%）0.4 个百分点。" in text
    english = narrative.indicator(INDICATORS["food_pass_rate"], food, league, Period(2025), "en")
    assert "0.1 points above the national 97.0%." in english
    earlier = narrative.indicator(INDICATORS["food_pass_rate"], food, league, Period(2024), "zh")
    assert "全国" not in earlier and "全省" not in earlier


def test_cards_carry_the_national_value_of_their_year(with_benchmarks):
    rows = with_benchmarks.query("indicator_by_year", year_from=2024, year_to=2025, **WHOLE, **ALL)
    cards = {k.indicator.id: k for k in indicators.kpis(rows, Filters(2024, 2025, (), (), "zh", 10))}
    assert cards["food_pass_rate"].national == 97.0 and cards["food_pass_rate"].national_source == "测试：全国 2025"
    assert all(k.national is None for i, k in cards.items() if i != "food_pass_rate")
    earlier = {k.indicator.id: k.national for k in indicators.kpis(rows, Filters(2024, 2024, (), (), "zh", 10))}
    assert earlier.pop("mfg_pass_rate") == 93.93 and set(earlier.values()) == {None}


def test_the_scorecard_shows_the_national_value_where_one_is_published(app):  # noqa: F811
    at = app({"lang": "en", "to": "2024"})
    scorecard = at.dataframe[0].value.set_index("Indicator")
    national = scorecard["National"]
    assert national[i18n.t("ind.mfg_pass_rate", "en")] == "93.93%"
    assert national[i18n.t("ind.se_deaths_per_10k", "en")] == "—"  # published for 2021-22 only
    assert national[i18n.t("ind.drug_pass_rate", "en")] == "—"
    assert (national != "—").sum() == 1
    assert any("national 93.93%" in m.value for m in at.markdown)
    mfg = next(m for m in at.metric if m.label == i18n.t("ind.mfg_pass_rate.short", "en"))
    assert "national 93.93% (source: 市场监管总局统计监测数据（2025年1月22日发布）" in mfg.help


def test_speaker_notes_cite_the_benchmark_and_its_source(with_benchmarks):
    from qcity.documents import story

    rows = with_benchmarks.query("indicator_by_year", year_from=2024, year_to=2025, **WHOLE, **ALL)
    food = rows[rows.indicator == "food_pass_rate"]
    league = pd.DataFrame(columns=["value", "rank", "base", "name_zh", "name_en"])
    facts = story._indicator_facts(INDICATORS["food_pass_rate"], food, league, "zh")
    assert "全国 97.00% (来源：测试：全国 2025)" in facts[1] and "全省 97.50% (来源：测试：全省 2025)" in facts[1]
    assert "全国" not in facts[0]  # 2024: nothing published for food
