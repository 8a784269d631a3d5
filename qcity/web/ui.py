"""Streamlit pieces of the area pages: the demo banner, the period caption, KPI cards, an indicator's section (its
takeaway, trend and districts), charts with their image downloads, the targets scorecard.

Tables and their downloads: qcity.web.tables; early warnings: signals; downloads built on click: builds; the Data
page's import form: upload; figures shared by every session: cache.shared."""

from __future__ import annotations

from functools import partial
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from qcity import i18n
from qcity.analysis import filters, indicators, narrative
from qcity.analysis.filters import Filters
from qcity.analysis.indicators import INDICATORS, Kpi
from qcity.documents import charts, images, story
from qcity.web import cache, controls, guide, tables


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
    right way), target, base (narrative.card's words); the card's help is the indicator's definition with a link
    to the glossary."""
    T = i18n.translator(f.lang)
    for start in range(0, len(cards), per_row):
        for column, kpi in zip(st.columns(per_row), cards[start : start + per_row]):
            ind, words = kpi.indicator, narrative.card(kpi, f.lang)
            with column.container(border=True):
                if kpi.value is None:
                    st.metric(words.label, words.value, help=indicator_help(ind.id, f))
                    continue
                cited = f"\n\n{words.national} ({T('story.source')}{kpi.national_source})" if words.national else ""
                st.metric(
                    words.label,
                    words.value,
                    help=indicator_help(ind.id, f) + cited,
                    delta=words.change,
                    delta_color="off" if kpi.improved is None else "normal" if ind.higher_is_better else "inverse",
                    delta_arrow="off" if kpi.improved is None else "auto",
                    delta_description=words.versus,
                )
                verdict = f" · :{'green' if words.met else 'red'}[{words.verdict}]" if words.verdict else ""
                parts = [words.period, (words.target or "") + verdict, words.national, words.base]
                st.markdown(" · ".join(p for p in parts if p) or "&nbsp;")


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
    kpi_cards(cache.shared(indicators.kpis, by_year, f, shown), f, per_row=4 if len(shown) > 3 else 3)
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
    st.markdown(cache.shared(narrative.indicator, ind, trend, league, period, f.lang))
    left, right = st.columns(2)
    with left:
        events = cache.run("events_between", year_from=f.year_from, year_to=f.year_to)
        chart(cache.shared(charts.indicator_trend, trend, events, ind, f.lang, note), f"{key}_trend")
    with right:
        if league.value.isna().all():
            st.info(T("empty_year", year=period.label(f.lang)))
            return
        chart(cache.shared(charts.district_ranking, league, ind, f.lang, note), f"{key}_districts", select="districts")
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
    rows = [_scorecard_row(card, f, change) for card in cards if card.indicator.directional]
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
    tables.grid(styled, key="overview_scorecard", height="content")
    tables.table_downloads(table.drop(columns=["_good", "_improved"]), f, note, "scorecard", "overview_scorecard")


def _scorecard_row(card: Kpi, f: Filters, change: str) -> dict:
    """An indicator's row of the scorecard, in the selection's language; _good and _improved colour it."""
    T, lang, ind = i18n.translator(f.lang), f.lang, card.indicator
    missed = T("kpi.missed") if ind.higher_is_better else T("kpi.missed_ceiling")
    national = "—" if card.national is None else i18n.fmt_value(card.national, ind.unit, lang, ind.digits + 1)
    return {
        T("col.area"): T(f"area.{ind.area}"),
        T("col.indicator"): T(f"ind.{ind.id}"),
        T("col.period"): card.period.label(lang, ind.yearly),
        T("col.value"): i18n.fmt_value(card.value, ind.unit, lang, ind.digits),
        T("col.target"): i18n.fmt_value(card.target, ind.unit, lang, ind.digits),
        T("col.status"): {"met": T("kpi.met"), "missed": missed, None: "—"}[card.status],
        change: i18n.fmt_change(card.change, ind.unit, lang, ind.digits),
        T("col.national"): national,
        T("col.direction"): T("direction.up") if ind.higher_is_better else T("direction.down"),
        "_good": card.status == "met" if card.status else None,
        "_improved": card.improved,
    }
