"""Early warning: p-chart limits and tests against hand computations, a planted shift found through the real queries,
the false discovery rate held on data without one, repeat offenders by the 12-month rule, the demo's planted problems
found, and the page, the storyline view and the bulletin section."""

import math
from datetime import date

import numpy as np
import pandas as pd
import pytest
from helpers import starter, write_tiny_city

from qcity import i18n
from qcity.analysis import attention, filters, narrative
from qcity.analysis.filters import Filters, Period
from qcity.analysis.indicators import INDICATORS, ConfigError, Kpi
from qcity.documents import story
from qcity.intake import demo
from qcity.store import db, rollups

SETTINGS = attention.Settings()
DISTRICTS = ["100001", "100002", "100003", "100004", "100005"]
SECTORS = {
    "food-a": "food",
    "food-b": "food",
    "food-c": "food",
    "food-d": "food",
    "mfg-a": "manufacturing",
    "mfg-b": "manufacturing",
    "agri-a": "agri",
    "agri-b": "agri",
}
Q4_2025 = Filters(2024, 2025, (), (), "en", 30, "q", 10, 12)


def months_frame(counts: dict) -> pd.DataFrame:
    """attention_months rows from {(year, month, district, sector): (samples, passed)}."""
    return pd.DataFrame(
        [(y, m, d, s, SECTORS.get(s, "food"), n, x) for (y, m, d, s), (n, x) in counts.items()],
        columns=["year", "month", "district_code", "sector_code", "domain", "samples", "passed"],
    )


def one_series(rates: list[tuple[int, int]], start=(2024, 1)) -> pd.DataFrame:
    """One series as p_chart takes it (month index, samples, passed) from (samples, passed) per month from
    `start`."""
    first = attention.month_index(*start)
    return pd.DataFrame([(first + i, n, x) for i, (n, x) in enumerate(rates)], columns=["month", "samples", "passed"])


# --- p-chart limits and tests, by hand ---------------------------------------------------------------------------


def test_p_chart_limits_equal_a_hand_computation():
    # baseline 2024: 12 months, 1,164 passed of 1,200 -> centre 0.97; a month of 200: sigma = sqrt(0.97 * 0.03 / 200)
    # = 0.0120623, lower limit 0.97 - 3 * 0.0120623 = 0.933813; a month of 50: 0.97 - 3 * 0.0241247 = 0.897626;
    # the upper limits pass 100% and are cut there
    baseline = [(100, 97)] * 6 + [(100, 96), (100, 98)] * 3
    months = one_series(baseline + [(200, 190), (50, 49)])
    window = attention.Window(
        attention.month_index(2024, 1), attention.month_index(2025, 1), attention.month_index(2025, 2)
    )
    chart = attention.p_chart(months, window, SETTINGS)
    january, february = chart.iloc[12], chart.iloc[13]
    assert january.centre == pytest.approx(97.0)
    assert january.lower == pytest.approx(93.3813, abs=1e-4) and january.upper == 100.0
    assert february.lower == pytest.approx(89.7626, abs=1e-4)
    assert january.z == pytest.approx((0.95 - 0.97) / math.sqrt(0.97 * 0.03 / 200))
    assert chart.baseline.sum() == 12 and list(chart.judged) == [False] * 12 + [True, True]
    assert list(chart.rule) == [""] * 14  # 95% and 98% are inside their limits


def test_laney_limits_widen_by_the_baseline_moving_ranges():
    # baseline alternating 96% and 98% of 1,000: z = +-0.01 / sigma, moving ranges 2 * 0.01 / sigma, so sigma_z *
    # sigma = 0.02 / 1.128 = 0.0177305 whatever sigma is; lower limit 0.97 - 3 * 0.0177305 = 0.916809
    months = one_series([(1000, 960), (1000, 980)] * 6 + [(1000, 930)])
    window = attention.Window(
        attention.month_index(2024, 1), attention.month_index(2025, 1), attention.month_index(2025, 1)
    )
    laney = attention.p_chart(months, window, attention.Settings(limits="laney")).iloc[12]
    plain = attention.p_chart(months, window, SETTINGS).iloc[12]
    assert laney.lower == pytest.approx(91.6809, abs=1e-4)
    assert plain.rule == "beyond" and laney.rule == ""  # 93% is a signal for the p-chart only


