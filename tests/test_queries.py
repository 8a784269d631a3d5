"""Every query on the tiny hand-made city, against figures worked out by hand (see helpers.INSPECTIONS)."""

import pandas as pd
import pytest
from helpers import D1, D2, D3, GRAIN, LOADED, WHOLE

from qcity.analysis.indicators import HEADLINE, in_area
from qcity.store import db

ALL_DISTRICTS = [D1, D2, D3]
ALL_SECTORS = ["food-a", "food-b", "mfg-a", "agri-a", "special-equipment", "construction"]
DEFAULTS = {
    "year_from": 2024,
    "year_to": 2025,
    "year": 2025,
    **WHOLE,
    "districts": ALL_DISTRICTS,
    "sectors": ALL_SECTORS,
    "min_samples": 10,
    "indicator": "food_pass_rate",
    "higher_is_better": True,
    "text": "E1",
    "enterprise_id": "E1",
    "indicators": ["food_pass_rate", "construction_acceptance_rate"],
    "weights": [1.0, 1.0],
    "higher": [True, True],
    "texts": ["标签", "菌落总数、大肠菌群"],
    "domain": "",
    "first": 2024 * 12,
    "last": 2025 * 12 + 11,
    "date_from": pd.Timestamp(2024, 1, 1).date(),
    "date_to": pd.Timestamp(2025, 12, 31).date(),
    "min_failures": 2,
    "visit_days": 365,
}


def params_for(name: str) -> dict:
    return {p: DEFAULTS[p] for p in db.query_parameters(db.query_sql(name))}


def test_every_query_file_has_a_declared_grain():
    assert sorted(p.stem for p in db.QUERIES_DIR.glob("*.sql")) == sorted(GRAIN)


# Rows each query returns on the tiny city with DEFAULTS, counted by hand from tests/helpers.py
ROWS = {
    "districts": 3,
    "sectors": 6,
    "data_years": 1,
    "events_between": 1,
    "index_weights": 2,
    "award_by_year": 2,
    "award_applicants": 5,
    "award_winners_by_district": 1,  # E1 of D1 won in 2025
    "award_funnel": 6,  # applied, material review, on-site review, committee, nominee, winner
    "brands_by_kind_district": 4,
    "cases_by_month": 4,  # C1-C3 in Mar, May, Jul 2025; C4 in Jun 2024
    "diagnosis_by_sector": 1,  # E1 and E2 are both food-a
    # 2024: E1, E2 before their first visit, E3 never served; 2025: E1 and E2 before and after, E3 never
    "diagnosis_effect_by_year": 5,
    "district_league": 3,
    "enforcement_by_sector": 3,
    "enforcement_by_violation_year": 4,
    "enterprise_awards": 2,
    "enterprise_brands": 2,
    "enterprise_cases": 1,
    "enterprise_diagnosis": 2,
    "enterprise_inspections": 2,
    "enterprise_search": 1,
    "enterprise_standards": 3,  # E1: S-1, S-3, S-4
    "enterprise_failed_items": 3,  # E1's failed 2025 food-a sample: 菌落总数, 大肠菌群, 霉菌 (helpers.FAILING_ITEMS)
    "item_failure_rates": 3,
    "notice_batches": 0,
    "notice_pass_rates": 0,  # no notices: test_national has them
    "failed_item_categories": 2,  # the two texts asked for
    # 镉 铅 毒死蜱 菌落总数 大肠菌群 二氧化硫残留量 某未知项目 in 2024; 菌落总数 大肠菌群 霉菌 in 2025
    "failed_items_top": 8,
    "failed_items_by_year": 10,
    "attention_items": 8,
    "failures_by_item": 6,  # microbial, additive, no reason, performance, pesticide residue, heavy metal
    # agri 1 (2024 only), awards 3 x 2, brands 2, case closure 2, construction 2 (2025), diagnosis 3 (2025),
    # enforcement 2 x 2, food 2, manufacturing 1 (2024), special equipment 2 x 2, standards 2
    "indicator_by_year": 29,
    "indicator_coverage": 21,  # the 18 indicators above and the 3 of innovation
    # (year, district, sector) with samples: 6 in 2024, 3 in 2025; months: 56 in 2024 (10 + 10 + 12 + 4 + 10 +
    # 10 months of D1/D2/D3 food-a and food-b, mfg-a, agri-a) and 27 in 2025 (10 + 12 + 5)
    "pass_rate_by_district_sector_year": 9,
    "attention_months": 83,
    "pass_rate_by_district_year": 6,
    "pass_rate_by_domain_year": 4,  # food, mfg, agri in 2024; food in 2025
    "pass_rate_by_month": 24,
    "pass_rate_by_sector": 1,  # 2025: food-a only
    "quality_index_by_district_year": 6,
    "quality_index_contributions": 5,  # food in D1-D3, construction only in D1 and D2
    "repeat_offenders": 1,  # E1 (test_repeat_offenders_by_failures_or_a_visit_before_the_failure)
    "special_equipment_by_kind_year": 2,
    "standards_by_level_year": 4,
    "standards_by_sector": 3,
    "standards_leaders": 2,
    "test_item_dictionary": 691,  # the shipped dictionary's 705 items; spellings that differ only in brackets merge
}


