"""The reporting calendar: a year in progress is compared with the same months of last year, never with a whole year.

Hand-made data spanning two partial years (food-a in district D1 of the tiny city; every other table as there):
    inspections 2024 Jan–Jun: 10 samples, 9 passed (one March failure); 2024 Jul–Dec: 10 samples, 5 passed
    inspections 2025 Jan–Jun: 20 samples, 19 passed; nothing after June
    -> year to date through 2025-06: 19/20 = 95.0% against 2024 Jan–Jun 9/10 = 90.0%: +5.0 points
       (against the whole of 2024, 14/20 = 70%, it would wrongly read +25 points)
    cases 2024: Feb and May, then four in Jul–Dec; 2025: Jan, Mar, Jun
    -> year to date: 3 cases against 2 (the whole of 2024 had 6, which would wrongly read as a fall of 3)
"""

from datetime import date

import pandas as pd
import pytest
from helpers import D1, ENTERPRISE_OF, write_tiny_city

from qcity.analysis import filters, indicators, narrative
from qcity.analysis.filters import Filters, Options, Period, Selection, parse, to_query
from qcity.documents import story
from qcity.store import db, schema

CASES = [
    ("2024-02-10", "closed"),
    ("2024-05-10", "closed"),
    ("2024-07-10", "closed"),
    ("2024-08-10", "closed"),
    ("2024-10-10", "closed"),
    ("2024-12-10", "open"),
    ("2025-01-10", "closed"),
    ("2025-03-10", "open"),
    ("2025-06-10", "open"),
]


def _samples(year: int, months: range, n: int, failed: int, fail_month: int) -> list[dict]:
    rows = []
    for i in range(n):
        month = months[i % len(months)]
        fails = i < failed
        rows.append({"sample_date": date(year, fail_month if fails else month, 5 + i % 20), "passed": not fails})
    return rows


@pytest.fixture(scope="module")
def partial_dir(tmp_path_factory):
    out = write_tiny_city(tmp_path_factory.mktemp("partial"))
    rows = (
        _samples(2024, range(1, 7), 10, 1, 3)
        + _samples(2024, range(7, 13), 10, 5, 9)
        + _samples(2025, range(1, 7), 20, 1, 4)
    )
    frame = pd.DataFrame(rows)
    frame.insert(0, "sample_id", [f"P{i:03d}" for i in range(len(frame))])
    frame = frame.assign(
        district_code=D1,
        sector_code="food-a",
        product="p",
        enterprise_id=ENTERPRISE_OF[D1],
        level="municipal",
        kind="supervision",
        failed_item=frame.passed.map({True: None, False: "microbial"}),
        failed_items=None,
    )
    frame[[c for c in schema.TABLES["inspections"].column_names if c in frame]].to_parquet(  # optional ones left out
        out / "inspections.parquet", index=False
    )
    cases = pd.DataFrame(
        [
            (f"K{i}", pd.Timestamp(day).date(), D1, "food-a", "counterfeit", 1000.0, 2000.0, status, None)
            for i, (day, status) in enumerate(CASES)
        ],
        columns=list(schema.TABLES["enforcement"].column_names),
    )
    cases.to_parquet(out / "enforcement.parquet", index=False)
    return out


@pytest.fixture(scope="module")
def partial_db(partial_dir):
    return db.Database(partial_dir)


def test_the_as_of_date_comes_from_the_data_and_sets_a_year_to_date_default(partial_db):
    options = filters.load_options(partial_db.query, partial_db.city())[0]
    assert options.as_of == date(2025, 6, 22)  # the latest sample (i = 17: June, day 22); cases end earlier
    assert options.through == (2025, 6) and options.last_full_year == 2024
    assert options.default() == Selection(2024, 2025, period="ytd", month_from=1, month_to=6)
    stated = filters.load_options(partial_db.query, {"as_of": "2025-05-31"})[0]
    assert stated.through == (2025, 5)  # city.json's as_of holds back provisional months of the latest year
    stale = filters.load_options(partial_db.query, {"as_of": "2024-12-31"})[0]
    assert stale.as_of == date(2025, 6, 22)  # but a date from before an import does not hide the newer year


