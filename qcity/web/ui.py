"""Streamlit pieces shared by pages: the demo banner, KPI cards, source notes and table downloads."""

from __future__ import annotations

import hashlib
import io
import pickle
import secrets
import shutil
import tempfile
import threading
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from functools import partial
from pathlib import Path
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from qcity import i18n
from qcity.analysis import attention, filters, indicators, narrative
from qcity.analysis.filters import Filters
from qcity.analysis.indicators import INDICATORS, Kpi
from qcity.documents import charts, downloads, images, story
from qcity.intake import ingest, readers
from qcity.progress import Progress
from qcity.store import schema
from qcity.web import cache, controls, guide

SHOWN_SIGNALS = 200  # rows of a long table on screen (the Attention list); the downloads hold them all
# Files built when their download button is clicked (a deck, a report, a bulletin) run in Streamlit's download
# thread, where no st.* call shows; they report here, per session, and build_progress shows it: (stage, done,
# total) while building, None once done.
_BUILDS: dict[str, tuple[str, int, int] | None] = {}
_BUILDS_LOCK = threading.Lock()


def banner(city: dict, lang: str) -> None:
    """A visible label on every page whenever the loaded data is the synthetic demo."""
    if city.get("synthetic"):
        st.warning(i18n.t("app.synthetic_banner", lang, city=city[i18n.name_column(lang)]), icon=":material/science:")


def period_caption(f: Filters, yearly_only: bool = False) -> None:
    """What the cards below show: the period, what it is compared with, the scope; in part of a year, which year
    the indicators kept by year show (all of them, on a page of yearly tables only)."""
    T = i18n.translator(f.lang)
    scope = T("scope.all") if f.all_districts else i18n.tn("scope.some", len(f.districts), f.lang, n=len(f.districts))
    if f.partial and yearly_only:
        st.caption(T("overview.caption", year=f.yearly.label(f.lang, yearly=True), scope=scope))
    elif f.partial:
        st.caption(T("overview.caption_partial", year=f.at().label(f.lang), scope=scope, yearly=f.yearly.label(f.lang)))
    else:
        st.caption(T("overview.caption", year=f.at().label(f.lang), scope=scope))


def kpi_cards(cards: list[Kpi], f: Filters, per_row: int = 3) -> None:
    """A card per indicator: value, its period, change on the same months of last year (green when it moves the
    right way), target, base; the card's help is the indicator's definition with a link to the glossary."""
    T = i18n.translator(f.lang)
    lang = f.lang
    for start in range(0, len(cards), per_row):
        for column, card in zip(st.columns(per_row), cards[start : start + per_row]):
            ind = card.indicator
            with column.container(border=True):
                if card.value is None:
                    st.metric(T(f"ind.{ind.id}.short"), T("kpi.no_data"), help=indicator_help(ind.id, f))
                    continue
                national = (
                    None
                    if card.national is None
                    else T("kpi.national", value=i18n.fmt_value(card.national, ind.unit, lang, ind.digits + 1))
                )
                cited = f"\n\n{national} ({T('story.source')}{card.national_source})" if national else ""
                st.metric(
                    T(f"ind.{ind.id}.short"),
                    i18n.fmt_value(card.value, ind.unit, lang, ind.digits),
                    help=indicator_help(ind.id, f) + cited,
                    delta=i18n.fmt_change(card.change, ind.unit, lang, ind.digits) if card.change is not None else None,
                    delta_color="off" if card.improved is None else "normal" if ind.higher_is_better else "inverse",
                    delta_arrow="off" if card.improved is None else "auto",
                    delta_description=card.period.versus(lang),
                )
                parts = [card.period.label(lang, ind.yearly)]
                if ind.directional:
                    if card.target is None:
                        parts.append(T("kpi.no_target"))
                    else:
                        verdict = {
                            "met": T("kpi.met"),
                            "missed": T("kpi.missed") if ind.higher_is_better else T("kpi.missed_ceiling"),
                        }
                        colour = "green" if card.status == "met" else "red"
                        target = i18n.fmt_value(card.target, ind.unit, lang, ind.digits)
                        parts.append(f"{T('kpi.target', target=target)} · :{colour}[{verdict[card.status]}]")
                if national:
                    parts.append(national)
                if ind.base and card.base is not None:
                    parts.append(T("kpi.base", base_label=T(f"base.{ind.base}"), n=i18n.fmt_count(card.base, lang)))
                st.markdown(" · ".join(parts) or "&nbsp;")