def test_every_query_has_its_row_count_worked_out():
    assert sorted(ROWS) == sorted(GRAIN)


@pytest.mark.parametrize("name", sorted(GRAIN))
def test_every_query_runs_and_keeps_its_grain(tiny_db, name):
    frame = tiny_db.query(name, **params_for(name))
    assert len(frame) == ROWS[name]
    if GRAIN[name]:
        assert not frame.duplicated(GRAIN[name]).any()
    else:
        assert len(frame) == 1


def test_indicator_by_year_pass_rate_change_and_target(tiny_db):
    frame = tiny_db.query("indicator_by_year", **params_for("indicator_by_year")).set_index(["indicator", "year"])
    food_2024, food_2025 = frame.loc[("food_pass_rate", 2024)], frame.loc[("food_pass_rate", 2025)]
    assert (food_2024.numerator, food_2024.denominator) == (40, 44)
    assert food_2024.value == pytest.approx(100 * 40 / 44)
    assert pd.isna(food_2024.previous_value)  # 2023 has no data
    assert (food_2025.numerator, food_2025.denominator) == (34, 35)
    assert food_2025.value == pytest.approx(97.142857, abs=1e-6)
    assert food_2025.change == pytest.approx(97.142857 - 90.909091, abs=1e-6)
    assert food_2025.target == 98.0  # the city-wide target, not D1's own 90
    # agricultural monitoring counts routine monitoring only: 9/10, not 9/15
    assert frame.loc[("agri_pass_rate", 2024)].value == pytest.approx(90.0)
    se = frame.loc[("se_deaths_per_10k", 2025)]
    assert se.value == pytest.approx(0.2) and se.change == pytest.approx(-0.2) and se.target == 0.3
    assert frame.loc[("construction_acceptance_rate", 2025)].value == pytest.approx(98.0)


def test_indicator_by_year_change_needs_the_previous_year_even_when_it_is_outside_the_range(tiny_db):
    frame = tiny_db.query("indicator_by_year", **{**params_for("indicator_by_year"), "year_from": 2025})
    food = frame[frame.indicator == "food_pass_rate"]
    assert food.year.tolist() == [2025]
    assert food.change.iloc[0] == pytest.approx(6.233766, abs=1e-6)