def test_year_to_date_compares_a_rate_and_a_count_with_the_same_months(partial_db):
    f = Filters.of(Selection(2024, 2025, period="ytd", month_to=6), 10)
    rows = partial_db.query("indicator_by_year", **f.params).set_index(["indicator", "year"])
    food = rows.loc[("food_pass_rate", 2025)]
    assert (food.numerator, food.denominator) == (19, 20)
    assert food.value == pytest.approx(95.0) and food.previous_value == pytest.approx(90.0)
    assert food.change == pytest.approx(5.0)
    cases = rows.loc[("enforcement_cases", 2025)]
    assert (cases.value, cases.previous_value, cases.change) == (3, 2, 1)
    closure = rows.loc[("case_closure_rate", 2025)]  # 1 of 3 concluded against 2 of 2
    assert closure.value == pytest.approx(100 / 3) and closure.previous_value == pytest.approx(100.0)
    assert pd.isna(cases.target)  # a yearly target is not read against part of a year's count
    whole = partial_db.query("indicator_by_year", **Filters(2024, 2024, (), (), "zh", 10).params)
    assert whole.set_index("indicator").at["food_pass_rate", "value"] == pytest.approx(70.0)  # the whole of 2024


def test_cards_and_takeaways_name_the_period_and_compare_year_on_year(partial_db):
    f = Filters.of(Selection(2024, 2025, period="ytd", month_to=6), 10)
    by_year = partial_db.query("indicator_by_year", **f.params)
    cards = {k.indicator.id: k for k in indicators.kpis(by_year, f, list(indicators.INDICATORS))}
    assert cards["food_pass_rate"].period == Period(2025, 1, 6, "ytd")
    assert cards["food_pass_rate"].change == pytest.approx(5.0)
    assert cards["enforcement_cases"].change == 1
    assert cards["brands"].period == Period(2024)  # a yearly table: the last whole year
    assert cards["brands"].value == 1  # the tiny city's 2024 brand
    league = story.district_league(indicators.INDICATORS["food_pass_rate"], f, partial_db.query)
    zh = narrative.indicator(
        indicators.INDICATORS["food_pass_rate"], by_year[by_year.indicator == "food_pass_rate"], league, f.at(), "zh"
    )
    assert zh.startswith("2025年1–6月食品抽检合格率 95.0%，同比提高 5.0 个百分点")
    en = narrative.indicator(
        indicators.INDICATORS["food_pass_rate"], by_year[by_year.indicator == "food_pass_rate"], league, f.at(), "en"
    )
    assert "95.0% in Jan–Jun 2025, up 5.0 points year on year" in en
    assert league.set_index("district_code").at[D1, "change"] == pytest.approx(5.0)


def test_no_change_compares_part_of_a_year_with_a_whole_one(partial_db):
    """Every previous value in a year-to-date view equals that year's own value over the same months."""
    f = Filters.of(Selection(2024, 2025, period="ytd", month_to=6), 10)
    now = partial_db.query("indicator_by_year", **f.params).set_index(["indicator", "year"])
    before = partial_db.query("indicator_by_year", **{**f.params, "year_from": 2024, "year_to": 2024}).set_index(
        "indicator"
    )
    compared = now.xs(2025, level="year").dropna(subset=["previous_value"])
    assert {"food_pass_rate", "enforcement_cases", "enforcement_fines", "case_closure_rate"} <= set(compared.index)
    for indicator, row in compared.iterrows():
        assert row.previous_value == pytest.approx(before.at[indicator, "value"]), indicator


def test_a_quarter_reads_its_three_months_in_every_year(partial_db):
    f = Filters.of(Selection(2024, 2025, period="q", month_from=4, month_to=6), 10)
    food = partial_db.query("indicator_by_year", **f.params).set_index(["indicator", "year"]).loc["food_pass_rate"]
    # 2025 Q2: April holds the one failure of 2025; 2024 Q2 has no failure (it was in March)
    assert (food.loc[2025, "numerator"], food.loc[2025, "denominator"]) == (9, 10)
    assert (food.loc[2024, "numerator"], food.loc[2024, "denominator"]) == (4, 4)


