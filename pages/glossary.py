"""Indicator glossary: every indicator's definition, unit, direction, source table and the years its data cover.
Charts and cards link here (`glossary#<indicator id>`)."""

import streamlit as st

from qcity import i18n
from qcity.analysis import indicators
from qcity.store import schema
from qcity.web import admin, cache, controls, guide

f = controls.current()
T = i18n.translator(f.lang)
database = cache.current()
city = database.city()

st.title(T("page.glossary"), help=guide.page("glossary", f.lang))
coverage = cache.run("indicator_coverage").set_index("indicator")
st.caption(T("glossary.as_of", date=city.get("as_of", "—")))
st.caption(T("glossary.docs", link=guide.link("user-guide/indicators.html", f.lang)))
for area in (*indicators.AREAS, "index"):
    st.header(T(f"area.{area}"), anchor=f"area-{area}")
    chosen = (
        [indicators.QUALITY_INDEX] if area == "index" else [indicators.INDICATORS[i] for i in indicators.in_area(area)]
    )
    for ind in chosen:
        st.subheader(T(f"ind.{ind.id}"), anchor=ind.id)
        direction = {True: "direction.up", False: "direction.down", None: "direction.none"}[ind.higher_is_better]
        years = (
            i18n.tn(
                "glossary.years",
                coverage.at[ind.id, "districts"],
                f.lang,
                first=coverage.at[ind.id, "first_year"],
                last=coverage.at[ind.id, "last_year"],
                n=coverage.at[ind.id, "districts"],
            )
            if ind.id in coverage.index
            else T("glossary.no_data")
        )
        updated = admin.table_modified(database.path, ind.source) if ind.source in schema.TABLES else None
        st.markdown(
            f"{T(f'ind.{ind.id}.def')}\n\n"
            f"- {T('col.unit')}: {T(f'unit.{ind.unit}')}\n- {T('col.direction')}: {T(direction)}\n"
            f"- {T('col.source')}: `{ind.source}` ({T('col.modified')} {updated or '—'})\n"
            f"- {T('glossary.coverage')}: {years}"
            f"\n- {guide.indicator(ind.id, f.lang)}"
        )
