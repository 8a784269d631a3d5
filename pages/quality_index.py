"""Composite quality index: districts scored 0-100 from normalised indicators with the weights in the city
config, on a map and as a ranking that shows what each indicator contributes."""

import json

import streamlit as st

from qcity import i18n
from qcity.analysis import indicators, narrative
from qcity.documents import charts, downloads
from qcity.web import cache, controls, guide, tables, ui

f = controls.current()
T = i18n.translator(f.lang)
city = cache.current().city()
note = downloads.source_note(city, f.lang)

st.title(
    T("page.quality_index"), help=ui.indicator_help("quality_index", f) + "\n\n" + guide.page("quality_index", f.lang)
)
try:
    weights = indicators.index_weights(city)
except indicators.ConfigError as error:
    st.error(T("index.bad_config", error=str(error)))
    st.stop()
# The index mixes tables kept by year only with dated ones, so it is read for whole years: the last complete one.
year = f.yearly.label(f.lang, yearly=f.partial)
st.caption(T("index.caption", year=year, n=len(weights["indicators"])))

parts = cache.run("quality_index_contributions", year=f.yearly_to, districts=f.districts, sectors=f.sectors, **weights)
if parts.empty:
    st.info(T("empty_year", year=year))
    st.stop()
by_year = cache.run("quality_index_by_district_year", **f.yearly_params, **weights)
this_year = by_year[by_year.year == f.yearly_to]
st.markdown(cache.shared(narrative.quality_index, this_year, f.yearly, f.lang))
league = this_year.rename(columns={"quality_index": "value"})  # the map reads an indicator's `value`

map_column, table_column = st.columns([3, 2])
with map_column:
    st.subheader(T("index.map", year=year))
    boundary_file = cache.current().path / city.get("boundaries", "boundaries.geojson")
    if boundary_file.is_file():
        boundaries = json.loads(boundary_file.read_text(encoding="utf-8"))
        ui.chart(
            cache.shared(
                charts.district_map,
                league,
                boundaries,
                indicators.QUALITY_INDEX,
                f.lang,
                note,
                indicators.QUALITY_INDEX.digits,
            ),
            "index_map",
            select="districts",
        )  # as the table
    else:
        st.info(T("overview.no_boundaries", file=boundary_file.name))
with table_column:
    st.subheader(T("overview.league", year=year))
    table = this_year.assign(coverage_pct=100 * this_year.coverage)[  # the index's weight with data, in percent
        ["rank", "name_zh", "name_en", "quality_index", "coverage_pct"]
    ].round({"quality_index": indicators.QUALITY_INDEX.digits, "coverage_pct": 0})  # as the map's labels
    tables.table(i18n.localize(table, f.lang), f, note, "quality-index-league", "index_league", height="content")
    if this_year["rank"].isna().any():
        st.caption(T("index.partial"))
st.subheader(T("index.contributions", year=year))
ui.chart(cache.shared(charts.index_contributions, parts, f.lang, note), "index_contributions", select="districts")
st.caption(T("districts.click"))

with st.expander(T("index.weights")):
    tables.grid(i18n.localize(cache.run("index_weights", **weights), f.lang), key="index_weights")
    st.caption(T("index.method"))

st.subheader(T("spot.table"))
rows = by_year.assign(coverage=100 * by_year.coverage).rename(columns={"coverage": "coverage_pct"})
tables.rows_table(rows.round({"quality_index": 2, "coverage_pct": 1}), f, note, "quality-index", key="index_rows")
