"""Takeaway rules on hand-made query rows: rising, falling, flat, one district, no data, in both languages."""

import pandas as pd

from qcity import i18n
from qcity.analysis import narrative
from qcity.analysis.filters import Period
from qcity.analysis.indicators import INDICATORS

FOOD = INDICATORS["food_pass_rate"]
DEATHS = INDICATORS["se_deaths_per_10k"]
BRANDS = INDICATORS["brands"]


def trend(values: dict[int, float], target: float | None = None) -> pd.DataFrame:
    """indicator_by_year rows for one indicator: change is the difference with the year before, when there is one."""
    years = sorted(values)
    return pd.DataFrame(
        {
            "year": years,
            "value": [values[y] for y in years],
            "change": [values[y] - values[y - 1] if y - 1 in values else None for y in years],
            "target": [target] * len(years),
        }
    )


def league(rows: list[tuple[str, str, float | None, bool]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["name_zh", "name_en", "value", "enough_samples"])


CITY = league(
    [
        ("岳麓区", "Yuelu", 98.64, True),
        ("望城区", "Wangcheng", 96.12, True),
        ("芙蓉区", "Furong", 97.3, True),
        ("浏阳市", "Liuyang", 99.9, False),
    ]
)  # too few samples: unranked


def test_rising_names_change_extremes_and_target():
    rows = trend({2024: 97.2, 2025: 97.8}, target=98.0)
    assert narrative.indicator(FOOD, rows, CITY, Period(2025), "zh") == (
        "2025年食品抽检合格率 97.8%，比上年提高 0.6 个百分点；岳麓区最高（98.6%），望城区最低（96.1%）。"
        "目标 98.0%，未达标。"
    )
    assert narrative.indicator(FOOD, rows, CITY, Period(2025), "en") == (
        "Food sampling pass rate: 97.8% in 2025, up 0.6 points on last year; highest in Yuelu (98.6%), lowest in "
        "Wangcheng (96.1%). Target 98.0%: not met."
    )


def test_falling_for_three_years_is_a_run():
    rows = trend({2022: 99.0, 2023: 98.5, 2024: 98.1, 2025: 97.6})
    zh = narrative.indicator(FOOD, rows, CITY, Period(2025), "zh")
    assert zh.startswith("2025年食品抽检合格率 97.6%，比上年下降 0.5 个百分点；连续 3 年下降；")
    en = narrative.indicator(FOOD, rows, CITY, Period(2025), "en")
    assert "down 0.5 points on last year; down 3 years running;" in en


def test_a_change_that_rounds_to_zero_is_level_and_breaks_a_run():
    rows = trend({2023: 97.0, 2024: 97.5, 2025: 97.52})
    assert "比上年" not in narrative.indicator(FOOD, rows, CITY, Period(2025), "zh").replace("与上年持平", "")
    assert "与上年持平" in narrative.indicator(FOOD, rows, CITY, Period(2025), "zh")
    en = narrative.indicator(FOOD, rows, CITY, Period(2025), "en")
    assert "level with last year" in en and "running" not in en


def test_one_district_is_named_and_not_ranked():
    one = league([("岳麓区", "Yuelu", 97.8, True)])
    rows = trend({2024: 97.2, 2025: 97.8})
    assert (
        narrative.indicator(FOOD, rows, one, Period(2025), "zh")
        == "2025年岳麓区食品抽检合格率 97.8%，比上年提高 0.6 个百分点。"
    )
    assert narrative.indicator(FOOD, rows, one, Period(2025), "en") == (
        "Food sampling pass rate in Yuelu: 97.8% in 2025, up 0.6 points on last year."
    )


def test_no_data_for_the_year_says_so():
    rows = trend({2023: 97.0})
    assert narrative.indicator(FOOD, rows, CITY, Period(2025), "zh") == "2025年没有食品抽检合格率的数据。"
    assert (
        narrative.indicator(FOOD, trend({}), CITY.iloc[:0], Period(2025), "en")
        == "No data on food sampling pass rate for 2025."
    )


def test_first_year_has_nothing_to_compare():
    assert "无上年数据可比" in narrative.indicator(FOOD, trend({2025: 97.8}), CITY, Period(2025), "zh")
    assert "no figure for the year before" in narrative.indicator(FOOD, trend({2025: 97.8}), CITY, Period(2025), "en")


def test_lower_is_better_target_is_a_ceiling_and_ties_are_joined():
    rows = trend({2024: 0.20, 2025: 0.12}, target=0.15)
    tied = league(
        [("岳麓区", "Yuelu", 0.2, True), ("望城区", "Wangcheng", 0.2, True), ("芙蓉区", "Furong", 0.05, True)]
    )
    zh = narrative.indicator(DEATHS, rows, tied, Period(2025), "zh")
    assert "比上年下降 0.08" in zh and "岳麓区、望城区最高（0.20）" in zh and zh.endswith("目标不高于 0.15，已达标。")
    en = narrative.indicator(DEATHS, rows, tied, Period(2025), "en")
    assert "highest in Yuelu and Wangcheng (0.20)" in en and en.endswith("Target at most 0.15: met.")


def test_counts_use_wan_in_chinese():
    rows = trend({2024: 11_000, 2025: 12_345})
    city = league([("岳麓区", "Yuelu", 30_000, True), ("望城区", "Wangcheng", 800, True)])
    zh = narrative.indicator(BRANDS, rows, city, Period(2025), "zh")
    assert zh.startswith("2025年") and "1.2万，比上年增加 1,345；" in zh and "岳麓区最高（3万）" in zh
    assert "12,345 in 2025, up 1,345 on last year" in narrative.indicator(BRANDS, rows, city, Period(2025), "en")


def test_every_district_equal():
    city = league([("岳麓区", "Yuelu", 98.0, True), ("望城区", "Wangcheng", 98.01, True)])
    assert "各区县均为 98.0%" in narrative.indicator(FOOD, trend({2025: 98.0}), city, Period(2025), "zh")


BY_DOMAIN = pd.DataFrame(
    {
        "domain": ["food", "drugs", "agri", "food", "drugs", "agri"],
        "year": [2024, 2024, 2024, 2025, 2025, 2025],
        "pass_rate": [97.0, 99.5, 96.0, 97.8, 99.1, 96.2],
    }
)


def test_domains_highest_lowest_and_how_many_rose():
    assert (
        narrative.domains(BY_DOMAIN, Period(2025), "zh")
        == "2025年药品抽检合格率最高（99.1%），食用农产品最低（96.2%）；3 个领域中 2 个比上年提高。"
    )
    assert narrative.domains(BY_DOMAIN, Period(2025), "en") == (
        "In 2025, Drugs had the highest pass rate (99.1%) and Edible agricultural products the lowest (96.2%); "
        "2 of 3 domains rose on last year."
    )
    assert narrative.domains(BY_DOMAIN, Period(2024), "en").endswith("(96.0%).")  # no 2023 to compare
    assert narrative.domains(BY_DOMAIN, Period(2020), "zh") == "2020年没有抽检数据。"


def test_quality_index_first_last_and_ranked_count():
    year = pd.DataFrame(
        {
            "name_zh": ["岳麓区", "望城区", "芙蓉区"],
            "name_en": ["Yuelu", "Wangcheng", "Furong"],
            "quality_index": [82.34, 41.0, 60.0],
            "rank": [1, 2, None],
        }
    )
    assert (
        narrative.quality_index(year, Period(2025), "zh")
        == "2025年质量指数岳麓区最高（82.3），望城区最低（41.0）；2 个区县参与排名。"
    )
    assert narrative.quality_index(year.iloc[:1], Period(2025), "en") == "Quality index 2025: Yuelu 82.3."
    assert (
        narrative.quality_index(year.iloc[2:], Period(2025), "en") == "No district has a ranked quality index for 2025."
    )


HEATMAP = pd.DataFrame(
    {
        "district_code": ["1", "2", "3", "1", "2", "3"],
        "year": [2024, 2024, 2024, 2025, 2025, 2025],
        "name_zh": ["甲区", "乙区", "丙县"] * 2,
        "name_en": ["A", "B", "C"] * 2,
        "pass_rate": [97.0, 98.0, 96.0, 97.5, 97.94, 95.0],
    }
)


def test_district_years_names_extremes_and_counts_the_districts_that_rose():
    # 2025: B 97.9 highest, C 95.0 lowest; A rose 97.0 -> 97.5, B fell 98.0 -> 97.9 (97.94 rounds to 97.9), C fell
    assert (
        narrative.district_years(HEATMAP, Period(2025), "zh")
        == "2025年抽检合格率乙区最高（97.9%），丙县最低（95.0%）；3 个区县中 1 个比上年提高。"
    )
    assert (
        narrative.district_years(HEATMAP, Period(2025), "en")
        == "Pass rate in 2025: highest in B (97.9%), lowest in C (95.0%); 1 of 3 districts rose on last year."
    )
    one = HEATMAP[HEATMAP.district_code == "3"]
    assert narrative.district_years(one, Period(2025), "zh") == "2025年丙县抽检合格率 95.0%，比上年下降 1.0 个百分点。"
    assert (
        narrative.district_years(one, Period(2024), "en")
        == "Pass rate in C: 96.0% in 2024, no figure for the year before to compare."
    )
    assert narrative.district_years(HEATMAP, Period(2020), "en") == "No spot-check data for 2020."


def test_sectors_lowest_first_only_among_ranked():
    by_sector = pd.DataFrame(
        {
            "name_zh": ["乳制品", "肉制品", "酒类"],
            "name_en": ["Dairy", "Meat", "Liquor"],
            "pass_rate": [99.5, 94.21, 80.0],
            "samples": [12_000, 800, 5],
            "enough_samples": [True, True, False],
        }
    )  # liquor: 5 samples, not ranked
    assert (
        narrative.sectors(by_sector, Period(2025), "zh")
        == "2025年抽检合格率最低的行业是肉制品（94.2%，样本 800），最高的是乳制品（99.5%）；2 个行业参与排名。"
    )
    assert (
        narrative.sectors(by_sector.iloc[1:], Period(2025), "en")
        == "Lowest pass rate in 2025: Meat (94.2%, 800 samples)."
    )
    assert (
        narrative.sectors(by_sector.iloc[2:], Period(2025), "en")
        == "No sector has enough samples to be ranked in 2025."
    )


def test_failures_top_reason_and_top_three():
    items = pd.DataFrame(
        {
            "failed_item": ["microbial", "additive", "labelling", "heavy_metal"],
            "failures": [12_345, 50, 30, 20],
            "share_pct": [97.5, 0.4, 0.2, 0.2],
            "cumulative_pct": [97.5, 97.9, 98.1, 100.0],
        }
    )
    assert narrative.failures(items, "zh") == "不合格项目中微生物最多（1.2万 项次，占 97.5%）；前 3 项合计占 98.1%。"
    assert narrative.failures(items.iloc[:1], "en") == "Microbial is the most common failure (12,345, 97.5% of all)."
    assert narrative.failures(items.iloc[:0], "zh") == "所选范围内没有不合格项目。"


def test_award_funnel_counts_applicants_onsite_and_winners():
    stages = pd.DataFrame(
        {
            "stage": ["applied", "material_review", "onsite_review", "committee", "winner", "nominee"],
            "reached": [38, 21, 10, 7, 7, 0],
        }
    )
    assert (
        narrative.award_funnel(stages, Period(2025), "zh")
        == "2025年 38 家企业申报市长质量奖，10 家进入现场评审，7 家获奖（占申报的 18.4%）。"
    )
    assert (
        narrative.award_funnel(stages.assign(reached=0), Period(2025), "en")
        == "No Mayor Quality Award applicants in 2025."
    )


def test_composition_by_year_total_change_and_largest_part():
    cases = pd.DataFrame(
        {
            "year": [2024, 2024, 2025, 2025, 2025],
            "cases": [30, 10, 25, 12, 3],
            "violation": ["counterfeit", "unlicensed", "counterfeit", "unlicensed", "substandard"],
        }
    )
    # 2025: 25 + 12 + 3 = 40, level with 2024's 40; counterfeit 25 of 40 = 62.5%
    zh = narrative.composition(cases, "year", "cases", "violation", "zh")
    assert zh == f"2025年合计 40，与上年持平；其中{i18n.label('violation', 'counterfeit', 'zh')}最多（25，占 62.5%）。"
    en = narrative.composition(cases[cases.year == 2025], "year", "cases", "violation", "en")
    assert en == (
        f"2025: 40 in all, no figure for the year before to compare; "
        f"{i18n.label('violation', 'counterfeit', 'en')} the largest part (25, 62.5%)."
    )
    fewer = narrative.composition(cases.iloc[:4], "year", "cases", "violation", "zh")
    assert "合计 37，比上年减少 3" in fewer


def test_composition_by_category_names_the_largest_and_its_share():
    brands = pd.DataFrame(
        {
            "district_code": ["1", "1", "2"],
            "name_zh": ["甲区", "甲区", "乙区"],
            "name_en": ["A", "A", "B"],
            "brands": [3, 1, 12_000],
            "brand_kind": ["time_honoured", "geographical_indication", "time_honoured"],
        }
    )
    assert (
        narrative.composition(brands, "district_code", "brands", "brand_kind", "zh", "name_zh")
        == "乙区最多（1.2万，占 100.0%）；图中 2 项合计 1.2万。"
    )  # 12,000 of 12,004 is 99.97%
    assert (
        narrative.composition(brands, "district_code", "brands", "brand_kind", "en", "name_en")
        == "B has the most: 12,000, 100.0% of the 12,004 across the 2 bars shown."
    )
    assert narrative.composition(brands.iloc[:0], "year", "brands", "brand_kind", "en") == "No data for these filters."


def test_ties_name_at_most_three_districts_and_count_the_rest():
    rows = trend({2024: 96.0, 2025: 97.0})
    tied = league(
        [
            (zh, en, 98.0, True)
            for zh, en in [
                ("芙蓉区", "Furong"),
                ("天心区", "Tianxin"),
                ("岳麓区", "Yuelu"),
                ("开福区", "Kaifu"),
                ("雨花区", "Yuhua"),
            ]
        ]
        + [("望城区", "Wangcheng", 95.0, True)]
    )
    assert "highest in Furong, Tianxin, Yuelu and 2 more (98.0%), lowest in Wangcheng (95.0%)" in narrative.indicator(
        FOOD, rows, tied, Period(2025), "en"
    )
    assert "芙蓉区、天心区、岳麓区及另外 2 个最高（98.0%），望城区最低（95.0%）" in narrative.indicator(
        FOOD, rows, tied, Period(2025), "zh"
    )
    three = tied.iloc[[0, 1, 2, 5]]
    assert "highest in Furong, Tianxin and Yuelu (98.0%)" in narrative.indicator(FOOD, rows, three, Period(2025), "en")


def test_a_change_that_rounds_to_zero_is_neither_better_nor_worse_and_has_no_sign():
    from qcity.analysis import indicators

    assert indicators.improved(0.04, True, 1) is None and indicators.improved(-0.04, False, 1) is None
    assert indicators.improved(0.06, True, 1) is True and indicators.improved(0.004, False, 2) is None
    assert [i18n.fmt_change(c, "pct", "en") for c in (0.04, -0.04, 0.06, -0.06)] == [
        "0.0 pts",
        "0.0 pts",
        "+0.1 pts",
        "-0.1 pts",
    ]
    by_year = pd.DataFrame(
        {
            "indicator": ["food_pass_rate"],
            "year": [2025],
            "value": [97.0],
            "change": [0.03],
            "target": [98.0],
            "denominator": [1000.0],
        }
    )
    filters = type("F", (), {"period_of": lambda self, ind: Period(2025)})()
    card = indicators.kpis(by_year, filters, ["food_pass_rate"])[0]
    assert card.change == 0.03 and card.improved is None  # grey, no arrow (ui.kpi_cards)


def test_item_rates_start_from_an_item_tested_in_the_full_data():
    """A notice's item (no batches tested beside it) is never the first: 菌落总数 failed 1 of 10."""
    rates = pd.DataFrame(
        {
            "item": ["恩诺沙星", "菌落总数"],
            "tested": [0, 10],
            "failed": [0, 1],
            "failure_rate_pct": [None, 10.0],
            "notice_failed": [3, 0],
            "times_over_max": [3.12, 2.0],
        }
    )
    assert narrative.item_rates(rates, "en") == (
        "菌落总数 failed 1 of the 10 batches tested for it (10.00%); "
        "the furthest over its limit was 恩诺沙星, at 3.12 times the limit."
    )
    assert narrative.item_rates(rates, "zh") == (
        "菌落总数不合格 1 批次，检验该项目 10 批次（10.00%）；超标最多的是恩诺沙星，达限量的 3.12 倍。"
    )
    assert narrative.item_rates(rates.head(1), "en") == ""
