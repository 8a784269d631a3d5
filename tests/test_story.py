"""Storylines: checked like URL filters but strictly, saved only when valid, and rendered from the same queries."""

import json

import pytest
from helpers import D1, D2, OPTIONS

from qcity.analysis import filters
from qcity.documents import story
from qcity.store import audit

ACTOR = audit.Actor("tester", "local")
GOOD = {
    "title": {"zh": "年度报告", "en": "Annual review"},
    "views": [
        {"page": "overview", "chart": "trend", "indicator": "food_pass_rate", "filters": {"from": 2024, "to": 2025}},
        {
            "chart": "districts",
            "indicator": "food_pass_rate",
            "filters": {"district": [D1, D2]},
            "title": "甲乙两区",
            "takeaway": {"en": "Two districts."},
        },
        {"chart": "domains"},
        {"chart": "index"},
    ],
}


def test_a_good_storyline_reads_with_defaults_filled_in():
    s = story.parse(json.dumps(GOOD), "annual", OPTIONS)
    assert [v.chart for v in s.views] == ["trend", "districts", "domains", "index"]
    assert [v.page for v in s.views] == ["overview", "overview", "spot_checks", "quality_index"]
    assert s.views[1].filters == {"from": 2024, "to": 2025, "district": [D1, D2]}
    assert s.views[1].title == {"zh": "甲乙两区", "en": "甲乙两区"} and s.views[1].takeaway == {"en": "Two districts."}
    assert story.parse(s.text(), "annual", OPTIONS) == s  # what is saved reads back the same


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"chart": "pie"}, "view 1: chart must be one of"),
        ({"indicator": "nope"}, "view 1: indicator must be one of"),
        ({"filters": {"district": "999999"}}, "view 1: filters: Link parameter `district=999999` ignored"),
        ({"filters": {"from": 1990}}, "view 1: filters: Link parameter `from=1990` ignored"),
        ({"filters": {"where": "1=1"}}, "view 1: filters must be an object with keys among"),
        ({"page": "../../etc"}, "view 1: page must be one of the app's pages"),
        ({"title": {"fr": "x"}}, "view 1: title: must be text"),
        ({"takeaway": "x" * 301}, "view 1: takeaway: must be text (at most 300 characters)"),
        ({"colour": "red"}, "view 1: unknown field(s) colour"),
        ({"chart": ["trend"]}, "view 1: chart must be one of"),  # JSON of the wrong type is an error, not a crash
        ({"indicator": {"id": 1}}, "view 1: indicator must be one of"),
        ({"page": ["overview"]}, "view 1: page must be one of"),
        ({"filters": {"district": [["430104"]]}}, "view 1: filters.district must be a code, a year or a list of them"),
    ],
)
def test_a_bad_view_is_an_error_naming_the_file_view_and_field(change, message):
    raw = json.loads(json.dumps(GOOD))
    raw["views"][0].update(change)
    with pytest.raises(story.StorylineError) as error:
        story.parse(json.dumps(raw), "annual", OPTIONS)
    assert str(error.value).startswith("storylines/annual.json: ") and message in str(error.value)


def test_broken_json_and_bad_names_are_errors():
    with pytest.raises(story.StorylineError, match=r"not valid JSON: .* line 1, column 2"):
        story.parse("{views", "x", OPTIONS)
    with pytest.raises(story.StorylineError, match="needs 1 to 40 views"):
        story.parse('{"views": []}', "x", OPTIONS)
    for name in ("../evil", "A", "", "x" * 41, "a b"):
        with pytest.raises(story.StorylineError, match="storyline name"):
            story.check_name(name)


def test_saving_writes_only_a_valid_storyline(tmp_path):
    story.save(tmp_path, "annual", json.dumps(GOOD), OPTIONS, ACTOR)
    saved = (tmp_path / "storylines" / "annual.json").read_bytes()
    broken = json.loads(json.dumps(GOOD))
    broken["views"][1]["filters"] = {"district": "火星区"}
    with pytest.raises(story.StorylineError, match="view 2"):
        story.save(tmp_path, "annual", json.dumps(broken), OPTIONS, ACTOR)
    assert (tmp_path / "storylines" / "annual.json").read_bytes() == saved
    assert list((tmp_path / "storylines").iterdir()) == [tmp_path / "storylines" / "annual.json"]  # no temp left
    assert story.names(tmp_path) == ["default", "annual"]
    story.save(tmp_path, "default", json.dumps(GOOD), OPTIONS, ACTOR)  # a saved default replaces the built-in one
    assert story.names(tmp_path) == ["default", "annual"] and len(story.load(tmp_path, "default", OPTIONS).views) == 4
    assert story.load(tmp_path, "annual", OPTIONS).views[0].indicator == "food_pass_rate"
    with pytest.raises(story.StorylineError, match="no such storyline"):
        story.load(tmp_path, "missing", OPTIONS)
    (tmp_path / "storylines" / "gbk.json").write_bytes("{'title': '质量'}".encode("gbk"))
    with pytest.raises(story.StorylineError, match="storylines/gbk.json: cannot be read as UTF-8 text"):
        story.load(tmp_path, "gbk", OPTIONS)


