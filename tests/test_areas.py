"""The quality-area queries and indicators on the tiny hand-made city (figures worked out in conftest)."""

import pandas as pd
import pytest
from helpers import D1, D2, D3, WHOLE

from qcity.analysis import indicators
from qcity.analysis.filters import Filters

YEARS = {"year_from": 2024, "year_to": 2025, "districts": [], "sectors": []}  # tables kept by year
DATED = {**YEARS, **WHOLE}  # dated tables, read over whole years


def by_year(tiny_db, **filters) -> pd.DataFrame:
    return tiny_db.query("indicator_by_year", **{**DATED, **filters}).set_index(["indicator", "year"])


@pytest.mark.parametrize(
    ("indicator", "year", "value", "change"),
    [
        ("standards_led", 2025, 2, 1),  # S-1 and S-2 led; S-3 only joined
        ("brands", 2025, 3, 2),
        ("enforcement_cases", 2025, 3, 2),
        ("enforcement_fines", 2025, 4.0, 3.6),  # 40,000 yuan; 2024: 4,000
        ("case_closure_rate", 2025, 200 / 3, 200 / 3 - 100),  # closed C1 + transferred C3 of 3
        ("award_applicants", 2025, 3, 1),
        ("award_winners", 2025, 1, 1),
        ("award_mean_score", 2025, 815, 165),  # (850 + 780) / 2; the applicant without a score is left out
        ("diagnosis_enterprises", 2025, 2, None),  # the service began in 2025 here
        ("diagnosis_resolution_rate", 2025, 60, None),  # (3 + 2 + 1) / (4 + 2 + 4)
        ("diagnosis_satisfaction", 2025, 4.5, None),  # V3 has no rating
        ("invention_patents_per_10k", 2025, 15, 15 - 400 / 30),  # (120 + 330) / (10 + 20)
        ("high_value_patents_per_10k", 2025, 170 / 30, 170 / 30 - 140 / 30),
        ("high_tech_enterprises", 2025, 37, 7),
        ("se_accidents_per_10k", 2025, 0.2, -0.4),  # 1 / 50,000 units; 2024: 3 / 50,000
        ("construction_complaints_per_100", 2025, 400 / 150, None),
    ],
)
def test_each_indicator_value_and_change(tiny_db, indicator, year, value, change):
    row = by_year(tiny_db).loc[(indicator, year)]
    assert row.value == pytest.approx(value)
    assert pd.isna(row.change) if change is None else row.change == pytest.approx(change)


def test_a_single_district_gets_its_own_target(tiny_db):
    assert by_year(tiny_db).loc[("food_pass_rate", 2025)].target == 98.0
    own = by_year(tiny_db, districts=[D1]).loc[("food_pass_rate", 2025)]
    assert own.target == 90.0 and own.value == pytest.approx(90.0)  # 9/10, on target
    assert by_year(tiny_db, districts=[D2]).loc[("food_pass_rate", 2025)].target == 98.0  # no own target
    assert by_year(tiny_db, districts=[D1, D2]).loc[("food_pass_rate", 2025)].target == 98.0


def test_enterprise_tables_follow_the_enterprise_district(tiny_db):
    d1 = by_year(tiny_db, districts=[D1])
    assert d1.loc[("standards_led", 2025)].value == 1  # S-1 (E1); S-2 is E2's, in D2
    assert d1.loc[("diagnosis_resolution_rate", 2025)].value == pytest.approx(500 / 6)  # (3 + 2) / (4 + 2)
    assert d1.loc[("invention_patents_per_10k", 2025)].value == pytest.approx(12.0)


def test_the_improved_rollup_reads_lower_is_better_indicators_the_right_way(tiny_db):
    cards = indicators.kpis(
        by_year(tiny_db).reset_index(), Filters(2024, 2025, (), (), "zh", 10), list(indicators.INDICATORS)
    )
    card = {k.indicator.id: k for k in cards}
    assert card["se_deaths_per_10k"].change == pytest.approx(-0.2) and card["se_deaths_per_10k"].improved is True
    assert card["case_closure_rate"].improved is False
    assert card["enforcement_cases"].improved is None  # no better direction: not counted
    summary = indicators.rollup(cards)
    # compared: food, 2 special-equipment rates, standards, brands, closure, applicants, mean score, 3 innovation
    assert (summary.compared, summary.improved, summary.worsened) == (11, 10, 1)
    assert (summary.with_target, summary.met) == (2, 1)  # food 97.1 < 98 missed; deaths 0.2 <= 0.3 met


def test_special_equipment_by_kind(tiny_db):
    frame = tiny_db.query("special_equipment_by_kind_year", **YEARS).set_index("year")
    assert frame.loc[2024, ["registered_units", "accidents", "deaths"]].tolist() == [50000, 3, 2]
    assert frame.loc[2025].accidents_per_10k == pytest.approx(0.2)
    assert tiny_db.query("special_equipment_by_kind_year", **{**YEARS, "sectors": ["food-a"]}).empty


