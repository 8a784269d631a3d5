"""Global filters (years, districts, sectors, language): sidebar widgets mirrored in the URL both ways.

URL parameters are short because people paste links into messages:
`?from=2020&to=2025&district=430104,430105&sector=food-catering&lang=en`. A value that does not fit the data
(unknown code, year out of range, SQL fragment, control characters) is dropped with a visible notice; it never
reaches SQL as text, since queries only ever receive codes checked against the dimension tables.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date

import streamlit as st

from qcity import app, db, i18n

# Pages' own parameters: the profile's enterprise; the Present page's storyline, slide and auto-advance seconds.
PAGE_KEYS = ("enterprise", "storyline", "slide", "auto")
URL_KEYS = ("from", "to", "district", "sector", "lang", *PAGE_KEYS)
IGNORED_KEYS = ("embed", "embed_options")  # Streamlit's own
MAX_SHOWN = 40  # characters of a rejected value echoed back in a notice
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class Options:
    """What the data allows: year bounds and the known codes."""

    first_year: int
    last_year: int
    districts: tuple[str, ...]
    sectors: tuple[str, ...]


@dataclass(frozen=True)
class Selection:
    """What the user chose; an empty tuple means all."""

    year_from: int
    year_to: int
    districts: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()
    lang: str = i18n.DEFAULT_LANG


@dataclass(frozen=True)
class Notice:
    """A URL value that was dropped, and why (an i18n key with its values)."""

    key: str
    value: str
    reason: str
    values: dict = field(default_factory=dict)

    def text(self, lang: str) -> str:
        reason = i18n.t(self.reason, lang, **self.values)
        return i18n.t("url.notice", lang, key=self.key, value=self.value, reason=reason)


@dataclass(frozen=True)
class Filters:
    """The filters a page queries with. Districts and sectors are code tuples; an empty one means all."""

    year_from: int
    year_to: int
    districts: tuple[str, ...]
    sectors: tuple[str, ...]
    lang: str
    min_samples: int

    @property
    def all_districts(self) -> bool:
        return not self.districts

    @property
    def all_sectors(self) -> bool:
        return not self.sectors

    @property
    def params(self) -> dict:
        """Bound parameters for queries that take the sidebar filters."""
        return {"year_from": self.year_from, "year_to": self.year_to,
                "districts": self.districts, "sectors": self.sectors}


def _shown(value: str) -> str:
    """A rejected value made safe to echo: no control characters or backticks (it is shown as code), bounded length."""
    clean = CONTROL.sub("", value).replace("`", "'")
    return clean if len(clean) <= MAX_SHOWN else clean[:MAX_SHOWN] + "…"


def _items(values: list[str]) -> list[str]:
    """Comma-separated and repeated values as one list."""
    return [part.strip() for value in values for part in str(value).split(",") if part.strip()]


def parse(query: Mapping[str, list[str]], options: Options) -> tuple[Selection, list[Notice]]:
    """A URL's query parameters as a Selection, with a Notice for every value that was dropped."""
    notices: list[Notice] = []
    years = {"from": options.first_year, "to": options.last_year}
    for key in years:
        for value in _items(query.get(key, []))[-1:]:
            if value.isascii() and value.isdigit() and options.first_year <= int(value) <= options.last_year:
                years[key] = int(value)
            else:
                notices.append(Notice(key, _shown(value), "url.bad_year",
                                      {"first": options.first_year, "last": options.last_year}))
    if years["from"] > years["to"]:
        notices.append(Notice("from", f"{years['from']}>{years['to']}", "url.reversed"))
        years = {"from": years["to"], "to": years["from"]}

    def codes(key: str, known: tuple[str, ...], reason: str) -> tuple[str, ...]:
        kept = []
        for value in _items(query.get(key, [])):
            if value not in known:
                notices.append(Notice(key, _shown(value), reason))
            elif value not in kept:
                kept.append(value)
        return tuple(kept)

    districts = codes("district", options.districts, "url.unknown_district")
    sectors = codes("sector", options.sectors, "url.unknown_sector")
    lang = i18n.DEFAULT_LANG
    for value in _items(query.get("lang", []))[-1:]:
        if value in i18n.LANGS:
            lang = value
        else:
            notices.append(Notice("lang", _shown(value), "url.bad_lang"))
    for key in query:
        if key not in URL_KEYS and key not in IGNORED_KEYS:
            notices.append(Notice(_shown(key), _shown(",".join(query[key])), "url.unknown_key"))
    return Selection(years["from"], years["to"], districts, sectors, lang), notices


