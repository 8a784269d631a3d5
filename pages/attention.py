"""Attention (early warning): what needs looking at in the period, most serious first, each with why, the numbers
and a link to the filtered view, and the worklist as Excel; a control chart of the city, a domain, a sector or a
district with its signals explained; the failed batches of the enterprises to watch."""

import streamlit as st

from qcity import i18n
from qcity.analysis import attention, narrative
from qcity.documents import charts, downloads
from qcity.web import cache, controls, guide, signals, tables, ui

f = controls.current()
T = i18n.translator(f.lang)
city = cache.current().city()
note = downloads.source_note(city, f.lang)

st.title(T("attention.title"), help=guide.page("attention", f.lang))
report = signals.attention_report(f, city)
if report is None:
    st.stop()
settings = report.settings
baseline = attention.baseline_text(report.charts.baseline_with_data(("city", "")), settings, f.lang)
districts, sectors = controls.load_options()[1:]
scope = T("scope.all") if f.all_districts else i18n.tn("scope.some", len(f.districts), f.lang, n=len(f.districts))
st.caption(T("attention.caption", period=f.at().label(f.lang), scope=scope, baseline=baseline))
st.markdown(narrative.attention(report.signals, f.at(), f.lang))

st.subheader(T("attention.list"))
signals.signal_list(report, f, note)

st.subheader(T("attention.chart"))
series = list(report.charts.keys)
flagged = [(row.series, row.code) for row in report.chart_hits.itertuples()]
# keyed by the selection: a new one starts from its most serious series, as a link to it opens in a fresh browser
choice = st.selectbox(
    T("attention.series"),
    series,
    index=series.index(flagged[0]) if flagged else 0,
    key=f"attention_series_{f.year_to}_{f.month_from}_{f.month_to}_{hash((f.districts, f.sectors))}",
    format_func=lambda key: T(
        "attention.series_kind",
        kind=T(f"series.{key[0]}"),
        name=attention.series_name(*key, districts, sectors, f.lang),
    ),
)
ui.chart(
    cache.shared(charts.control_chart, report.charts.frame(choice), f.lang, note, settings.min_month_samples),
    "attention_chart",
)
name = attention.series_name(*choice, districts, sectors, f.lang)
whys = report.signals[(report.signals.kind == "chart") & (report.signals.subject == name)].why
filled = report.charts.baseline_with_data(choice)
if len(filled) < settings.min_baseline_months:
    months = {"n": len(filled), "of": settings.baseline_months, "min": settings.min_baseline_months}
    st.info(T("attention.thin_baseline", **months) if filled else T("attention.no_baseline", **months))
else:
    st.markdown("\n".join(f"- {why}" for why in whys) if len(whys) else T("attention.chart_none"))
st.caption(
    T(
        "attention.chart_note",
        baseline=attention.baseline_text(filled, settings, f.lang),
        sigma=f"{settings.sigma:g}",
        laney=T("attention.laney") if settings.limits == "laney" else "",
        n=settings.min_month_samples,
        run=settings.run_length,
        trend=settings.trend_length,
    )
)

if not report.batches.empty:
    st.subheader(T("attention.firms"))
    tables.long_table(report.batches, f, note, "enterprises-to-watch", "attention_firms")

st.caption(
    T(
        "attention.method",
        cells=len(report.cells),
        fdr=f"{100 * settings.fdr:g}",
        drop=f"{settings.min_drop:g}",
        items=len(report.items),
        months=settings.repeat_months,
        repeat=settings.repeat_failures,
        days=settings.visit_days,
    )
)
