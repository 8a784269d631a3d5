"""Chart builders: the right traces, labels in the chosen language, and the source note on every figure."""

import json

import pandas as pd
from helpers import D1, D2, D3, WHOLE

from qcity.analysis.indicators import INDICATORS
from qcity.documents import charts

NOTE = "合成演示数据，非真实统计"


def league(tiny_db, indicator="food_pass_rate", higher=True):
    return tiny_db.query(
        "district_league",
        **WHOLE,
        indicator=indicator,
        year=2025,
        districts=[D1, D2, D3],
        sectors=["food-a", "food-b", "special-equipment"],
        min_samples=10,
        higher_is_better=higher,
    )


def test_map_draws_every_district_without_geo_layer(tiny_db, tiny_dir):
    boundaries = json.loads((tiny_dir / "boundaries.geojson").read_text())
    fig = charts.district_map(league(tiny_db), boundaries, INDICATORS["food_pass_rate"], "en", NOTE)
    fills = [t for t in fig.data if t.fill == "toself"]
    assert len(fills) == 3
    assert not any(t.type in ("choropleth", "scattergeo", "choroplethmap") for t in fig.data)
    labels = next(t for t in fig.data if t.mode == "text+markers")
    assert [c[1] for c in labels.customdata] == ["District A", "District B", "County C"]  # boundary file order
    assert [c[0] for c in labels.customdata] == [D1, D2, D3]  # the code, for click-to-filter
    assert fig.layout.annotations[-1].text == NOTE


def test_map_colours_lower_is_better_reversed(tiny_db, tiny_dir):
    boundaries = json.loads((tiny_dir / "boundaries.geojson").read_text())
    fig = charts.district_map(
        league(tiny_db, "se_deaths_per_10k", False), boundaries, INDICATORS["se_deaths_per_10k"], "zh", NOTE
    )
    colourbar = fig.data[-1].marker
    assert colourbar.showscale and colourbar.colorscale[0][1] == charts.GOOD_TO_BAD[-1][1]  # blue: better, low
    fill = {t.x[0]: t.fillcolor for t in fig.data if t.fill == "toself"}
    assert fill[112.0] != fill[112.1]  # D1 (0.5 deaths per 10k) and D2 (0) differ


def test_interval_ranking_greys_out_small_samples(tiny_db):
    frame = tiny_db.query(
        "pass_rate_by_sector",
        **WHOLE,
        year=2024,
        districts=[D1, D2, D3],
        sectors=["food-a", "food-b", "mfg-a", "agri-a"],
        min_samples=11,
    )
    fig = charts.interval_ranking(frame, "en", NOTE)
    ranked, few = fig.data
    assert ranked.name == "Ranked" and len(ranked.x) == 2
    assert few.name == "Too few samples" and len(few.x) == 2 and few.marker.color == charts.MUTED
    assert "Food A (n=34)" in fig.layout.yaxis.categoryarray


def test_pareto_has_bars_and_a_cumulative_line(tiny_db):
    frame = tiny_db.query(
        "failures_by_item",
        year_from=2024,
        year_to=2025,
        **WHOLE,
        districts=[D1, D2, D3],
        sectors=["food-a", "food-b", "mfg-a", "agri-a"],
    )
    fig = charts.pareto(frame, "zh", NOTE)
    bars, line = fig.data
    assert list(bars.x)[:2] == ["重金属", "微生物"] and list(bars.y)[:2] == [5, 3]
    assert line.yaxis == "y2" and line.y[-1] == 100


def test_trend_marks_events_and_target(tiny_db):
    by_year = tiny_db.query(
        "indicator_by_year", year_from=2024, year_to=2025, **WHOLE, districts=[D1, D2, D3], sectors=["food-a", "food-b"]
    )
    events = tiny_db.query("events_between", year_from=2024, year_to=2025)
    fig = charts.indicator_trend(
        by_year[by_year.indicator == "food_pass_rate"], events, INDICATORS["food_pass_rate"], "en", NOTE
    )
    assert [t.name for t in fig.data] == ["Actual", "Target"]
    assert any(a.text == "Quality Month" for a in fig.layout.annotations)
    assert fig.layout.annotations[-1].text == NOTE
    assert fig.layout.xaxis.title.text == "Year"


def test_domain_trend_names_its_line_even_when_there_is_only_one(tiny_db):
    frame = tiny_db.query(
        "pass_rate_by_domain_year", year_from=2024, year_to=2025, **WHOLE, districts=[], sectors=["food-a"]
    )
    fig = charts.domain_trend(frame, "en", NOTE)
    assert [(t.name, t.showlegend) for t in fig.data] == [("Food", True)]