def test_standards_and_brands(tiny_db):
    standards = tiny_db.query("standards_by_level_year", **YEARS)
    assert sorted(map(tuple, standards[["standard_level", "role", "year", "standards"]].to_numpy().tolist())) == [
        ("group", "lead", 2024, 1),
        ("group", "participate", 2025, 1),
        ("local", "lead", 2025, 1),
        ("national", "lead", 2025, 1),
    ]
    brands = tiny_db.query("brands_by_kind_district", **YEARS)
    assert brands.groupby("district_code").brands.sum().to_dict() == {D1: 2, D2: 1, D3: 1}
    assert tiny_db.query("brands_by_kind_district", **{**YEARS, "sectors": ["mfg-a"]}).brand_kind.tolist() == [
        "provincial_famous"
    ]


def test_enforcement_by_violation_and_sector(tiny_db):
    frame = tiny_db.query("enforcement_by_violation_year", **DATED).set_index(["violation", "year"])
    assert frame.loc[("counterfeit", 2025), ["cases", "concluded"]].tolist() == [1, 1]
    assert frame.loc[("counterfeit", 2025)].fines_10k_yuan == pytest.approx(2.0)
    assert frame.loc[("substandard", 2025)].concluded == 0
    sectors = tiny_db.query("enforcement_by_sector", **DATED).set_index("sector_code")
    assert sectors.cases.to_dict() == {"food-a": 2, "food-b": 1, "mfg-a": 1}
    assert sectors.closure_rate.to_dict() == {"food-a": 100.0, "food-b": 0.0, "mfg-a": 100.0}
    assert sectors.loc["food-a"].fines_10k_yuan == pytest.approx(2.4)


def test_award_funnel_table_and_years(tiny_db):
    funnel = tiny_db.query("award_funnel", year=2025, districts=[], sectors=[])
    assert funnel[["stage", "reached"]].to_numpy().tolist() == [
        ["applied", 3],
        ["material_review", 2],
        ["onsite_review", 2],
        ["committee", 2],
        ["winner", 1],
        ["nominee", 1],
    ]
    assert tiny_db.query("award_funnel", year=2023, districts=[], sectors=[]).empty
    applicants = tiny_db.query("award_applicants", **YEARS)
    assert applicants.enterprise_id.tolist() == ["E1", "E2", "E3", "E1", "E2"]  # newest year, best score first
    assert applicants.district_code.tolist()[:3] == [D1, D2, D3]
    years = tiny_db.query("award_by_year", **YEARS).set_index("year")
    assert years.loc[2025, ["applicants", "winners", "nominees"]].tolist() == [3, 1, 1]
    assert years.loc[2025].prize_10k_yuan == 110 and years.loc[2025].winner_mean_score == 850
    assert years.loc[2024].prize_10k_yuan == 10 and pd.isna(years.loc[2024].winner_mean_score)


def test_diagnosis_by_sector_and_served_enterprises_later_results(tiny_db):
    sectors = tiny_db.query("diagnosis_by_sector", **DATED)
    assert sectors[
        ["sector_code", "visits", "enterprises", "problems_found", "problems_solved"]
    ].to_numpy().tolist() == [["food-a", 3, 2, 10, 6]]
    assert sectors.resolution_rate[0] == pytest.approx(60.0) and sectors.satisfaction[0] == pytest.approx(4.5)
    effect = tiny_db.query("diagnosis_effect_by_year", **DATED).set_index(["year", "grp"])
    # E1 first served 2025-02-01: 9 later samples, 8 passed; E2 from 2025-03-01: 16 later samples, all passed
    assert effect.loc[(2025, "after_service"), ["samples", "passed"]].tolist() == [25, 24]
    assert effect.loc[(2025, "before_service"), ["samples", "passed"]].tolist() == [5, 5]
    assert effect.loc[(2025, "not_served"), ["samples", "passed"]].tolist() == [5, 5]  # E3
    assert effect.loc[(2024, "before_service"), ["samples", "passed"]].tolist() == [65, 55]
    assert effect.loc[(2024, "not_served"), ["samples", "passed"]].tolist() == [4, 3]
    assert effect.loc[(2025, "after_service")].interval_low < 96 < effect.loc[(2025, "after_service")].interval_high


INDEX = {
    "indicators": ["food_pass_rate", "se_deaths_per_10k", "construction_acceptance_rate"],
    "weights": [0.5, 0.25, 0.25],
    "higher": [True, False, True],
}


