"""The early warnings on a page: the report for the filters (shared by every session), the Overview's line and the
Attention page's ranked list with its worklist downloads."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from qcity import i18n
from qcity.analysis import attention, filters, indicators
from qcity.analysis.filters import Filters
from qcity.web import cache
from qcity.web.tables import SHOWN_ROWS, grid, shown_of, table_downloads


def attention_report(f: Filters, city: dict, quiet: bool = False) -> attention.Report | None:
    """The early-warning report for the filters, computed once per selection and data version for every session
    (the same for any first year: it judges the last); None, after saying why (unless `quiet`), when city.json's
    thresholds cannot be used."""
    try:
        settings = attention.Settings.of(city)
    except indicators.ConfigError as error:
        if not quiet:
            st.error(i18n.t("attention.bad_config", f.lang, error=str(error)))
        return None
    # the same for any first year of the range (links: attention.link)
    return cache.shared(attention.report, replace(f, year_from=f.year_to), settings, cache.runner())


def attention_summary(f: Filters, city: dict) -> None:
    """The Overview's line: how many signals are open, linking to the Attention page, and the most serious one."""
    report = attention_report(f, city, quiet=True)
    if report is None:
        return
    T = i18n.translator(f.lang)
    label = (
        i18n.tn("attention.overview", report.count, f.lang, n=report.count)
        if report.count
        else T("attention.overview_none")
    )
    st.page_link("pages/attention.py", label=label, icon=":material/notifications:", query_params=filters.to_query(f))
    if report.count:
        top = report.signals.iloc[0]
        st.caption(T("attention.top", subject=top.subject, why=top.why))


def signal_list(report: attention.Report, f: Filters, note: str) -> None:
    """The ranked signals, narrowed by kind, the first SHOWN_ROWS on screen with a link to each one's view; the
    CSV and Excel files hold every chosen signal: the inspectors' worklist (without the links, which only work
    inside the app)."""
    T = i18n.translator(f.lang)
    signals = report.signals
    counts = signals.kind.value_counts()
    kinds = [k for k in attention.KINDS if k in counts]
    chosen = st.pills(
        T("col.signal"),
        kinds,
        selection_mode="multi",
        default=kinds,
        key="attention_kinds",
        format_func=lambda k: f"{T(f'signal.{k}')} {counts[k]}",
    )
    picked = signals.kind.isin(chosen).to_numpy()
    worklist = report.worklist[picked]
    views = [attention.link(signal, f) for signal in signals[picked].head(SHOWN_ROWS).itertuples()]
    shown = worklist.head(SHOWN_ROWS).assign(**{T("col.link"): views})
    grid(
        shown,
        key="attention_list",
        column_config={
            T("col.link"): st.column_config.LinkColumn(display_text=T("attention.open")),
            T("col.why"): st.column_config.TextColumn(width="large"),
            T("col.q"): st.column_config.NumberColumn(format="%.2g"),
        },
    )
    st.caption(T("attention.list_note") + shown_of(len(shown), len(worklist), f.lang))
    table_downloads(worklist, f, note, "attention", "attention_list")