def test_filters_narrow_the_indicator(tiny_db):
    frame = tiny_db.query(
        "indicator_by_year", **{**params_for("indicator_by_year"), "districts": [D2], "sectors": ["food-a"]}
    )
    food = frame[frame.indicator == "food_pass_rate"].set_index("year")
    assert food.loc[2024].value == pytest.approx(95.0)  # 19/20
    assert food.loc[2025].value == pytest.approx(100.0)  # 20/20
    # the other headline indicators' sectors are filtered out, and so are patents, which have no sector
    assert set(frame.indicator) & set(HEADLINE) == {"food_pass_rate"}
    assert not set(frame.indicator) & {"invention_patents_per_10k", "high_tech_enterprises"}
    assert frame.set_index(["indicator", "year"]).loc[("award_applicants", 2025)].value == 1  # E2, in D2 food-a


def test_district_league_order_interval_and_unranked_small_district(tiny_db):
    league = tiny_db.query("district_league", **params_for("district_league"))
    assert league.district_code.tolist() == [D2, D1, D3]
    assert league["rank"].iloc[:2].tolist() == [1, 2]
    assert pd.isna(league["rank"].iloc[2])  # D3 has 5 samples, below the minimum of 10
    assert league.enough_samples.tolist() == [True, True, False]
    d1 = league.set_index("district_code").loc[D1]
    assert (d1.numerator, d1.base) == (9, 10)
    assert d1.change == pytest.approx(90.0 - 90.0)  # 2024: 18/20
    # Wilson 95% interval for 9 of 10: 0.5958 to 0.9821 (standard tables)
    assert d1.interval_low == pytest.approx(59.58, abs=0.01)
    assert d1.interval_high == pytest.approx(98.21, abs=0.01)


def test_district_league_lower_is_better_ranks_the_smallest_first(tiny_db):
    league = tiny_db.query(
        "district_league",
        **{
            **params_for("district_league"),
            "indicator": "se_deaths_per_10k",
            "higher_is_better": False,
            "min_samples": 1,
        },
    )
    ranked = league.dropna(subset=["rank"])
    assert ranked.district_code.tolist() == [D2, D1]  # 0 deaths ranks above 0.5 per 10k
    assert ranked.set_index("district_code").loc[D1].value == pytest.approx(0.5)  # 1 / 20,000 * 10,000
    assert ranked.interval_low.isna().all()  # intervals are for pass rates only


def test_wilson_interval_of_8_in_10(tiny_db):
    low, high = tiny_db.con.execute("select wilson_low_pct(8, 10), wilson_high_pct(8, 10)").fetchone()
    assert (low, high) == (pytest.approx(49.02, abs=0.01), pytest.approx(94.33, abs=0.01))


def test_pass_rate_by_domain_year_counts_all_samples_of_a_domain(tiny_db):
    frame = tiny_db.query("pass_rate_by_domain_year", **params_for("pass_rate_by_domain_year"))
    rates = frame.set_index(["domain", "year"]).pass_rate
    assert rates[("agri", 2024)] == pytest.approx(60.0)  # 9/15
    assert rates[("manufacturing", 2024)] == pytest.approx(90.0)
    assert rates[("food", 2025)] == pytest.approx(100 * 34 / 35)


def test_pass_rate_by_sector_ranks_and_flags_small_samples(tiny_db):
    frame = tiny_db.query("pass_rate_by_sector", **{**params_for("pass_rate_by_sector"), "year": 2024})
    by_sector = frame.set_index("sector_code")
    assert by_sector.loc["food-a"].samples == 34 and by_sector.loc["food-a"].passed == 30
    # 2024: food-b 10/10 = 100%, mfg-a 9/10 = 90%, food-a 30/34 = 88.2%, agri-a 9/15 = 60%
    assert frame.sector_code.tolist() == ["food-b", "mfg-a", "food-a", "agri-a"]
    assert frame["rank"].tolist() == [1, 2, 3, 4]
    strict = tiny_db.query(
        "pass_rate_by_sector", **{**params_for("pass_rate_by_sector"), "year": 2024, "min_samples": 11}
    )
    # with a minimum of 11, the two sectors of 10 samples are flagged and left unranked, after the ranked ones
    assert strict.sector_code.tolist() == ["food-a", "agri-a", "food-b", "mfg-a"]
    assert strict["rank"].iloc[:2].tolist() == [1, 2] and strict["rank"].iloc[2:].isna().all()
    assert strict.enough_samples.tolist() == [True, True, False, False]