def test_the_three_tests_fire_on_the_bad_side_only():
    window = attention.Window(
        attention.month_index(2024, 1), attention.month_index(2025, 1), attention.month_index(2025, 12)
    )
    baseline = [(1000, 965), (1000, 975)] * 6  # centre 97%, sigma 0.54 points at 1,000 samples
    below = [
        (1000, 968),
        (1000, 966),
        (1000, 969),
        (1000, 967),
        (1000, 968),
        (1000, 966),
        (1000, 969),
        (1000, 967),
        (1000, 968),
        (1000, 969),
        (1000, 966),
        (1000, 975),
    ]  # 11 months below the centre, none far
    chart = attention.p_chart(one_series(baseline + below), window, SETTINGS)
    assert list(chart.rule[12:]) == [""] * 8 + ["run"] * 3 + [""]  # the 9th, 10th and 11th in a row
    falling = [(1000, 985), (1000, 983), (1000, 980), (1000, 976), (1000, 973), (1000, 970), (1000, 980)] + [
        (1000, 975)
    ] * 5
    chart = attention.p_chart(one_series(baseline + falling), window, SETTINGS)
    assert list(chart.rule[12:]) == [""] * 5 + ["trend"] + [""] * 6  # six points, each lower than the one before
    jumps = [(1000, 950), (1000, 999), (20, 15)] + [(1000, 970)] * 9  # 95% is beyond; 99.9% is better; 20 is thin
    chart = attention.p_chart(one_series(baseline + jumps), window, SETTINGS)
    assert list(chart.rule[12:15]) == ["beyond", "", ""]
    assert list(chart.better[12:15]) == [False, True, False] and not chart.judged.iloc[14]


def test_a_baseline_without_failures_sets_no_limits_and_judges_nothing():
    months = one_series([(100, 100)] * 12 + [(100, 80)])
    window = attention.Window(
        attention.month_index(2024, 1), attention.month_index(2025, 1), attention.month_index(2025, 1)
    )
    chart = attention.p_chart(months, window, SETTINGS)
    assert chart.lower.isna().all() and not chart.judged.any() and (chart.rule == "").all()


def test_months_are_named_as_runs_within_their_years():
    months = [attention.month_index(2025, m) for m in (4, 5, 7, 8, 9, 12)] + [attention.month_index(2026, 1)]
    assert attention.month_spans(months, "zh") == "2025年4–5月、7–9月、12月、2026年1月"
    assert attention.month_spans(months, "en") == "Apr–May, Jul–Sep, Dec 2025, Jan 2026"


# --- the false discovery rate on many cells ---------------------------------------------------------------------


def cells_frame(rng, rates_now: np.ndarray, rate_before: float, n: int) -> pd.DataFrame:
    """Cells with `n` samples in Q4 of 2025 (at rates_now) and of 2024 (at rate_before), one month each."""
    counts = {}
    for i, rate in enumerate(rates_now):
        district, sector = f"D{i // 20:02d}", f"S{i % 20:02d}"
        counts[(2024, 10, district, sector)] = (n, int(rng.binomial(n, rate_before)))
        counts[(2025, 10, district, sector)] = (n, int(rng.binomial(n, rate)))
    return months_frame(counts)


def test_without_a_shift_the_false_discovery_rate_holds():
    # 200 cells at 97% in both years: every discovery is false, and under this complete null Benjamini-Hochberg keeps
    # the chance of any discovery at or below the rate (5%): over 40 seeded cities, at most 4 may have one
    window = attention.Window.of(Q4_2025, SETTINGS)
    any_flagged = []
    for seed in range(40):
        cells = attention.declines(
            cells_frame(np.random.default_rng(seed), np.full(200, 0.97), 0.97, 300),
            window,
            attention.Settings(min_drop=0),
            30,
        )
        assert len(cells) == 200
        any_flagged.append(bool(cells.flagged.any()))
    assert sum(any_flagged) <= 4, sum(any_flagged)


