"""The sidebar's filter widgets, mirrored in the URL both ways, and the filters of the current run.

The values they set (and how a link is parsed) are qcity.analysis.filters.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import streamlit as st

from qcity import i18n
from qcity.analysis import filters
from qcity.analysis.filters import (
    CONTROL,
    PAGE_KEYS,
    PERIODS,
    Filters,
    Options,
    Selection,
    fit,
    narrow,
    parse,
    switch,
    to_query,
)
from qcity.store import db
from qcity.web import app, cache


def load_options() -> tuple[Options, pd.DataFrame, pd.DataFrame]:
    """filters.load_options for the current data: read once per data version and shared by every session (the
    frames are shared: read them, never change them)."""
    return _load_options(str(db.data_dir()), cache.current_version())


@st.cache_resource(max_entries=4, show_spinner=False)
def _load_options(path: str, version: str) -> tuple[Options, pd.DataFrame, pd.DataFrame]:
    return filters.load_options(cache.run, cache.current().city())


def _init_from_url(options: Options) -> None:
    """On a session's first run, take the selection from the URL."""
    query = {key: st.query_params.get_all(key) for key in st.query_params}
    selection, notices = parse(query, options)
    st.session_state.update({"selection": selection, "url_notices": notices})


def _remember(widget: str) -> None:
    """Widget callback (runs before the script): write the widget's new value into the selection."""
    value = st.session_state[widget]
    selection = st.session_state["selection"]
    options = load_options()[0]
    if widget == "period":
        selection = switch(selection, value, options)
    elif widget == "years":
        selection = replace(selection, year_from=value[0], year_to=value[1])
    elif widget == "through":
        selection = replace(selection, month_to=value)
    elif widget == "quarter":
        selection = replace(selection, month_from=3 * value - 2, month_to=3 * value)
    else:
        selection = replace(selection, **{widget: tuple(value) if isinstance(value, list) else value})
    st.session_state["selection"] = fit(selection, options)


def _show(selection: Selection, options: Options) -> None:
    """Put the selection into the widgets before they render.

    The selection, not the widgets, is what persists: Streamlit drops widget values on a page switch, and keeps a
    multiselect's value by its label, which changes with the language.
    """
    selection = fit(selection, options)  # the data may have changed since the selection was made
    st.session_state.update(
        {
            "selection": selection,
            "lang": selection.lang,
            "period": selection.period,
            "years": (selection.year_from, selection.year_to),
            "through": selection.month_to,
            "quarter": selection.month_to // 3,
            "districts": list(selection.districts),
            "sectors": list(selection.sectors),
        }
    )


def select_from_chart(chart_key: str, dimension: str) -> None:
    """Chart callback: points picked on a chart (each carrying its code as first customdata) narrow the filters."""
    points = st.session_state[chart_key]["selection"]["points"]
    codes = [p["customdata"][0] if isinstance(p.get("customdata"), list) and p["customdata"] else None for p in points]
    options = load_options()[0]
    known = options.districts if dimension == "districts" else options.sectors
    st.session_state["selection"] = narrow(st.session_state["selection"], dimension, codes, known)


def sidebar(min_samples: int) -> Filters:
    """Render the filter widgets, keep the URL in step with them, and return the filters."""
    options, districts, sectors = load_options()
    if "selection" not in st.session_state:
        _init_from_url(options)
    _show(st.session_state["selection"], options)
    with st.sidebar:
        lang = st.radio(
            i18n.t("app.language", "zh"),
            i18n.LANGS,
            horizontal=True,
            key="lang",
            on_change=_remember,
            args=("lang",),
            format_func=i18n.LANGUAGE_NAMES.get,
        )
        T = i18n.translator(lang)
        st.header(T("filters.title"))
        _period_widgets(st.session_state["selection"], options, T)
        names = i18n.name_column(lang)
        st.multiselect(
            T("filters.districts"),
            options.districts,
            key="districts",
            placeholder=T("filters.all_districts"),
            on_change=_remember,
            args=("districts",),
            format_func=lambda code: districts.at[code, names],
        )
        st.multiselect(
            T("filters.sectors"),
            options.sectors,
            key="sectors",
            placeholder=T("filters.all_sectors"),
            on_change=_remember,
            args=("sectors",),
            format_func=lambda code: (
                f"{i18n.label('domain', sectors.at[code, 'domain'], lang)} › {sectors.at[code, names]}"
            ),
        )
        st.caption(T("filters.link_hint"))
    selection = st.session_state["selection"]
    query = to_query(selection)
    query.update({key: value for key in PAGE_KEYS if (value := page_param(key))})
    st.query_params.from_dict(query)
    chosen = Filters.of(selection, min_samples)
    st.session_state["filters"] = chosen
    return chosen


def _period_widgets(selection: Selection, options: Options, T) -> None:
    """The period: its kind, the years, and the last month (year to date) or the quarter, within the data."""
    st.radio(
        T("filters.period"),
        PERIODS,
        horizontal=True,
        key="period",
        on_change=_remember,
        args=("period",),
        format_func=lambda kind: T(f"filters.period.{kind}"),
    )
    last_year, last_month = options.through
    top = options.last_full_year if selection.period == "year" else last_year
    if options.first_year < top:
        st.slider(T("filters.years"), options.first_year, top, key="years", on_change=_remember, args=("years",))
    else:
        st.caption(f"{T('filters.years')}: {top}")
    months = last_month if selection.year_to == last_year else 12
    if selection.period == "ytd" and months > 1:
        st.select_slider(
            T("filters.through"),
            list(range(1, months + 1)),
            key="through",
            on_change=_remember,
            args=("through",),
            format_func=lambda m: f"{selection.year_to}-{m:02d}",
        )
    elif selection.period == "q":
        st.radio(
            T("filters.quarter"),
            list(range(1, months // 3 + 1)),
            horizontal=True,
            key="quarter",
            on_change=_remember,
            args=("quarter",),
            format_func=lambda q: f"Q{q}",
        )
    if options.as_of is not None:
        st.caption(T("filters.as_of", date=options.as_of.isoformat()))


def page_param(key: str) -> str:
    """A page's own URL parameter (PAGE_KEYS), cleaned of control characters and cut to 60 characters. The page
    checks it further; the enterprise search text only ever reaches SQL as a bound parameter."""
    return CONTROL.sub("", st.query_params.get(key, "")).strip()[:60]


def keep_in_url(key: str, value: str) -> None:
    """Put a page's own parameter into the URL (e.g. the chosen enterprise), so that a link opens the same view."""
    st.query_params[key] = value


def current() -> Filters:
    """The filters set by the sidebar in this run (the entry script renders it before every page)."""
    if app.legacy_mode() or "filters" not in st.session_state:
        app.recover_from_legacy_mode()
    return st.session_state["filters"]