def test_failures_by_item_is_a_pareto(tiny_db):
    frame = tiny_db.query("failures_by_item", **params_for("failures_by_item"))
    assert frame.failed_item.tolist() == [
        "heavy_metal",
        "microbial",
        "additive",
        "performance",
        "pesticide_residue",
        "unknown",
    ]
    assert frame.failures.tolist() == [5, 3, 1, 1, 1, 1]
    assert frame.cumulative_pct.tolist() == pytest.approx(
        [100 * 5 / 12, 100 * 8 / 12, 75.0, 100 * 10 / 12, 100 * 11 / 12, 100.0]
    )


def test_rows_behind_the_charts_add_up(tiny_db):
    frame = tiny_db.query("pass_rate_by_district_sector_year", **params_for("pass_rate_by_district_sector_year"))
    assert frame.samples.sum() == LOADED
    assert (frame.samples == frame.passed + frame.failed).all()


def test_data_years_and_events(tiny_db):
    years = tiny_db.query("data_years").iloc[0]
    assert (years.first_year, years.last_year) == (2024, 2025)
    events = tiny_db.query("events_between", year_from=2024, year_to=2024)
    assert events.title_en.tolist() == ["Quality Month"]
    assert events.year_position.iloc[0] == pytest.approx(2024 + 257 / 365)  # 14 September 2024 is day 258
    assert tiny_db.query("events_between", year_from=2025, year_to=2025).empty


@pytest.mark.parametrize(
    "name", sorted(n for n in GRAIN if {"districts", "sectors"} & db.query_parameters(db.query_sql(n)))
)
def test_an_empty_code_list_means_all(tiny_db, name):
    params = params_for(name)
    everything = tiny_db.query(name, **{**params, "districts": [], "sectors": []})
    if "indicator" in everything and "sectors" in params:  # patents have no sector: naming sectors leaves them out
        everything = everything[~everything.indicator.isin(in_area("innovation"))].reset_index(drop=True)
    pd.testing.assert_frame_equal(everything, tiny_db.query(name, **params))


def test_attention_months_are_the_cells_of_each_month_in_the_window(tiny_db):
    # 2025: D1 food-a 10 (the failure in October: the 10th row of the cell, months 1 + i % 12), D2 food-a 20, D3 5
    months = tiny_db.query(
        "attention_months", year_from=2025, year_to=2025, first=2025 * 12, last=2025 * 12 + 11, districts=[], sectors=[]
    )
    assert int(months.samples.sum()) == 35 and int(months.passed.sum()) == 34
    october = months[(months.month == 10) & (months.district_code == D1)]
    assert (int(october.samples.iloc[0]), int(october.passed.iloc[0]), october.domain.iloc[0]) == (1, 0, "food")
    first_half = tiny_db.query(
        "attention_months",
        year_from=2025,
        year_to=2025,
        first=2025 * 12,
        last=2025 * 12 + 5,
        districts=[D2],
        sectors=[],
    )
    assert set(first_half.month) == set(range(1, 7)) and int(first_half.samples.sum()) == 12  # D2's rows Jan-Jun


def test_attention_items_against_the_same_months_of_last_year(tiny_db):
    # food 2025: one failed sample names 菌落总数、大肠菌群、霉菌; 2024: 菌落总数 alone and with 大肠菌群, and
    # 二氧化硫残留量; food samples 35 and 44; failed samples naming items 1 and 3 (D3's failure names none)
    items = tiny_db.query("attention_items", year=2025, month_from=1, month_to=12, districts=[], sectors=[])
    food = items[items.domain == "food"].set_index("item")
    assert food.loc[
        "菌落总数", ["failures", "failures_before", "samples", "samples_before", "named", "named_before"]
    ].tolist() == [1, 2, 35, 44, 1, 3]
    assert food.loc["二氧化硫残留量", ["failures", "failures_before"]].tolist() == [0, 1]
    assert set(items.domain) == {"food", "manufacturing", "agri"}  # 2024's items count as last year's