def with_data(ids: list[str]) -> list[str]:
    """The indicators among `ids` with data in some year (a city need not hold every table): cards, the scorecard
    and the indicator pickers leave the others out, and `no_data_note` names them once."""
    present = set(cache.run("indicator_coverage").indicator)
    return [i for i in ids if i in present]


def no_data_note(ids: list[str], f: Filters) -> None:
    """One caption naming the indicators among `ids` without data in any year, when there are any."""
    if absent := [i for i in ids if i not in with_data(ids)]:
        names = [i18n.t(f"ind.{i}", f.lang) for i in absent]
        st.caption(i18n.t("kpi.none_for", f.lang, names=i18n.join_names(names, f.lang)))


def area_overview(area: str, f: Filters) -> pd.DataFrame | None:
    """An area page's top: title, year and scope, and a KPI card per indicator of the area.

    Returns the indicator_by_year rows, or None after saying so when the filters leave the area without data.
    """
    T = i18n.translator(f.lang)
    st.title(T(f"area.{area}"), help=guide.area(area, f.lang))
    by_year = cache.run("indicator_by_year", **f.params)
    ids = indicators.in_area(area)
    if not by_year.indicator.isin(ids).any():
        st.info(T("empty"))
        return None
    period_caption(f, yearly_only=all(INDICATORS[i].yearly for i in ids))
    shown = with_data(ids)
    kpi_cards(shared(indicators.kpis, by_year, f, shown), f, per_row=4 if len(shown) > 3 else 3)
    no_data_note(ids, f)
    return by_year


def indicator_picker(area: str, f: Filters, key: str) -> str:
    """Which of an area's indicators the page's trend and district charts show."""
    return st.selectbox(
        i18n.t("overview.indicator", f.lang),
        with_data(indicators.in_area(area)),
        key=key,
        format_func=lambda i: i18n.t(f"ind.{i}", f.lang),
    )


def indicator_help(indicator_id: str, f: Filters) -> str:
    """Tooltip text for anything showing an indicator: definition, unit, direction, source, glossary and docs links.

    The link keeps the current filters, so following it does not lose the view.
    """
    T = i18n.translator(f.lang)
    ind = INDICATORS.get(indicator_id, indicators.QUALITY_INDEX)
    direction = {True: "direction.up", False: "direction.down", None: "direction.none"}[ind.higher_is_better]
    link = f"glossary?{urlencode(filters.to_query(f))}#{indicator_id}"
    return (
        f"**{T(f'ind.{indicator_id}')}**: {T(f'ind.{indicator_id}.def')}\n\n"
        f"{T(f'unit.{ind.unit}')} · {T(direction)} · {T('glossary.source')} `{ind.source}` · "
        f"[{T('glossary.link')}]({link}) · {guide.indicator(indicator_id, f.lang)}"
    )


def shared(function, *args, **kwargs):
    """`function(*args, **kwargs)` computed once per distinct arguments and the same object handed to every session
    after that, so that a link many people open costs one figure, not one each. For pure functions of their
    arguments only (charts, KPI cards, takeaways); what it returns is shared and must never be changed in place
    (st.plotly_chart and charts.for_export copy a figure)."""
    key = io.BytesIO()
    _ArgumentPickler(key, 5).dump((function.__module__, function.__qualname__, args, kwargs))
    return _shared(hashlib.sha1(key.getbuffer()).hexdigest(), function, args, kwargs)


