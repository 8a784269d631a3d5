"""Enforcement against counterfeit and substandard goods: cases, fines and closure over the years and by
district, this year's cases against last year's month by month, cases by kind of violation, and by sector."""

import streamlit as st

from qcity import i18n
from qcity.analysis import narrative
from qcity.documents import charts, downloads
from qcity.web import cache, controls, tables, ui

f = controls.current()
T = i18n.translator(f.lang)
note = downloads.source_note(cache.current().city(), f.lang)

by_year = ui.area_overview("enforcement", f)
if by_year is None:
    st.stop()

choice = ui.indicator_picker("enforcement", f, key="enforcement_indicator")
ui.indicator_section(choice, by_year, f, note, key="enforcement")

st.subheader(T("enforcement.by_month", year=f.year_to, last=f.year_to - 1))
by_month = cache.run("cases_by_month", **f.months_params)
st.markdown(cache.shared(narrative.so_far, by_month, "cases_so_far", narrative.COUNT, T("axis.cases_so_far"), f.lang))
ui.chart(
    cache.shared(
        charts.months_against_last_year,
        by_month,
        "cases_so_far",
        "cases",
        f.lang,
        note,
        T("axis.cases_so_far"),
        T("axis.cases_month"),
    ),
    "enforcement_months",
)
st.caption(T("enforcement.by_month_note"))

violations = cache.run("enforcement_by_violation_year", **f.params)
if violations.empty:
    st.info(T("empty"))
    st.stop()
left, right = st.columns(2)
with left:
    st.subheader(T("enforcement.by_violation"), help=ui.indicator_help("enforcement_cases", f))
    st.markdown(cache.shared(narrative.composition, violations, "year", "cases", "violation", f.lang, period=f.at()))
    ui.chart(
        cache.shared(charts.stacked_bars, violations, "year", "cases", "violation", f.lang, note, T("col.cases")),
        "enforcement_violations",
    )
with right:
    st.subheader(T("enforcement.by_sector"))
    sectors = cache.run("enforcement_by_sector", **f.params)
    st.markdown(
        cache.shared(narrative.composition, sectors, "sector_code", "cases", "domain", f.lang, i18n.name_column(f.lang))
    )
    ui.chart(
        cache.shared(
            charts.stacked_bars,
            sectors,
            "sector_code",
            "cases",
            "domain",
            f.lang,
            note,
            T("col.cases"),
            x_labels=i18n.name_column(f.lang),
            horizontal=True,
        ),
        "enforcement_sectors",
        select="sectors",
    )
    st.caption(T("sectors.click"))

st.subheader(T("spot.table"))
tables.rows_table(violations, f, note, "enforcement", key="enforcement_rows")