def test_district_ranking_carries_codes_and_intervals_and_greys_out_small_bases(tiny_db):
    fig = charts.district_ranking(league(tiny_db), INDICATORS["food_pass_rate"], "en", NOTE)
    dots = fig.data[0]
    assert dots.type == "scatter"  # rates are dots on a fitted axis, not bars cut off above zero
    assert [c[0] for c in dots.customdata] == [D3, D1, D2]  # drawn bottom-up: best (D2, 20/20) on top
    assert dots.marker.color[0] == charts.MUTED  # County C: 5 samples, below 10
    assert dots.error_x.array is not None and fig.layout.clickmode == "event+select"
    counts = tiny_db.query(
        "district_league",
        **WHOLE,
        indicator="brands",
        year=2025,
        districts=[],
        sectors=[],
        min_samples=0,
        higher_is_better=True,
    )
    bars = charts.district_ranking(counts, INDICATORS["brands"], "en", NOTE).data[0]
    assert bars.type == "bar" and list(bars.x) == [1, 1, 1]


def test_stacked_bars_label_the_enumeration_and_put_the_first_row_on_top(tiny_db):
    brands = tiny_db.query("brands_by_kind_district", year_from=2024, year_to=2025, districts=[], sectors=[])
    fig = charts.stacked_bars(
        brands, "district_code", "brands", "brand_kind", "zh", NOTE, "品牌数", x_labels="name_zh", horizontal=True
    )
    assert {t.name for t in fig.data} == {"驰名商标", "地理标志", "老字号", "省级名牌"}
    assert list(fig.layout.yaxis.categoryarray) == ["丙县", "乙区", "甲区"]
    assert all(t.customdata[0][0] in (D1, D2, D3) for t in fig.data)


def test_funnel_and_index_contributions(tiny_db):
    funnel = charts.funnel(tiny_db.query("award_funnel", year=2025, districts=[], sectors=[]), "en", NOTE)
    assert list(funnel.data[0].y) == ["Applied", "Material review", "On-site review", "Committee", "Winner", "Nominee"]
    parts = tiny_db.query(
        "quality_index_contributions",
        year=2025,
        districts=[],
        sectors=[],
        indicators=["food_pass_rate", "se_deaths_per_10k"],
        weights=[1.0, 1.0],
        higher=[True, False],
    )
    fig = charts.index_contributions(parts, "en", NOTE)
    assert [t.name for t in fig.data] == ["Food pass rate", "Special-equipment deaths per 10k units"]
    assert list(fig.layout.yaxis.categoryarray)[0] == "District A"  # index 0: the worst, drawn at the bottom


def test_served_figures_skip_plotly_checks_but_come_out_the_same(tiny_db, tiny_dir, monkeypatch):
    boundaries = json.loads((tiny_dir / "boundaries.geojson").read_text())
    by_year = tiny_db.query("indicator_by_year", year_from=2024, year_to=2025, **WHOLE, districts=[], sectors=[])
    events = tiny_db.query("events_between", year_from=2024, year_to=2025)
    heat = tiny_db.query("pass_rate_by_district_year", year_from=2024, year_to=2025, **WHOLE, districts=[], sectors=[])
    builders = [
        lambda: charts.indicator_trend(
            by_year[by_year.indicator == "food_pass_rate"], events, INDICATORS["food_pass_rate"], "zh", NOTE
        ),
        lambda: charts.district_map(league(tiny_db), boundaries, INDICATORS["food_pass_rate"], "en", NOTE),
        lambda: charts.district_ranking(league(tiny_db), INDICATORS["food_pass_rate"], "en", NOTE),
        lambda: charts.district_year_heatmap(heat, "en", NOTE),
    ]
    checked = [build().to_json() for build in builders]
    monkeypatch.setenv("QCITY_VALIDATE_FIGURES", "0")
    assert not charts._figure()._validate
    served = [build().to_json() for build in builders]
    for a, b in zip(served, checked):
        assert json.loads(a) == json.loads(b)


def test_months_with_too_few_samples_are_hollow_and_named_in_the_legend():
    by_month = pd.DataFrame(
        {
            "year": [2025, 2025, 2026, 2026],
            "month": [1, 2, 1, 2],
            "samples": [40, 12, 29, 30],
            "pass_rate_so_far": [97.5, 97.0, 96.0, 98.0],
        }
    )
    fig = charts.months_against_last_year(
        by_month, "pass_rate_so_far", "samples", "en", "note", "Pass rate so far", "Samples", small_below=30
    )
    lines = {t.name: t for t in fig.data if t.type == "scatter" and t.name}
    assert list(lines["2025 Pass rate so far"].marker.symbol) == ["circle", "circle-open"]
    assert list(lines["2026 Pass rate so far"].marker.symbol) == ["circle-open", "circle"]
    assert "Months with fewer than 30 samples (not judged)" in lines
    plain = charts.months_against_last_year(
        by_month.assign(samples=100),
        "pass_rate_so_far",
        "samples",
        "en",
        "note",
        "Pass rate so far",
        "Samples",
        small_below=30,
    )
    assert not any("fewer than" in (t.name or "") for t in plain.data)
