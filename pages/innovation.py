"""Innovation: invention and high-value patents per 10,000 residents and high-tech enterprises, by district.
The data have no sector, so the sector filter does not apply here (the page says so)."""

import streamlit as st

from qcity import i18n
from qcity.analysis import filters, indicators
from qcity.documents import downloads
from qcity.web import cache, controls, tables, ui

f = controls.current()
T = i18n.translator(f.lang)
note = downloads.source_note(cache.current().city(), f.lang)

whole = filters.without_sectors(f)
by_year = ui.area_overview("innovation", whole)
if by_year is None:
    st.stop()
if not f.all_sectors:
    st.info(T("innovation.no_sectors"))

choice = ui.indicator_picker("innovation", f, key="innovation_indicator")
ui.indicator_section(choice, by_year, whole, note, key="innovation")

st.subheader(T("spot.table"))
tables.rows_table(
    by_year[by_year.indicator.isin(indicators.in_area("innovation"))], whole, note, "innovation", key="innovation_rows"
)