def test_repeat_offenders_by_failures_or_a_visit_before_the_failure(tiny_db):
    # 2024: E1 (every D1 sample) failed 2 + 1 + 1 + 5 = 9 of 45 batches; E2 and E3 once each; no visits before
    year_2024 = tiny_db.query(
        "repeat_offenders",
        date_from=pd.Timestamp(2024, 1, 1).date(),
        date_to=pd.Timestamp(2024, 12, 31).date(),
        districts=[],
        sectors=[],
        min_failures=2,
        visit_days=365,
    )
    assert year_2024.enterprise_id.tolist() == ["E1"]
    assert (year_2024.samples.iloc[0], year_2024.failures.iloc[0], year_2024.failures_after_visit.iloc[0]) == (45, 9, 0)
    # 2025: E1 failed once, on 2025-10-15, after visits on 2025-02-01 and 2025-06-01: listed for the later visit
    year_2025 = tiny_db.query(
        "repeat_offenders",
        date_from=pd.Timestamp(2025, 1, 1).date(),
        date_to=pd.Timestamp(2025, 12, 31).date(),
        districts=[],
        sectors=[],
        min_failures=2,
        visit_days=365,
    )
    row = year_2025.iloc[0]
    assert len(year_2025) == 1 and (row.enterprise_id, row.samples, row.failures, row.failures_after_visit) == (
        "E1",
        10,
        1,
        1,
    )
    assert str(row.last_visit)[:10] == "2025-06-01" and row.history[0]["items"] == "菌落总数、大肠菌群、霉菌"
    soon = tiny_db.query(
        "repeat_offenders",
        date_from=pd.Timestamp(2025, 1, 1).date(),
        date_to=pd.Timestamp(2025, 12, 31).date(),
        districts=[],
        sectors=[],
        min_failures=2,
        visit_days=100,
    )  # the visit on 2025-06-01 is 136 days before the failure
    assert soon.empty


def test_item_failure_rates_count_the_batches_tested_for_each_item(tiny_db):
    """helpers.PASSING_ITEMS / FAILING_ITEMS: D1's ten 2025 food-a samples were tested for 菌落总数 and 大肠菌群,
    the failed one also for 霉菌; results 2.0×10⁵, 230 and 300 against ≤1×10⁵, ≤100 and ≤150."""
    rates = tiny_db.query("item_failure_rates", **params_for("item_failure_rates")).set_index("item")
    assert list(rates.index) == ["霉菌", "大肠菌群", "菌落总数"]  # the highest rate first, then by name
    assert rates[["tested", "failed", "notice_failed"]].values.tolist() == [[1, 1, 0], [10, 1, 0], [10, 1, 0]]
    assert rates.failure_rate_pct.tolist() == pytest.approx([100.0, 10.0, 10.0])
    assert rates.times_over_max.tolist() == pytest.approx([2.0, 2.3, 2.0])
    assert set(rates.failed_item) == {"microbial"}
    only_2024 = tiny_db.query("item_failure_rates", **{**params_for("item_failure_rates"), "year_to": 2024})
    assert only_2024.empty  # the items are all of 2025
    items = tiny_db.query("enterprise_failed_items", enterprise_id="E1")
    assert items.item.tolist() == ["菌落总数", "大肠菌群", "霉菌"] and items.times_over.tolist() == pytest.approx(
        [2.0, 2.3, 2.0]
    )
    assert tiny_db.query("enterprise_failed_items", enterprise_id="E2").empty