def test_with_true_declines_the_share_of_false_ones_stays_near_the_rate():
    # 20 of 200 cells (1,000 samples a year each) fall from 97% to 93%: over 30 seeded cities the mean share of false
    # discoveries among the discoveries stays at or below the rate (BH guarantees 5% x 180/200 = 4.5% on average),
    # and most true ones are found (z about 4 each)
    window = attention.Window.of(Q4_2025, SETTINGS)
    shares, found = [], []
    for seed in range(30):
        rates = np.where(np.arange(200) < 20, 0.93, 0.97)
        cells = attention.declines(
            cells_frame(np.random.default_rng(100 + seed), rates, 0.97, 1000),
            window,
            attention.Settings(min_drop=0),
            30,
        )
        true = cells.sector_code.str[1:].astype(int).lt(20) & cells.district_code.eq("D00")
        flagged = cells[cells.flagged]
        shares.append((~true[cells.flagged]).sum() / max(1, len(flagged)))
        found.append((true & cells.flagged).sum() / 20)
    assert np.mean(shares) <= 0.06, np.mean(shares)
    assert np.mean(found) >= 0.8, np.mean(found)


def test_a_rise_is_never_a_decline_and_a_small_fall_needs_min_drop():
    window = attention.Window.of(Q4_2025, SETTINGS)
    rng = np.random.default_rng(1)
    frame = cells_frame(rng, np.array([0.995] * 10 + [0.955] * 10), 0.97, 20_000)  # huge samples: all significant
    cells = attention.declines(frame, window, SETTINGS, 30)
    falling = cells.change < 0
    assert falling.sum() == 10 and (cells.q[falling] < 0.05).all() and not cells.flagged[~falling].any()
    assert cells.flagged[falling].all()  # a fall of about 1.5 points meets min_drop = 1 ...
    assert not attention.declines(frame, window, attention.Settings(min_drop=3), 30).flagged.any()  # ... not 3


def test_small_cells_are_not_tested():
    frame = months_frame({(2024, 10, "100001", "food-a"): (29, 29), (2025, 10, "100001", "food-a"): (500, 400)})
    assert attention.declines(frame, attention.Window.of(Q4_2025, SETTINGS), SETTINGS, 30).empty


def test_rising_items_need_a_significant_rise_and_enough_failures():
    items = pd.DataFrame(
        [
            ("agri", "噻虫胺", "噻虫胺", "pesticide_residue", 30, 5, 4000, 4000, 60, 40),  # 7.5 -> 1.25 per 1,000
            ("agri", "毒死蜱", "毒死蜱", "pesticide_residue", 12, 10, 4000, 4000, 60, 40),  # within chance
            ("agri", "克百威", "克百威", "pesticide_residue", 4, 0, 4000, 4000, 60, 40),  # too few to judge
            ("food", "标签", "标签", "labelling", 8, 20, 4000, 4000, 60, 40),  # falling
        ],
        columns=[
            "domain",
            "item_key",
            "item",
            "failed_item",
            "failures",
            "failures_before",
            "samples",
            "samples_before",
            "named",
            "named_before",
        ],
    )
    judged = attention.rising_items(items, SETTINGS)
    assert list(judged.item) == ["噻虫胺", "毒死蜱", "标签"]
    assert list(judged.flagged) == [True, False, False]
    first = judged.iloc[0]
    assert first.per_10k == pytest.approx(75.0) and first.per_10k_before == pytest.approx(12.5)
    assert first.share == pytest.approx(50.0) and first.share_before == pytest.approx(12.5)


def test_targets_missed_without_moving_towards_them_or_at_risk_at_this_pace():
    period = Period(2025)
    food, deaths = INDICATORS["food_pass_rate"], INDICATORS["se_deaths_per_10k"]
    cards = [
        Kpi(food, period, 97.0, -0.5, 98.0, 100, "missed", False),  # below and falling: listed
        Kpi(food, period, 97.5, +0.4, 98.0, 100, "missed", True),  # below but closing in: not
        Kpi(food, period, 98.3, -0.6, 98.0, 100, "met", False),  # 98.3 - 0.6 = 97.7 < 98: at risk
        Kpi(food, period, 98.9, -0.6, 98.0, 100, "met", False),  # 98.3 still meets it: not
        Kpi(deaths, period, 0.09, +0.02, 0.10, 100, "met", False),
    ]  # a ceiling: 0.11 > 0.10, at risk
    assert [(card.value, verdict) for card, verdict in attention.off_target(cards)] == [
        (97.0, "missed"),
        (98.3, "at_risk"),
        (0.09, "at_risk"),
    ]


