"""Standards and brands: standards led and joined by level over the years, the enterprises and sectors that lead
them, and quality brands by kind and district."""

import streamlit as st

from qcity import i18n
from qcity.analysis import narrative
from qcity.documents import charts, downloads
from qcity.web import cache, controls, tables, ui

f = controls.current()
T = i18n.translator(f.lang)
note = downloads.source_note(cache.current().city(), f.lang)

by_year = ui.area_overview("standards", f)
if by_year is None:
    st.stop()

choice = ui.indicator_picker("standards", f, key="standards_indicator")
ui.indicator_section(choice, by_year, f, note, key="standards")

st.subheader(T("standards.by_level"), help=ui.indicator_help("standards_led", f))
role = st.radio(
    T("col.role"),
    ["lead", "participate"],
    horizontal=True,
    key="standards_role",
    format_func=lambda r: i18n.label("role", r, f.lang),
)
levels = cache.run("standards_by_level_year", **f.yearly_params)
chosen = levels[levels.role == role]
if chosen.empty:
    st.info(T("empty"))
else:
    st.markdown(cache.shared(narrative.composition, chosen, "year", "standards", "standard_level", f.lang))
    ui.chart(
        cache.shared(
            charts.stacked_bars, chosen, "year", "standards", "standard_level", f.lang, note, T("col.standards")
        ),
        "standards_levels",
    )

left, right = st.columns(2)
with left:
    st.subheader(T("standards.leaders"))
    leaders = cache.run("standards_leaders", **f.yearly_params)
    if leaders.empty:
        st.info(T("empty"))
    else:
        tables.table(i18n.localize(leaders, f.lang), f, note, "standards-leaders", "standards_leaders")
with right:
    st.subheader(T("standards.by_sector"))
    sectors = cache.run("standards_by_sector", **f.yearly_params)
    if sectors.empty:
        st.info(T("empty"))
    else:
        st.markdown(
            cache.shared(
                narrative.composition,
                sectors,
                "sector_code",
                "standards",
                "standard_level",
                f.lang,
                i18n.name_column(f.lang),
            )
        )
        ui.chart(
            cache.shared(
                charts.stacked_bars,
                sectors,
                "sector_code",
                "standards",
                "standard_level",
                f.lang,
                note,
                T("col.standards"),
                x_labels=i18n.name_column(f.lang),
                horizontal=True,
            ),
            "standards_sectors",
            select="sectors",
        )
        st.caption(T("sectors.click"))

st.subheader(T("brands.by_district"), help=ui.indicator_help("brands", f))
brands = cache.run("brands_by_kind_district", **f.yearly_params)
if brands.empty:
    st.info(T("empty"))
else:
    st.markdown(
        cache.shared(
            narrative.composition, brands, "district_code", "brands", "brand_kind", f.lang, i18n.name_column(f.lang)
        )
    )
    ui.chart(
        cache.shared(
            charts.stacked_bars,
            brands,
            "district_code",
            "brands",
            "brand_kind",
            f.lang,
            note,
            T("col.brands"),
            x_labels=i18n.name_column(f.lang),
            horizontal=True,
        ),
        "brands_districts",
        select="districts",
    )

st.subheader(T("spot.table"))
tables.rows_table(levels, f, note, "standards", key="standards_rows")
