"""Safety: food, drug and agricultural-product sampling, special equipment and construction — each indicator's
trend against target and its value per district, and special-equipment accidents by kind of equipment."""

import streamlit as st

from qcity import i18n
from qcity.analysis import indicators, narrative
from qcity.documents import charts, downloads
from qcity.web import cache, controls, tables, ui

f = controls.current()
T = i18n.translator(f.lang)
note = downloads.source_note(cache.current().city(), f.lang)

by_year = ui.area_overview("safety", f)
if by_year is None:
    st.stop()

choice = ui.indicator_picker("safety", f, key="safety_indicator")
ui.indicator_section(choice, by_year, f, note, key="safety")

domain = indicators.INDICATORS[choice].domain
if domain:
    period = f.at().label(f.lang)
    st.subheader(T("safety.sectors", domain=i18n.label("domain", domain, f.lang), year=period))
    by_sector = cache.run("pass_rate_by_sector", **f.last_year_params, min_samples=f.min_samples)
    in_domain = by_sector[by_sector.domain == domain]
    if in_domain.empty:
        st.info(T("empty_year", year=period))
    else:
        ui.chart(cache.shared(charts.interval_ranking, in_domain, f.lang, note), "safety_sectors")
        st.caption(T("spot.sectors_note", n=f.min_samples) + (" " + T("safety.all_kinds") if domain == "agri" else ""))

st.subheader(T("safety.equipment"), help=ui.indicator_help("se_accidents_per_10k", f))
equipment = cache.run("special_equipment_by_kind_year", **f.yearly_params)
if equipment.empty:
    st.info(T("empty"))
else:
    st.markdown(cache.shared(narrative.composition, equipment, "year", "accidents", "equipment", f.lang))
    ui.chart(
        cache.shared(
            charts.stacked_bars, equipment, "year", "accidents", "equipment", f.lang, note, T("col.accidents")
        ),
        "safety_equipment",
    )

st.subheader(T("spot.table"))
rows = by_year[by_year.indicator.isin(indicators.in_area("safety"))]
tables.rows_table(rows, f, note, "safety", key="safety_rows")