def test_thresholds_come_from_city_json_and_bad_ones_are_named():
    assert attention.Settings.of({}) == attention.Settings()
    assert attention.Settings.of(
        {"attention": {"fdr": 0.1, "repeat_failures": 3, "limits": "laney"}}
    ) == attention.Settings(fdr=0.1, repeat_failures=3, limits="laney")
    for bad, words in (
        ({"fdr": 2}, "attention.fdr must lie between"),
        ({"nope": 1}, "unknown key 'nope'"),
        ({"repeat_failures": 2.5}, "must be a whole number"),
        ({"limits": "c"}, '"p" or "laney"'),
        ({"sigma": True}, "must be a number"),
        ([], None),
    ):
        with pytest.raises(ConfigError, match=words):
            attention.Settings.of({"attention": bad})


# --- through the real queries: a planted shift, and repeat offenders ---------------------------------------------


FIRM_BATCHES = [  # (enterprise, date, passed): the repeat-offender rules
    ("EA", "2025-03-15", False),
    ("EA", "2025-08-15", False),
    ("EA", "2025-05-15", True),
    ("EA", "2025-09-15", True),
    ("EB", "2022-05-15", False),
    ("EB", "2025-06-15", False),
    ("EB", "2025-07-15", True),  # three years apart
    ("EC", "2025-07-15", False),
    ("EC", "2025-02-15", True),  # once, after a diagnosis visit on 2025-04-01
    ("ED", "2025-02-15", False),  # once, before its visit on 2025-05-01
]


def write_shifted_city(out) -> None:
    """Five districts x eight sectors, 200 samples a cell and month in 2024-25 at 97%, except food-b in all
    districts from October 2025: 90%; food-b's failures name 菌落总数, the others' 标签. Plus four firms."""
    write_tiny_city(out)
    pd.DataFrame(
        [(d, f"区{i}", f"District {i}", "district", 10.0) for i, d in enumerate(DISTRICTS)],
        columns=["district_code", "name_zh", "name_en", "kind", "population_10k"],
    ).to_csv(out / "districts.csv", index=False)
    pd.DataFrame(
        [(s, s, s, domain) for s, domain in SECTORS.items()], columns=["sector_code", "name_zh", "name_en", "domain"]
    ).to_csv(out / "sectors.csv", index=False)
    rng = np.random.default_rng(7)
    rows = []
    for year in (2024, 2025):
        for month in range(1, 13):
            for district in DISTRICTS:
                for sector in SECTORS:
                    rate = 0.90 if sector == "food-b" and (year, month) >= (2025, 10) else 0.97
                    passed = rng.binomial(200, rate)
                    item = "菌落总数" if sector == "food-b" else "标签"
                    rows += [(date(year, month, 15), district, sector, None, i < passed, item) for i in range(200)]
    for firm, day, ok in FIRM_BATCHES:
        rows.append((date.fromisoformat(day), "100001", "mfg-a", firm, ok, "标签"))
    frame = pd.DataFrame(
        rows, columns=["sample_date", "district_code", "sector_code", "enterprise_id", "passed", "failed_items"]
    )
    frame.insert(0, "sample_id", [f"S{i:07d}" for i in range(len(frame))])
    frame = frame.assign(
        product="p",
        level="municipal",
        kind="supervision",
        failed_item=np.where(frame.passed, None, np.where(frame.failed_items == "标签", "labelling", "microbial")),
        failed_items=frame.failed_items.where(~frame.passed),
    )
    frame.to_parquet(out / "inspections.parquet", index=False)
    pd.DataFrame(
        [(e, f"【示例】{e}公司", "100001", "mfg-a", "small") for e in ("EA", "EB", "EC", "ED")],
        columns=["enterprise_id", "name", "district_code", "sector_code", "size"],
    ).to_parquet(out / "enterprises.parquet", index=False)
    pd.DataFrame(
        [("V1", date(2025, 4, 1), "EC", 3, 2, 4), ("V2", date(2025, 5, 1), "ED", 3, 3, 5)],
        columns=["service_id", "date", "enterprise_id", "problems_found", "problems_solved", "satisfaction"],
    ).to_parquet(out / "diagnosis.parquet", index=False)
    for stale in ("awards", "standards", "brands", "enforcement"):  # the tiny city's rows name its own firms
        (out / f"{stale}.parquet").unlink()
    rollups.build(out)