def test_month_by_month_counts_and_rates_so_far(partial_db):
    months = partial_db.query("pass_rate_by_month", year=2025, month_to=12, districts=[], sectors=[]).set_index(
        ["year", "month"]
    )
    assert list(months.loc[2025].index) == [1, 2, 3, 4, 5, 6]  # nothing after June
    april = months.loc[(2025, 4)]  # 4 samples, the one failure of 2025; Jan-Apr 14 samples, 13 passed
    assert (april.samples, april.passed, april.samples_so_far) == (4, 3, 14)
    assert april.pass_rate_so_far == pytest.approx(100 * 13 / 14)
    before = months.loc[(2024, 4)]  # Jan 1 + Feb 2 + Mar 3 (one failed) + Apr 2 = 8 samples, 7 passed
    assert (before.samples_so_far, before.pass_rate_so_far) == (8, pytest.approx(87.5))
    assert months.loc[(2025, 6)].pass_rate_so_far == pytest.approx(95.0)
    cases = partial_db.query("cases_by_month", year=2025, month_to=12, districts=[], sectors=[]).set_index(
        ["year", "month"]
    )
    assert cases.loc[2025].cases_so_far.to_dict() == {1: 1, 3: 2, 6: 3}
    assert cases.loc[(2024, 5)].cases_so_far == 2 and cases.loc[(2024, 12)].cases_so_far == 6
    april = partial_db.query("pass_rate_by_month", year=2025, month_to=4, districts=[], sectors=[])
    assert april[april.year == 2025].month.tolist() == [1, 2, 3, 4]  # the period's months of this year only
    assert april[april.year == 2024].month.max() == 12  # last year whole, to read the rest of the year against


OPTIONS = Options(2016, 2026, ("430102",), ("food-dairy",), date(2026, 9, 30))


def test_period_links_round_trip_and_default_to_the_year_to_date():
    assert parse({}, OPTIONS) == (Selection(2016, 2026, period="ytd", month_to=9), [])
    for query in (
        {"from": ["2020"], "period": ["ytd"], "through": ["2026-06"]},
        {"from": ["2018"], "period": ["q"], "quarter": ["2025Q4"]},
        {"from": ["2016"], "to": ["2025"]},
    ):
        selection, notices = parse(query, OPTIONS)
        assert notices == [] and parse({k: [v] for k, v in to_query(selection).items()}, OPTIONS) == (selection, [])
    june, _ = parse({"period": ["ytd"], "through": ["2026-06"]}, OPTIONS)
    assert (june.year_to, june.month_from, june.month_to) == (2026, 1, 6)
    q3, _ = parse({"period": ["q"], "quarter": ["2026q3"]}, OPTIONS)
    assert (q3.year_to, q3.month_from, q3.month_to) == (2026, 7, 9)


def test_bad_and_incomplete_periods_are_refused_with_notices():
    selection, notices = parse({"to": ["2026"]}, OPTIONS)  # whole years stop at the last complete one
    assert (selection.period, selection.year_to) == ("year", 2025)
    assert [n.reason for n in notices] == ["url.incomplete_year"]
    assert "2026-09" in notices[0].text("en") and "period=ytd" in notices[0].text("en")
    for query, reason in (
        ({"period": ["ytd"], "through": ["2026-10"]}, "url.bad_through"),
        ({"period": ["ytd"], "through": ["2026-13"]}, "url.bad_through"),
        ({"period": ["ytd"], "through": ["'; drop"]}, "url.bad_through"),
        ({"period": ["q"], "quarter": ["2026Q4"]}, "url.bad_quarter"),
        ({"period": ["month"]}, "url.bad_period"),
    ):
        selection, notices = parse(query, OPTIONS)
        assert [n.reason for n in notices] == [reason]
        assert (selection.year_to, selection.month_to) == (2026, 9)  # the latest complete window instead


def test_switching_period_kinds_stays_inside_the_data():
    ytd = OPTIONS.default()
    assert filters.switch(ytd, "year", OPTIONS) == Selection(2016, 2025)
    assert filters.switch(ytd, "q", OPTIONS) == Selection(2016, 2026, period="q", month_from=7, month_to=9)
    early = Options(2016, 2026, (), (), date(2026, 2, 10))  # no complete quarter yet this year
    assert filters.switch(early.default(), "q", early) == Selection(2016, 2025, period="q", month_from=10, month_to=12)


def test_period_labels_in_both_languages():
    ytd, q, year = Period(2026, 1, 9, "ytd"), Period(2026, 7, 9, "q"), Period(2025)
    assert [ytd.label("zh"), ytd.label("en")] == ["2026年1–9月", "Jan–Sep 2026"]
    assert [q.label("zh"), q.label("en")] == ["2026年第三季度", "Q3 2026"]
    assert [year.label("zh"), year.label("en")] == ["2025年", "2025"]
    assert [ytd.versus("zh"), ytd.versus("en"), year.versus("zh")] == ["同比", "year on year", "比上年"]
    assert ytd.span(2016, "zh") == "2016–2026年各年1–9月" and q.span(2020, "en") == "Q3 of 2020–2026"
