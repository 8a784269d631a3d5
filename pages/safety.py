"""Safety: food, drug and agricultural-product sampling, special equipment and construction — each indicator's
trend against target and its value per district, and special-equipment accidents by kind of equipment."""

import streamlit as st

from qcity import charts, db, filters, i18n, indicators, ui

f = filters.current()
T = i18n.translator(f.lang)
note = ui.source_note(db.current().city(), f.lang)

by_year = ui.area_overview("safety", f)
if by_year is None:
    st.stop()

choice = ui.indicator_picker("safety", f, key="safety_indicator")
ui.indicator_section(choice, by_year, f, note, key="safety")

st.subheader(T("safety.equipment"), help=ui.indicator_help("se_accidents_per_10k", f))
equipment = db.run("special_equipment_by_kind_year", **f.params)
if equipment.empty:
    st.info(T("empty"))
else:
    ui.chart(charts.stacked_bars(equipment, "year", "accidents", "equipment", f.lang, note,
                                 T("col.accidents")), "safety_equipment")

st.subheader(T("spot.table"))
rows = by_year[by_year.indicator.isin(indicators.in_area("safety"))]
ui.rows_table(rows, f, note, "safety", key="safety_rows")