@pytest.fixture(scope="module")
def shifted_db(tmp_path_factory):
    out = tmp_path_factory.mktemp("shifted")
    write_shifted_city(out)
    database = db.Database(out)
    yield database
    database.con.close()


@pytest.fixture(scope="module")
def shifted(shifted_db):
    return attention.report(Q4_2025, SETTINGS, shifted_db.query)


def test_a_planted_shift_is_found_by_the_chart_and_the_year_on_year_test(shifted):
    hits = shifted.chart_hits
    sector_hits = hits[hits.series == "sector"]
    assert set(sector_hits.code) == {"food-b"}
    beyond = sector_hits[sector_hits.rule == "beyond"].iloc[0]
    assert beyond.months == [attention.month_index(2025, m) for m in (10, 11, 12)]
    assert set(hits.code) <= {"food-b", "food", "", *DISTRICTS}  # the shift shows in its domain and districts
    flagged = shifted.cells[shifted.cells.flagged]
    assert sorted(flagged.district_code) == DISTRICTS and set(flagged.sector_code) == {"food-b"}
    assert len(shifted.cells) == 40  # every cell had 600 samples in each year's fourth quarter
    assert (flagged.rate < 93).all() and (flagged.rate_before > 95).all()
    rising = shifted.items[shifted.items.flagged]
    assert list(rising.item) == ["菌落总数"] and list(rising.domain) == ["food"]


def test_repeat_offenders_follow_the_twelve_month_rule_and_the_visit(shifted):
    firms = shifted.firms.set_index("enterprise_id")
    assert set(firms.index) == {"EA", "EC"}  # EB failed three years apart, ED before its visit
    assert firms.loc["EA", "failures"] == 2 and firms.loc["EA", "samples"] == 4
    assert firms.loc["EC", "failures_after_visit"] == 1 and firms.loc["EC", "last_visit"] == pd.Timestamp("2025-04-01")
    assert [h["sample_date"] for h in firms.loc["EA", "history"]] == [date(2025, 3, 15), date(2025, 8, 15)]


def test_the_list_is_ranked_with_why_and_a_link(shifted):
    signals = shifted.signals
    assert list(signals.severity) == sorted(signals.severity, reverse=True)
    decline = signals[signals.kind == "decline"].iloc[0]
    assert decline.subject.endswith("food-b") and "Q4 2025" in decline.why and "year on year" in decline.why
    assert (
        attention.link(decline, Q4_2025)
        == f"spot_checks?from=2024&period=q&quarter=2025Q4&district={decline.districts[0]}&sector=food-b&lang=en"
    )
    firm = signals[signals.subject.str.contains("EA")].iloc[0]
    assert attention.link(firm, Q4_2025) == "enterprise?enterprise=EA&from=2024&period=q&quarter=2025Q4&lang=en"
    assert "2025-03-15" in firm.why
    assert filters.to_query(Q4_2025)["quarter"] == "2025Q4"


# --- the demo's planted problems ---------------------------------------------------------------------------------


def test_the_demo_problems_are_found(demo_dir, demo_db):
    planted = demo.DemoCity("changsha", 200_000, 7).planted_problems()
    f = Filters(2016, 2025, (), (), "zh", 30)
    report = attention.report(f, SETTINGS, demo_db.query)
    district, sector = planted["decline"]
    flagged = report.cells[report.cells.flagged]
    assert (district, sector) in set(zip(flagged.district_code, flagged.sector_code))
    assert sector in set(report.chart_hits.code) and district in set(report.chart_hits.code)
    assert set(report.firms.enterprise_id[:3]) == set(planted["firms"])  # the most failures of all firms
    domain, item = planted["residue"]
    rising = report.items[report.items.flagged]
    assert (domain, item) in set(zip(rising.domain, rising.item))
    assert report.signals.severity.iloc[0] == 3