def test_quality_index_weights_scores_and_coverage(tiny_db):
    # 2025: food D1 90, D2 100, D3 100 -> scores 0, 1, 1; deaths D1 0.5, D2 0 (lower is better) -> 0, 1;
    # acceptance D1 99%, D2 96% -> 1, 0. D1 = 25 x 1 = 25; D2 = 50 + 25 = 75; D3 has food only: 100, half covered
    frame = tiny_db.query("quality_index_by_district_year", **YEARS, **INDEX)
    year = frame[frame.year == 2025].set_index("district_code")
    assert year.quality_index.to_dict() == pytest.approx({D1: 25.0, D2: 75.0, D3: 100.0})
    assert year.coverage.to_dict() == pytest.approx({D1: 1.0, D2: 1.0, D3: 0.5})
    assert (year.loc[D2, "rank"], year.loc[D1, "rank"]) == (1, 2)
    assert pd.isna(year.loc[D3, "rank"])  # a partial index is not ranked
    # 2024 has no construction data anywhere: districts with food and deaths (0.75 of the weight) are comparable.
    # food D1 18/20 = 90, D2 19/20 = 95, D3 3/4 = 75 -> 0.75, 1, 0; deaths D1 1.0, D2 0 -> 0, 1
    # D1 = 100 x (0.5 x 0.75) / 0.75 = 50; D2 = 100 x 0.75 / 0.75 = 100; D3 = 0 from food alone, unranked
    earlier = frame[frame.year == 2024].set_index("district_code")
    assert earlier.quality_index.to_dict() == pytest.approx({D1: 50.0, D2: 100.0, D3: 0.0})
    assert (earlier.loc[D2, "rank"], earlier.loc[D1, "rank"]) == (1, 2) and pd.isna(earlier.loc[D3, "rank"])
    parts = tiny_db.query("quality_index_contributions", year=2025, districts=[], sectors=[], **INDEX)
    d2 = parts[parts.district_code == D2].set_index("indicator").contribution
    assert d2.to_dict() == pytest.approx(
        {"food_pass_rate": 50.0, "se_deaths_per_10k": 25.0, "construction_acceptance_rate": 0.0}
    )
    one = tiny_db.query("quality_index_by_district_year", **{**YEARS, "districts": [D1]}, **INDEX)
    assert one[one.year == 2025].quality_index.tolist() == pytest.approx([25.0])  # scaled against every district


def test_indicator_coverage(tiny_db):
    frame = tiny_db.query("indicator_coverage").set_index("indicator")
    assert frame.loc["food_pass_rate", ["first_year", "last_year", "districts"]].tolist() == [2024, 2025, 3]
    assert frame.loc["invention_patents_per_10k", ["last_year", "districts"]].tolist() == [2025, 2]
    assert "mfg_pass_rate" in frame.index and frame.loc["mfg_pass_rate"].last_year == 2024


def test_enterprise_search_and_profile(tiny_db):
    assert tiny_db.query("enterprise_search", text="甲").enterprise_id.tolist() == ["E1"]
    assert tiny_db.query("enterprise_search", text=" e2 ").enterprise_id.tolist() == ["E2"]
    assert tiny_db.query("enterprise_search", text="食品").enterprise_id.tolist() == ["E2", "E1"]  # by name: 乙 < 甲
    assert tiny_db.query("enterprise_search", text="%").empty  # no wildcards
    history = tiny_db.query("enterprise_inspections", enterprise_id="E1").set_index("year")
    assert history.loc[2024, ["samples", "passed"]].tolist() == [45, 36]
    assert list(history.loc[2024].failed_items) == ["heavy_metal", "microbial", "performance", "pesticide_residue"]
    assert history.loc[2025, ["samples", "passed"]].tolist() == [10, 9]
    assert tiny_db.query("enterprise_standards", enterprise_id="E1").standard_code.tolist() == ["S-1", "S-3", "S-4"]
    assert tiny_db.query("enterprise_brands", enterprise_id="E1").brand_kind.tolist() == [
        "well_known_trademark",
        "geographical_indication",
    ]
    assert tiny_db.query("enterprise_awards", enterprise_id="E1").stage.tolist() == ["winner", "nominee"]
    assert tiny_db.query("enterprise_cases", enterprise_id="E2").case_id.tolist() == ["C3"]
    assert tiny_db.query("enterprise_diagnosis", enterprise_id="E1").service_id.tolist() == ["V2", "V1"]
    assert tiny_db.query("enterprise_cases", enterprise_id="' or 1=1 --").empty


def test_standards_leaders_and_sectors_count_led_standards_only(tiny_db):
    leaders = tiny_db.query("standards_leaders", **YEARS)
    assert leaders[["enterprise_id", "standards", "national_or_above"]].to_numpy().tolist() == [
        ["E1", 2, 1],
        ["E2", 1, 0],
    ]  # E1: S-1 (national) and S-4; S-3 was only joined
    sectors = tiny_db.query("standards_by_sector", **YEARS)
    assert sectors[["sector_code", "standard_level", "standards"]].to_numpy().tolist() == [
        ["food-a", "group", 1],
        ["food-a", "local", 1],
        ["food-a", "national", 1],
    ]


def test_award_winners_by_district_and_index_weights(tiny_db):
    winners = tiny_db.query("award_winners_by_district", **YEARS)
    assert winners[["district_code", "domain", "winners"]].to_numpy().tolist() == [[D1, "food", 1]]
    weights = tiny_db.query("index_weights", indicators=["a", "b"], weights=[3.0, 1.0], higher=[True, False])
    assert weights.share_pct.tolist() == [75.0, 25.0]