class _ArgumentPickler(pickle.Pickler):
    """Arguments told apart by value: pickled, with a frame reduced to its columns, types, index and values (its
    own pickle also carries its memory layout, which differs between a frame fresh from DuckDB and the same frame
    from Streamlit's cache). 0.1-1 ms for a page's frames or the map's boundaries, where Streamlit's own hashing
    took 6-25 ms."""

    def reducer_override(self, obj):
        if isinstance(obj, pd.DataFrame):
            return tuple, (
                (
                    "frame",
                    obj.columns.tolist(),
                    obj.dtypes.astype(str).tolist(),
                    obj.index.tolist(),
                    obj.to_numpy(object).tolist(),
                ),
            )
        if isinstance(obj, pd.Series):
            return tuple, (("series", obj.name, str(obj.dtype), obj.index.tolist(), obj.to_numpy(object).tolist()),)
        return NotImplemented


@st.cache_resource(max_entries=500, show_spinner=False)  # the largest, a map figure: 0.09 MB
def _shared(key: str, _function, _args: tuple, _kwargs: dict):
    return _function(*_args, **_kwargs)


def chart(fig, key: str, select: str | None = None) -> None:
    """Show a figure, with PNG and SVG downloads; with `select` ("districts" or "sectors"), clicking a bar or point
    narrows the filters to it."""
    if select:
        st.plotly_chart(
            fig, key=key, on_select=partial(controls.select_from_chart, key, select), selection_mode="points"
        )
    else:
        st.plotly_chart(fig, key=key)
    image_downloads(fig, key)


def chart_image(fig, fmt: str) -> bytes:
    """A chart as a PNG or SVG file at its on-screen height (PNG at twice the pixels)."""
    return images.render(charts.for_export(fig), fmt, size=(1200, int(fig.layout.height or 450)))


def image_downloads(fig, key: str) -> None:
    """PNG and SVG buttons for a chart. The image is drawn when clicked, in Streamlit's download thread, not in
    the page's run; without Chromium there are no buttons (the chart's own toolbar still saves a PNG)."""
    if images.chromium() is None:
        return
    lang = controls.current().lang
    with st.popover(i18n.t("chart.download", lang), icon=":material/download:"):
        for fmt, mime in (("png", "image/png"), ("svg", "image/svg+xml")):
            st.download_button(
                fmt.upper(), partial(chart_image, fig, fmt), f"{key}.{fmt}", mime, key=f"{key}_{fmt}", on_click="ignore"
            )


def indicator_section(indicator_id: str, by_year: pd.DataFrame, f: Filters, note: str, key: str) -> None:
    """An indicator's takeaway in words, then its trend (with target and programme events) beside its value per
    district for the last selected year; clicking a district's bar narrows the filters to it."""
    T = i18n.translator(f.lang)
    ind = INDICATORS[indicator_id]
    st.subheader(T(f"ind.{indicator_id}"), help=indicator_help(indicator_id, f), anchor=False)
    trend = by_year[by_year.indicator == indicator_id]
    if trend.empty:
        st.info(T("empty"))
        return
    league = story.district_league(ind, f, cache.run)
    period = f.period_of(ind)
    st.markdown(shared(narrative.indicator, ind, trend, league, period, f.lang))
    left, right = st.columns(2)
    with left:
        events = cache.run("events_between", year_from=f.year_from, year_to=f.year_to)
        chart(shared(charts.indicator_trend, trend, events, ind, f.lang, note), f"{key}_trend")
    with right:
        if league.value.isna().all():
            st.info(T("empty_year", year=period.label(f.lang)))
            return
        chart(shared(charts.district_ranking, league, ind, f.lang, note), f"{key}_districts", select="districts")
        unranked = int((league.value.notna() & ~league.enough_samples).sum())
        smallest = indicators.min_base(ind, f.min_samples)
        st.caption(
            T("districts.click")
            + (" " + i18n.tn("districts.unranked", unranked, f.lang, n=unranked, min=smallest) if unranked else "")
        )