def to_query(selection: Selection) -> dict[str, str]:
    """The URL parameters for a selection; districts and sectors only when narrowed."""
    query = {"from": str(selection.year_from), "to": str(selection.year_to)}
    if selection.districts:
        query["district"] = ",".join(selection.districts)
    if selection.sectors:
        query["sector"] = ",".join(selection.sectors)
    query["lang"] = selection.lang
    return query


def load_options(run=None) -> tuple[Options, dict, dict]:
    """Year bounds and codes from the data, plus the district and sector dimension frames by code. `run` runs a
    named query: the app's cached db.run unless a command passes its Database's query."""
    run = run or db.run
    years = run("data_years").iloc[0]
    districts = run("districts").set_index("district_code")
    sectors = run("sectors").set_index("sector_code")
    if years.notna().all():
        first, last = int(years.first_year), int(years.last_year)
    else:  # no observations yet: pages show their empty state
        first = last = date.today().year
    return Options(first, last, tuple(districts.index), tuple(sectors.index)), districts, sectors


def _init_from_url(options: Options) -> None:
    """On a session's first run, take the selection from the URL."""
    query = {key: st.query_params.get_all(key) for key in st.query_params}
    selection, notices = parse(query, options)
    st.session_state.update({"selection": selection, "url_notices": notices})


def _remember(widget: str) -> None:
    """Widget callback (runs before the script): write the widget's new value into the selection."""
    value = st.session_state[widget]
    if widget == "years":
        change = {"year_from": value[0], "year_to": value[1]}
    else:
        change = {widget: tuple(value) if isinstance(value, list) else value}
    st.session_state["selection"] = replace(st.session_state["selection"], **change)


def _show(selection: Selection, options: Options) -> None:
    """Put the selection into the widgets before they render.

    The selection, not the widgets, is what persists: Streamlit drops widget values on a page switch, and keeps a
    multiselect's value by its label, which changes with the language.
    """
    if not (options.first_year <= selection.year_from <= selection.year_to <= options.last_year):
        selection = replace(selection, year_from=options.first_year, year_to=options.last_year)  # data changed
    st.session_state.update({"selection": selection, "lang": selection.lang,
                             "years": (selection.year_from, selection.year_to),
                             "districts": list(selection.districts), "sectors": list(selection.sectors)})


def without_sectors(f: Filters) -> Filters:
    """The filters for data that have no sector (patents): the same years, districts and language, all sectors."""
    return replace(f, sectors=())


def narrow(selection: Selection, dimension: str, codes: list, known: tuple[str, ...]) -> Selection:
    """The selection narrowed to the chosen codes of a dimension ("districts" or "sectors").

    Codes come from a browser (a chart's selection event), so only known codes are kept; with none left, the
    selection stays as it was.
    """
    kept = tuple(dict.fromkeys(c for c in codes if isinstance(c, str) and c in known))
    return replace(selection, **{dimension: kept}) if kept else selection


def select_from_chart(chart_key: str, dimension: str) -> None:
    """Chart callback: points picked on a chart (each carrying its code as first customdata) narrow the filters."""
    points = st.session_state[chart_key]["selection"]["points"]
    codes = [p["customdata"][0] if isinstance(p.get("customdata"), list) and p["customdata"] else None
             for p in points]
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
        lang = st.radio(i18n.t("app.language", "zh"), i18n.LANGS, horizontal=True, key="lang",
                        on_change=_remember, args=("lang",),
                        format_func=i18n.LANGUAGE_NAMES.get)
        T = i18n.translator(lang)
        st.header(T("filters.title"))
        if options.first_year < options.last_year:
            st.slider(T("filters.years"), options.first_year, options.last_year, key="years",
                      on_change=_remember, args=("years",))
        else:
            st.caption(f"{T('filters.years')}: {options.first_year}")
        names = i18n.name_column(lang)
        st.multiselect(
            T("filters.districts"), options.districts, key="districts", placeholder=T("filters.all_districts"),
            on_change=_remember, args=("districts",), format_func=lambda code: districts.at[code, names])
        st.multiselect(
            T("filters.sectors"), options.sectors, key="sectors", placeholder=T("filters.all_sectors"),
            on_change=_remember, args=("sectors",),
            format_func=lambda code: f"{i18n.label('domain', sectors.at[code, 'domain'], lang)} › "
                                     f"{sectors.at[code, names]}")
        st.caption(T("filters.link_hint"))
    selection = st.session_state["selection"]
    query = to_query(selection)
    query.update({key: value for key in PAGE_KEYS if (value := page_param(key))})
    st.query_params.from_dict(query)
    chosen = Filters(selection.year_from, selection.year_to, selection.districts, selection.sectors, selection.lang,
                     min_samples)
    st.session_state["filters"] = chosen
    return chosen


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
