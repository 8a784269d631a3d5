"""Overview: headline indicators against target and last year, every indicator's target and progress, a trend
with programme events, and districts on a map (click one to narrow the filters) and in a league table."""

import json

import streamlit as st

from qcity import i18n
from qcity.analysis import indicators, narrative
from qcity.documents import charts, downloads, story
from qcity.web import cache, controls, guide, signals, tables, ui

f = controls.current()
T = i18n.translator(f.lang)
city = cache.current().city()
note = downloads.source_note(city, f.lang)

st.title(T("overview.title"), help=guide.page("overview", f.lang))
by_year = cache.run("indicator_by_year", **f.params)
if by_year.empty:
    st.info(T("empty"))
    st.stop()

ui.period_caption(f)
ui.kpi_cards(cache.shared(indicators.kpis, by_year, f, ui.with_data(indicators.HEADLINE)), f)
ui.no_data_note(list(indicators.INDICATORS), f)  # once, for the cards and the scorecard
attention = st.container()  # filled last: judging a new period takes a second or two, the rest shows first

with st.expander(T("scorecard.title"), expanded=True):
    ui.scorecard(cache.shared(indicators.kpis, by_year, f, ui.with_data(list(indicators.INDICATORS))), f, note)

choice = st.selectbox(
    T("overview.indicator"),
    ui.with_data(list(indicators.INDICATORS)),
    key="overview_indicator",
    format_func=lambda i: T(f"ind.{i}"),
)
indicator = indicators.INDICATORS[choice]
name = T(f"ind.{choice}")

st.subheader(T("overview.trend", indicator=name), help=ui.indicator_help(choice, f))
trend = by_year[by_year.indicator == choice]
league = story.district_league(indicator, f, cache.run)
period = f.period_of(indicator)
if trend.empty:
    st.info(T("empty"))
else:
    st.markdown(cache.shared(narrative.indicator, indicator, trend, league, period, f.lang))
    events = cache.run("events_between", year_from=f.year_from, year_to=f.year_to)
    ui.chart(cache.shared(charts.indicator_trend, trend, events, indicator, f.lang, note), "overview_trend")

map_column, table_column = st.columns([3, 2])
with map_column:
    st.subheader(T("overview.map", year=period.label(f.lang), indicator=name))
    boundary_file = cache.current().path / city.get("boundaries", "boundaries.geojson")
    if boundary_file.is_file():
        boundaries = json.loads(boundary_file.read_text(encoding="utf-8"))
        ui.chart(
            cache.shared(charts.district_map, league, boundaries, indicator, f.lang, note),
            "overview_map",
            select="districts",
        )
        st.caption(T("map.click"))
    else:
        st.info(T("overview.no_boundaries", file=boundary_file.name))
with table_column:
    st.subheader(T("overview.league", year=period.label(f.lang)))
    table = league[["rank", "name_zh", "name_en", "value", "change", "base"]]
    tables.table(
        i18n.localize(table, f.lang),
        f,
        note,
        f"league-{choice}",
        "overview_league",
        height="content",
        column_config={
            T("col.value"): st.column_config.NumberColumn(format=f"%.{indicator.digits + 1}f"),
            T("col.change"): st.column_config.NumberColumn(format=f"%+.{indicator.digits + 1}f"),
            T("col.base"): st.column_config.NumberColumn(format="localized"),
        },
    )
    st.caption(T("overview.league_note", n=f.min_samples))

with attention:
    signals.attention_summary(f, city)