def scorecard(cards: list[Kpi], f: Filters, note: str) -> None:
    """Every directional indicator against its target and last year, coloured by whether it moved the right way,
    under a one-line roll-up, with downloads."""
    lang = f.lang
    T = i18n.translator(lang)
    summary = indicators.rollup(cards)
    change = T("col.change_same") if f.partial else T("col.change")
    st.markdown(
        T(
            "scorecard.rollup",
            improved=summary.improved,
            compared=summary.compared,
            worsened=summary.worsened,
            met=summary.met,
            targeted=summary.with_target,
            versus=f.at().versus(lang),
        )
    )
    rows = []
    for card in cards:
        ind = card.indicator
        if not ind.directional:
            continue
        rows.append(
            {
                T("col.area"): T(f"area.{ind.area}"),
                T("col.indicator"): T(f"ind.{ind.id}"),
                T("col.period"): card.period.label(lang, ind.yearly),
                T("col.value"): i18n.fmt_value(card.value, ind.unit, lang, ind.digits),
                T("col.target"): i18n.fmt_value(card.target, ind.unit, lang, ind.digits),
                T("col.status"): {
                    "met": T("kpi.met"),
                    "missed": T("kpi.missed") if ind.higher_is_better else T("kpi.missed_ceiling"),
                    None: "—",
                }[card.status],
                change: i18n.fmt_change(card.change, ind.unit, lang, ind.digits),
                T("col.national"): "—"
                if card.national is None
                else i18n.fmt_value(card.national, ind.unit, lang, ind.digits + 1),
                T("col.direction"): (T("direction.up") if ind.higher_is_better else T("direction.down")),
                "_good": card.status == "met" if card.status else None,
                "_improved": card.improved,
            }
        )
    table = pd.DataFrame(rows)
    colour = {True: "color: #1e7b34", False: "color: #b3261e", None: ""}
    styled = table.drop(columns=["_good", "_improved"]).style.apply(
        lambda column: (
            [colour[v] for v in table["_good" if column.name == T("col.status") else "_improved"]]
            if column.name in (T("col.status"), change)
            else [""] * len(column)
        ),
        axis=0,
    )
    grid(styled, key="overview_scorecard", height="content")
    table_downloads(table.drop(columns=["_good", "_improved"]), f, note, "scorecard", "overview_scorecard")


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
    return shared(attention.report, replace(f, year_from=f.year_to), settings, cache.runner())  # links: attention.link


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
    """The ranked signals, narrowed by kind, the first SHOWN_SIGNALS on screen with a link to each one's view; the
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
    views = [attention.link(signal, f) for signal in signals[picked].head(SHOWN_SIGNALS).itertuples()]
    shown = worklist.head(SHOWN_SIGNALS).assign(**{T("col.link"): views})
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


def long_table(rows: pd.DataFrame, f: Filters, note: str, file_stem: str, key: str) -> None:
    """A table that may run to thousands of rows: the first SHOWN_SIGNALS on screen (every rerun sends what is
    shown), all of them in the downloads."""
    grid(rows.head(SHOWN_SIGNALS), key=key)
    if len(rows) > SHOWN_SIGNALS:
        st.caption(shown_of(SHOWN_SIGNALS, len(rows), f.lang).strip())
    table_downloads(rows, f, note, file_stem, key)


def shown_of(shown: int, total: int, lang: str) -> str:
    """ "Showing the first 200 of 9,314; the downloads hold them all", or nothing when all are shown."""
    return i18n.t("attention.shown", lang, shown=shown, n=i18n.fmt_count(total, lang)) if total > shown else ""


def rows_table(frame: pd.DataFrame, f: Filters, note: str, file_stem: str, key: str) -> None:
    """The rows behind a page's charts, shown in this language, with their count and downloads."""
    rows = i18n.localize(frame, f.lang)
    st.caption(i18n.tn("spot.rows", len(rows), f.lang, n=i18n.fmt_count(len(rows), f.lang)))
    table(rows, f, note, file_stem, key)


def status_progress(box, lang: str) -> Progress:
    """Progress shown in an st.status box: the box's label says the stage, a bar under it how far."""
    bar = box.progress(0.0)

    def report(stage: str, done: int = 0, total: int = 0) -> None:
        box.update(label=stage)
        bar.progress(
            min(done / total, 1.0) if total else 0.0,
            text=i18n.t("progress.step", lang, stage=stage, done=done, total=total) if total else stage,
        )

    return report