def test_the_default_storyline_covers_the_last_five_years_of_headline_areas():
    s = story.default(filters.Options(2016, 2025, (), ()))
    assert len(s.views) == 13 and {v.filters["from"] for v in s.views} == {2021}
    assert {"food_pass_rate", "drug_pass_rate", "se_deaths_per_10k", "case_closure_rate"} <= {
        v.indicator for v in s.views
    }
    assert {v.chart for v in s.views} == {"domains", "trend", "districts", "map", "failures", "funnel", "index"}


def test_a_view_round_trips_through_its_query_text():
    view = story.parse(json.dumps(GOOD), "a", OPTIONS).views[1]
    text = story.view_query(view)
    assert text == f"page=overview&chart=districts&indicator=food_pass_rate&from=2024&to=2025&district={D1},{D2}"
    back = story.view_from_query(text + "&lang=en", OPTIONS)  # the language is the reader's, not the view's
    assert (back.chart, back.indicator, back.filters) == (view.chart, view.indicator, view.filters)
    with pytest.raises(story.StorylineError, match="--current-view: filters: .*sector=x"):
        story.view_from_query("chart=domains&sector=x", OPTIONS)


def test_a_rendered_view_says_what_the_queries_say(tiny_db, tiny_dir):
    ctx = story.Context(tiny_db.query, tiny_db.city(), tiny_dir)
    trend = story.parse(json.dumps(GOOD), "a", OPTIONS).views[0]
    # food 2025: 34 of 35 samples passed = 97.1%; 2024: 40/44 = 90.9%, so +6.2 points; D2 20/20 is highest, D1 9/10
    # lowest; D3 (5 samples) is under the city's min_samples of 10 and not ranked; target 98.0 missed
    zh = story.render(trend, ctx, "zh")
    assert zh.title == "食品抽检合格率：2024–2025年"
    assert zh.takeaway == (
        "2025年食品抽检合格率 97.1%，比上年提高 6.2 个百分点；"
        "乙区最高（100.0%），甲区最低（90.0%）。目标 98.0%，未达标。"
    )
    assert zh.facts == [
        "2024: 90.91% · 样本 44",
        "2025: 97.14% · 比上年 +6.23 个百分点 · 目标 98.00% · 样本 35",
        "1. 乙区: 100.00% · 样本 20",
        "2. 甲区: 90.00% · 样本 10",
        "丙县: 100.00% · 样本 5 (基数不足，未排名)",
    ]
    en = story.render(trend, ctx, "en")
    assert en.takeaway.startswith(
        "Food sampling pass rate: 97.1% in 2025, up 6.2 points on last year; highest in "
        "District B (100.0%), lowest in District A (90.0%)."
    )
    assert en.figure is not None and en.scope == "Filters: 2024–2025; districts: all; sectors: all"
    two = story.render(story.parse(json.dumps(GOOD), "a", OPTIONS).views[1], ctx, "en")
    assert two.title == "甲乙两区" and two.takeaway == "Two districts."  # the storyline's own words win
    empty = story.render(
        story.view_from_query("chart=trend&indicator=drug_pass_rate&from=2024&to=2025", OPTIONS), ctx, "en"
    )
    assert empty.figure is None and empty.takeaway == "No data on drug sampling pass rate for 2025."


def test_the_spot_check_and_award_views_say_what_the_tiny_city_says(tiny_db, tiny_dir):
    ctx = story.Context(tiny_db.query, tiny_db.city(), tiny_dir)

    def takeaway(query: str) -> str:
        return story.render(story.view_from_query(query, OPTIONS), ctx, "zh").takeaway

    # all samples per district: 2024 D1 (8+10+9+9+0)/(10+10+10+10+5) = 80%, D2 19/20, D3 3/4; 2025 D1 9/10, D2 and
    # D3 every sample passed: the two tie for highest, and all three rose
    assert (
        takeaway("chart=heatmap")
        == "2025年抽检合格率乙区、丙县最高（100.0%），甲区最低（90.0%）；3 个区县中 3 个比上年提高。"
    )
    # 2025 has one sector, food-a: 34 of 35
    assert takeaway("chart=sectors") == "2025年抽检合格率最低的行业是食品甲（97.1%，样本 35）。"
    # failed items 2024-25: heavy metal 5, microbial 3, additive 1, performance 1, pesticide residue 1 (one failure
    # has no item recorded) -> heavy metal 5 of 12 = 41.7%; the top three 5 + 3 + 1 = 75.0%
    assert takeaway("chart=failures") == "不合格项目中重金属最多（5 项次，占 41.7%）；前 3 项合计占 75.0%。"
    # 2025 awards: E1 winner, E2 nominee, E3 applied only
    assert takeaway("chart=funnel") == "2025年 3 家企业申报市长质量奖，2 家进入现场评审，1 家获奖（占申报的 33.3%）。"