def test_the_storyline_view_draws_the_most_serious_series(shifted_db, shifted):
    options = filters.Options(2024, 2025, tuple(DISTRICTS), tuple(SECTORS), date(2025, 12, 31))
    view = story.view_from_query("chart=attention&from=2024&period=q&quarter=2025Q4", options)
    assert view.page == "attention"
    slide = story.render(view, story.Context(shifted_db.query, shifted_db.city(), shifted_db.path), "en")
    top = shifted.chart_hits.iloc[0]
    assert slide.title == f"Early warning: {top.code}, Q4 2025"
    assert slide.takeaway == narrative.attention(shifted.signals, Q4_2025.at(), "en")
    first = shifted.signals.iloc[0]
    assert (
        slide.facts[0] == f"{i18n.t(f'severity.{first.severity}', 'en')} · {i18n.t(f'signal.{first.kind}', 'en')}"
        f" · {first.subject}: {first.why}"
    )
    assert len(slide.facts) == min(15, len(shifted.signals))
    signal_trace = next(t for t in slide.figure.data if t.name == "Signal")
    assert len(signal_trace.x) == 3  # October to December
    bad = story.Context(shifted_db.query, {**shifted_db.city(), "attention": {"fdr": 9}}, shifted_db.path)
    refused = story.render(view, bad, "en")
    assert refused.figure is None and "attention.fdr must lie between" in refused.takeaway


def test_the_page_lists_charts_and_links_the_overview(demo_dir, demo_db, monkeypatch):
    report = attention.report(Filters(2016, 2025, (), (), "en", 30), SETTINGS, demo_db.query)
    start = starter(demo_dir, monkeypatch)
    at = start({"lang": "en"}, "attention")
    listed = at.dataframe[0].value
    assert len(listed) == report.count and list(listed["Subject"]) == list(report.signals.subject)
    assert list(listed.columns[:4]) == ["Level", "Signal", "Subject", "Why, with the numbers"]
    assert listed["Level"].iloc[0] == "Act now" and listed["View"].iloc[0].startswith("spot_checks?from=2016")
    assert "signals in 2025" in at.markdown[0].value
    series = next(box for box in at.selectbox if box.key.startswith("attention_series"))
    assert series.value == tuple(report.chart_hits[["series", "code"]].iloc[0])  # the most serious series first
    series.set_value(("city", "")).run()
    assert not at.exception and len(at.get("plotly_chart")) == 1
    overview = start({"lang": "en"})
    link = overview.get("page_link")[0].proto
    assert link.label == f"{report.count} signals need attention" and link.page == "attention"
    assert link.query_string == "from=2016&to=2025&lang=en"


def test_the_page_says_so_when_the_filters_leave_nothing_to_judge(demo_dir, monkeypatch):
    at = starter(demo_dir, monkeypatch)({"lang": "en", "sector": "svc-retail"}, "attention")
    assert "No signals need attention in 2025." in at.markdown[0].value
    assert len(at.get("plotly_chart")) == 1
    assert [i.value for i in at.info] == [
        "This series has no data in its 12 baseline months, so its control chart judges nothing."
    ]


def test_a_bad_threshold_is_named_on_the_page_and_the_overview_still_runs(tmp_path, demo_dir, monkeypatch):
    import json
    import shutil

    copy = tmp_path / "demo"
    shutil.copytree(demo_dir, copy)
    city = json.loads((copy / "city.json").read_text(encoding="utf-8"))
    (copy / "city.json").write_text(json.dumps({**city, "attention": {"sigma": 0}}), encoding="utf-8")
    start = starter(copy, monkeypatch)
    at = start({"lang": "en"}, "attention")
    assert "attention.sigma must lie between 1 and 6" in at.error[0].value
    overview = start({"lang": "en"})
    assert not overview.exception and not overview.get("page_link")


def test_a_point_beyond_the_normal_limit_must_be_unlikely_by_the_binomial_too():
    # centre 99% (1,188 of 1,200 in the baseline); a month of 40: 3 failures cross the 3-sigma limit (92.5% against
    # 0.99 - 3 * sqrt(0.0002475) = 0.99 - 0.0471964 = 94.2804%) but P(3 or more failures) = 0.75%, over the 0.135%
    # the limit means; 4 failures (P = 0.07%) are a signal
    months = one_series([(100, 99)] * 12 + [(40, 37), (40, 36)])
    window = attention.Window(
        attention.month_index(2024, 1), attention.month_index(2025, 1), attention.month_index(2025, 2)
    )
    chart = attention.p_chart(months, window, SETTINGS)
    assert chart.lower.iloc[12] == pytest.approx(94.2804, abs=1e-4)
    assert (chart.z.iloc[12] < -3) and (chart.z.iloc[13] < -3)
    assert list(chart.rule[12:]) == ["", "beyond"]