def _session_token() -> str:
    return st.session_state.setdefault("_build_token", secrets.token_hex(8))


def tracked(build: Callable[[Progress], bytes]) -> Callable[[], bytes]:
    """A download's build, made to report to this session's build_progress while it runs (in another thread)."""
    token = _session_token()

    def run() -> bytes:
        def report(stage: str, done: int = 0, total: int = 0) -> None:
            with _BUILDS_LOCK:
                _BUILDS[token] = (stage, done, total)

        try:
            return build(report)
        finally:
            with _BUILDS_LOCK:
                _BUILDS[token] = None

    return run


def build_started(lang: str) -> None:
    """A tracked download's on_click: the rerun it brings shows the build's progress (unless it is already done)."""
    with _BUILDS_LOCK:
        _BUILDS.setdefault(_session_token(), (i18n.t("progress.views", lang), 0, 0))


def build_progress(lang: str) -> None:
    """While this session's download is being built, a bar that says what it is drawing ("Drawing the charts: 4 of
    13"), read twice a second; once the file is done, a rerun stops the reading."""
    token = _session_token()
    if token not in _BUILDS:
        return

    @st.fragment(run_every=0.5)
    def bar() -> None:
        with _BUILDS_LOCK:
            state = _BUILDS.get(token)
            if state is None:
                _BUILDS.pop(token, None)
        if state is None:
            st.rerun()
        stage, done, total = state
        st.progress(
            min(done / total, 1.0) if total else 0.0,
            text=i18n.t("progress.step", lang, stage=stage, done=done, total=total) if total else stage,
        )

    bar()


def grid(rows: pd.DataFrame, key: str, hide_index: bool = True, **options):
    """Every table the app shows: no index unless asked, a missing value as an empty cell (Streamlit's default
    writes "None"); `options` go to st.dataframe."""
    return st.dataframe(rows, hide_index=hide_index, key=key, placeholder="", **options)


def table(rows: pd.DataFrame, f: Filters, note: str, file_stem: str, key: str, **options) -> None:
    """A table as shown (already in this language) with CSV and Excel downloads; `options` go to st.dataframe."""
    grid(rows, key=key, **options)
    table_downloads(rows, f, note, file_stem, key)


def table_downloads(rows: pd.DataFrame, f: Filters, note: str, file_stem: str, key: str) -> None:
    """CSV and Excel buttons for a table, each file carrying the source (or the synthetic label) and the filters.
    The files are built when clicked, in Streamlit's download thread, not in the page's run."""
    notes = [note, downloads.filter_note(f, *controls.load_options()[1:])]
    months = f"-{f.month_from:02d}-{f.month_to:02d}" if f.partial else ""
    stem = f"{file_stem}-{f.year_from}-{f.year_to}{months}"
    with st.container(horizontal=True):
        download_csv(rows, stem, notes, f.lang, key=f"{key}_download")
        st.download_button(
            i18n.t("table.download_xlsx", f.lang),
            partial(downloads.xlsx_bytes, rows, notes),
            f"{stem}.xlsx",
            downloads.XLSX_MIME,
            key=f"{key}_xlsx",
            icon=":material/download:",
            on_click="ignore",
        )


def download_csv(
    frame: pd.DataFrame, file_stem: str, notes: list[str], lang: str, key: str, label: str | None = None
) -> None:
    """A download button for a table as CSV (UTF-8 with BOM, formulas neutralised, notes on top), built when
    clicked."""
    st.download_button(
        label or i18n.t("spot.download", lang),
        partial(downloads.csv_bytes, frame, notes),
        f"{file_stem}.csv",
        "text/csv",
        key=key,
        icon=":material/download:",
        on_click="ignore",
    )


