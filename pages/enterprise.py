"""Enterprise profile: find an enterprise by name or id and see its spot-check history, standards, brands, award
record, enforcement cases and diagnosis visits on one page. The chosen enterprise is in the URL (`enterprise=`)."""

import streamlit as st

from qcity import i18n
from qcity.documents import charts, downloads
from qcity.web import cache, controls, guide, tables, ui

f = controls.current()
T = i18n.translator(f.lang)
note = downloads.source_note(cache.current().city(), f.lang)

st.title(T("page.enterprise"), help=guide.page("enterprise", f.lang))
text = st.text_input(
    T("enterprise.search"),
    key="enterprise_search",
    max_chars=60,
    value=controls.page_param("enterprise"),
    placeholder=T("enterprise.placeholder"),
)
if not text.strip():
    st.info(T("enterprise.hint"))
    st.stop()
found = cache.run("enterprise_search", text=text)
if found.empty:
    st.info(T("enterprise.none", text=text.strip()))
    st.stop()
labels = dict(zip(found.enterprise_id, found.enterprise + " (" + found.enterprise_id + ")"))
chosen = st.selectbox(
    i18n.tn("enterprise.choose", len(found), f.lang, n=len(found)),
    list(labels),
    key="enterprise_choice",
    format_func=labels.get,
)
controls.keep_in_url("enterprise", chosen)

firm = found.set_index("enterprise_id").loc[chosen]
names = i18n.name_column(f.lang).removeprefix("name")
size = i18n.label("size", firm["size"], f.lang) if isinstance(firm["size"], str) else "—"
st.subheader(firm.enterprise)
st.caption(f"{chosen} · {firm['district' + names]} · {firm['sector' + names]} · {size}")

st.subheader(T("enterprise.inspections"))
history = cache.run("enterprise_inspections", enterprise_id=chosen)
if history.empty:
    st.info(T("enterprise.no_records"))
else:
    ui.chart(
        cache.shared(
            charts.bars_by_year,
            history,
            "samples",
            f.lang,
            note,
            T("col.samples"),
            line="pass_rate",
            line_title=T("col.pass_rate"),
        ),
        "enterprise_history",
    )
    history["failed_items"] = history.failed_items.map(
        lambda items: "、".join(i18n.label("failed_item", i, f.lang) for i in items)
    )
    history["items_as_written"] = history.items_as_written.map("；".join)
    tables.grid(i18n.localize(history.round({"pass_rate": 2}), f.lang), key="enterprise_rows")
    failed_items = cache.run("enterprise_failed_items", enterprise_id=chosen)
    if not failed_items.empty:  # only files with a row per test item give results and limits
        st.markdown(f"**{T('enterprise.failed_items')}**")
        tables.grid(i18n.localize(failed_items.round({"times_over": 2}), f.lang), key="enterprise_failed_items")

for query, title in (
    ("enterprise_standards", "enterprise.standards"),
    ("enterprise_brands", "enterprise.brands"),
    ("enterprise_awards", "enterprise.awards"),
    ("enterprise_cases", "enterprise.cases"),
    ("enterprise_diagnosis", "enterprise.diagnosis"),
):
    st.subheader(T(title))
    records = cache.run(query, enterprise_id=chosen)
    if records.empty:
        st.caption(T("enterprise.no_records"))
    else:
        tables.grid(i18n.localize(records, f.lang), key=f"{query}_rows")
