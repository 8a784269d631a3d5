"""The one-stop quality-diagnosis service: enterprises served, problems found and solved, satisfaction, by
district and sector, and how served enterprises fare in later spot checks compared with the rest."""

import streamlit as st

from qcity import i18n
from qcity.documents import charts, downloads
from qcity.web import cache, controls, tables, ui

f = controls.current()
T = i18n.translator(f.lang)
note = downloads.source_note(cache.current().city(), f.lang)

by_year = ui.area_overview("diagnosis", f)
if by_year is None:
    st.stop()

choice = ui.indicator_picker("diagnosis", f, key="diagnosis_indicator")
ui.indicator_section(choice, by_year, f, note, key="diagnosis")

st.subheader(T("diagnosis.effect"))
effect = cache.run("diagnosis_effect_by_year", **f.params)
if effect.empty:
    st.info(T("empty"))
else:
    ui.chart(cache.shared(charts.group_comparison, effect, f.lang, note), "diagnosis_effect")
    st.caption(T("diagnosis.effect_note"))

st.subheader(T("diagnosis.by_sector"))
sectors = cache.run("diagnosis_by_sector", **f.params)
if sectors.empty:
    st.info(T("empty"))
else:
    tables.table(
        i18n.localize(sectors.round({"resolution_rate": 1, "satisfaction": 2}), f.lang),
        f,
        note,
        "diagnosis-sectors",
        "diagnosis_sectors",
    )

st.subheader(T("spot.table"))
tables.rows_table(
    effect.round({"pass_rate": 2, "interval_low": 2, "interval_high": 2}), f, note, "diagnosis", key="diagnosis_rows"
)