def catalog(database, lang: str) -> pd.DataFrame:
    """Every table of the data model: its file, rows, last change and whether it is loaded."""
    T = i18n.translator(lang)
    counts = database.row_counts()
    rows = []
    for table in schema.TABLES.values():
        modified = table_modified(database.path, table.name)
        status = (
            T("data.damaged") if table.name in database.broken else T("data.present") if modified else T("data.missing")
        )
        rows.append(
            {
                T("col.table"): table.name,
                T("col.file"): table.file,
                T("col.rows"): counts[table.name],
                T("col.modified"): modified or "—",
                T("col.status"): status,
            }
        )
    return pd.DataFrame(rows)


def table_modified(path: Path, name: str) -> str | None:
    """When a table's file (or partition folder) last changed, or None when the data directory lacks it."""
    table = schema.TABLES[name]
    file, folder = path / table.file, path / table.name
    source = file if file.exists() else folder if folder.is_dir() else None
    return datetime.fromtimestamp(source.stat().st_mtime).strftime("%Y-%m-%d %H:%M") if source else None


def mapping_editor(mapping, table_name: str, headers: list[str], lang: str):
    """Review and change where each field comes from (a file column or a default); returns the new mapping."""
    T = i18n.translator(lang)
    table = schema.TABLES[table_name]
    fields = [c.name for c in table.columns] + (["enterprise"] if "enterprise_id" in table.column_names else [])
    required = {c.name for c in table.columns if c.required}
    labels = [f"{T(f'field.{f}')} ({f})" if i18n.has(f"field.{f}") else f for f in fields]
    frame = pd.DataFrame(
        {
            "field": labels,
            "required": [f in required for f in fields],
            "source": [mapping.columns.get(f, "") for f in fields],
            "default": [mapping.defaults.get(f, "") for f in fields],
        }
    )
    st.caption(T("data.mapping"))
    edited = st.data_editor(
        frame,
        hide_index=True,
        placeholder="",
        key=f"data_mapping_{table_name}_{hash(tuple(headers))}",
        disabled=["field", "required"],
        column_config={
            "field": st.column_config.TextColumn(T("data.field")),
            "required": st.column_config.CheckboxColumn(T("data.required")),
            "source": st.column_config.SelectboxColumn(T("data.source"), options=["", *headers]),
            "default": st.column_config.TextColumn(T("data.default")),
        },
    )
    rows = list(zip(fields, edited.source, edited.default, strict=True))  # the editor keeps the row order
    columns = {f: source for f, source, _ in rows if isinstance(source, str) and source}
    defaults = {f: default for f, _, default in rows if isinstance(default, str) and default}
    return ingest.Mapping(
        columns,
        defaults,
        dict(mapping.values),
        mapping.pass_rule,
        mapping.date_format,
        mapping.grain,
        mapping.failures_only,
    )


@st.cache_data(max_entries=4, show_spinner=False)
def read_upload(content: bytes, name: str, sheet: str | None):
    """An uploaded file read once per content (not on every rerun), from a temp folder outside the data directory.

    Returns (sheet names for .xlsx or [], the Sheet); raises readers.ReadError naming the uploaded file.
    """
    staging = Path(tempfile.mkdtemp(prefix="qcity-upload-"))
    path = staging / f"upload{Path(name).suffix.lower()}"  # our own name: the uploaded one never becomes a path
    path.write_bytes(content)
    try:
        names = readers.sheet_names(path) if path.suffix == ".xlsx" else []
        table = readers.read(path, sheet=sheet, known_headers=ingest.known_headers())
    except readers.ReadError as error:
        raise readers.ReadError(Path(name).name, error.message, error.row, error.column) from None
    finally:
        shutil.rmtree(staging)
    table.file = Path(name).name
    return names, table


@st.cache_data(max_entries=4, show_spinner=False)
def prepare_upload(
    content: bytes, name: str, sheet: str | None, table: str, mapping_json: str, mode: str, data_path: str, version: str
):
    """Validation of an upload, once per file, mapping, mode and data version rather than on every rerun."""
    _, read = read_upload(content, name, sheet)
    mapping = ingest.Mapping.from_json(mapping_json)
    return ingest.prepare(read, table, cache.database(data_path, version), mapping, mode)