# --- thin data: a city whose data begin two months before the period (issue 25, the Louisville case) -----------------


def test_a_baseline_with_data_in_fewer_months_than_the_minimum_judges_nothing():
    # 2 of the 12 baseline months hold samples (Nov-Dec 2024), then a month at 80%: with the default minimum of 6
    # months nothing is judged; a city that sets min_baseline_months 2 sees the fall beyond the limit
    months = one_series([(0, 0)] * 10 + [(100, 97), (100, 98), (100, 80)])
    window = attention.Window(
        attention.month_index(2024, 1), attention.month_index(2025, 1), attention.month_index(2025, 1)
    )
    thin = attention.p_chart(months, window, SETTINGS)
    assert thin.centre.isna().all() and not thin.judged.any() and (thin.rule == "").all()
    enough = attention.p_chart(months, window, attention.Settings(min_baseline_months=2))
    assert enough.centre.iloc[0] == pytest.approx(97.5) and list(enough.rule[12:]) == ["beyond"]
    with pytest.raises(ConfigError, match="min_baseline_months must lie between 1 and 12"):
        attention.Settings.of({"attention": {"min_baseline_months": 13}})


def test_the_baseline_names_its_months_with_data_and_how_many():
    assert (
        attention.baseline_text([attention.month_index(2017, 11), attention.month_index(2017, 12)], SETTINGS, "en")
        == "Nov–Dec 2017, 2 of 12 months with data"
    )
    assert (
        attention.baseline_text([attention.month_index(2017, 11), attention.month_index(2017, 12)], SETTINGS, "zh")
        == "2017年11–12月，12 个月中 2 个月有数据"
    )
    assert attention.baseline_text([], SETTINGS, "en") == "no data in the 12 months before the period"


def write_late_city(out) -> None:
    """The tiny city whose inspections begin in November 2024: 50 samples a month in each district's food-a from
    Nov 2024 to Jun 2025, 98% passed, except June 2025 in 100001: 40 of 50 (80%)."""
    write_tiny_city(out)
    rows = []
    for year, month in [(2024, 11), (2024, 12)] + [(2025, m) for m in range(1, 7)]:
        for district in ("100001", "100002", "100003"):
            failures = 10 if (year, month, district) == (2025, 6, "100001") else 1
            rows += [(date(year, month, 10), district, i >= failures) for i in range(50)]
    frame = pd.DataFrame(rows, columns=["sample_date", "district_code", "passed"])
    frame.insert(0, "sample_id", [f"L{i:05d}" for i in range(len(frame))])
    frame = frame.assign(
        sector_code="food-a",
        product="p",
        enterprise_id=None,
        level="municipal",
        kind="supervision",
        failed_item=np.where(frame.passed, None, "microbial"),
        failed_items=np.where(frame.passed, None, "菌落总数"),
    )
    frame.to_parquet(out / "inspections.parquet", index=False)
    rollups.build(out)


def test_the_page_says_a_thin_baseline_judges_nothing(tmp_path, monkeypatch):
    write_late_city(tmp_path)
    at = starter(tmp_path, monkeypatch)(
        {"lang": "en", "from": "2024", "period": "ytd", "through": "2025-06"}, "attention"
    )
    captions = " ".join(c.value for c in at.caption)
    assert "control-chart baseline: Nov–Dec 2024, 2 of 12 months with data" in captions
    assert "Centre line: the pass rate of the baseline (Nov–Dec 2024, 2 of 12 months with data)" in captions
    assert [i.value for i in at.info] == [
        "This series has data in only 2 of its 12 baseline months (at least 6 are "
        "needed), so its control chart judges nothing."
    ]
    report = attention.report(Filters(2024, 2025, (), (), "en", 30, "ytd", 1, 6), SETTINGS, db.Database(tmp_path).query)
    assert "chart" not in set(report.signals.kind)  # June's 80% in 100001 would be beyond a limit
    assert all(d.proto.placeholder == "" for d in at.dataframe)  # an empty cell stays empty
