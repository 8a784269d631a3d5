"""Storylines: ordered views (page, chart, filters, optional title and takeaway) shown one at a time on the
Present page and exported as a deck or a report.

A storyline is a small JSON file, `<data dir>/storylines/<name>.json`:

    {"title": {"zh": "质量强市年度报告", "en": "Quality City annual review"},
     "views": [{"page": "overview", "chart": "trend", "indicator": "food_pass_rate",
                "filters": {"from": 2021, "to": 2025, "district": "430104"},
                "takeaway": {"zh": "…", "en": "…"}}]}

`filters` takes the same keys and values as the app's URL (from, to, district, sector; omitted means all) and is
checked the same way, but strictly: an unknown code is an error naming the view, not a notice. Titles and
takeaways are optional (a title is made from the chart, a takeaway by qcity.analysis.narrative); a plain string
applies to both languages. The language is the reader's choice (the app's, or `--lang`), not the view's, so one
storyline serves both audiences. Without a `default.json`, the built-in default storyline covers the headline areas.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs

import pandas as pd

from qcity import i18n
from qcity.analysis import attention, filters, indicators, narrative, pages
from qcity.analysis.indicators import INDICATORS
from qcity.documents import charts, downloads
from qcity.store import audit

FOLDER = "storylines"
DEFAULT = "default"
NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
MAX_VIEWS = 40
MAX_TEXT = 300  # characters of a title or takeaway
# chart -> (needs an indicator, the page it comes from when the view does not say)
CHARTS = {
    "trend": (True, "overview"),
    "districts": (True, "overview"),
    "map": (True, "overview"),
    "domains": (False, "spot_checks"),
    "heatmap": (False, "spot_checks"),
    "sectors": (False, "spot_checks"),
    "failures": (False, "spot_checks"),
    "items": (False, "spot_checks"),
    "funnel": (False, "award"),
    "index": (False, "quality_index"),
    "attention": (False, "attention"),
}
TOP_ITEMS = 15  # failed test items drawn in an `items` view
TOP_SIGNALS = 15  # early-warning signals in an `attention` view's notes
VIEW_KEYS = {"page", "chart", "indicator", "filters", "title", "takeaway"}
FILTER_KEYS = {"from", "to", "period", "through", "quarter", "district", "sector"}


class StorylineError(ValueError):
    """A storyline that cannot be used; the message names the file, the view and the field."""


@dataclass(frozen=True)
class View:
    chart: str
    page: str
    indicator: str | None
    filters: dict  # URL-style: from, to, district, sector
    title: dict = field(default_factory=dict)  # lang -> text; empty: made from the chart
    takeaway: dict = field(default_factory=dict)  # lang -> text; empty: computed

    def as_json(self) -> dict:
        out = {"page": self.page, "chart": self.chart}
        if self.indicator:
            out["indicator"] = self.indicator
        out["filters"] = self.filters
        out.update({k: v for k, v in (("title", self.title), ("takeaway", self.takeaway)) if v})
        return out


@dataclass(frozen=True)
class Storyline:
    name: str
    title: dict
    views: tuple[View, ...]

    def as_json(self) -> dict:
        return {"title": self.title, "views": [v.as_json() for v in self.views]}

    def text(self) -> str:
        return json.dumps(self.as_json(), ensure_ascii=False, indent=2)


@dataclass(frozen=True)
class Slide:
    """A view made concrete for one language: what the Present page, the deck and the report show."""

    view: View
    title: str
    takeaway: str
    figure: object | None  # a Plotly figure; None when the filters leave nothing to draw
    facts: list[str]  # the figures behind the chart, for speaker notes and the report
    scope: str  # the filters in words


def _texts(value, where: str) -> dict:
    """A title or takeaway as {lang: text}: a string serves both languages."""
    if value is None or value == "" or value == {}:
        return {}
    if isinstance(value, str):
        value = {lang: value for lang in i18n.LANGS}
    if (
        not isinstance(value, dict)
        or not set(value) <= set(i18n.LANGS)
        or not all(isinstance(v, str) and len(v) <= MAX_TEXT for v in value.values())
    ):
        raise StorylineError(
            f"{where}: must be text (at most {MAX_TEXT} characters) or an object with 'zh' and/or 'en' texts"
        )
    return {k: v.strip() for k, v in value.items() if v.strip()}


def _filters(value, options: filters.Options, where: str) -> dict:
    """A view's filters checked like URL parameters, strictly: any notice is an error."""
    if value is None:
        value = {}
    if not isinstance(value, dict) or not set(value) <= FILTER_KEYS:
        raise StorylineError(f"{where}: filters must be an object with keys among {', '.join(sorted(FILTER_KEYS))}")
    query = {}
    for key, item in value.items():
        items = item if isinstance(item, list) else [item]
        if not all(isinstance(i, str | int) and not isinstance(i, bool) for i in items):
            raise StorylineError(f"{where}: filters.{key} must be a code, a year or a list of them")
        query[key] = [str(i) for i in items if str(i)]
    selection, notices = filters.parse(query, options)
    if notices:
        raise StorylineError(f"{where}: filters: {notices[0].text('en')}")
    out = {key: value for key, value in filters.to_query(selection).items() if key in FILTER_KEYS}
    out["from"] = selection.year_from
    if "to" in out:
        out["to"] = selection.year_to
    if selection.districts:
        out["district"] = list(selection.districts)
    if selection.sectors:
        out["sector"] = list(selection.sectors)
    return out


def _one_of(value, allowed) -> bool:
    """Whether a JSON value is one of the allowed names (a list or an object is not, and must not raise)."""
    return isinstance(value, str) and value in allowed


def parse_view(raw, options: filters.Options, where: str) -> View:
    """One view from its JSON object, or a StorylineError saying what is wrong with it."""
    if not isinstance(raw, dict):
        raise StorylineError(f"{where}: must be an object")
    if unknown := set(raw) - VIEW_KEYS:
        raise StorylineError(f"{where}: unknown field(s) {', '.join(sorted(map(str, unknown)))[:80]}")
    chart = raw.get("chart")
    if not _one_of(chart, CHARTS):
        raise StorylineError(f"{where}: chart must be one of {', '.join(CHARTS)}, not {str(chart)[:40]!r}")
    needs_indicator, default_page = CHARTS[chart]
    indicator = raw.get("indicator")
    if needs_indicator and not _one_of(indicator, INDICATORS):
        raise StorylineError(f"{where}: indicator must be one of the glossary's ids, not {str(indicator)[:40]!r}")
    if not needs_indicator and indicator is not None:
        raise StorylineError(f"{where}: chart '{chart}' takes no indicator")
    page = raw.get("page", default_page)
    if not _one_of(page, {name for name, _ in pages.PAGES}):
        raise StorylineError(f"{where}: page must be one of the app's pages, not {str(page)[:40]!r}")
    return View(
        chart,
        page,
        indicator,
        _filters(raw.get("filters"), options, where),
        _texts(raw.get("title"), f"{where}: title"),
        _texts(raw.get("takeaway"), f"{where}: takeaway"),
    )


def parse(text: str, name: str, options: filters.Options) -> Storyline:
    """A storyline from its JSON text; `name` is used in messages and as the storyline's name."""
    where = f"{FOLDER}/{name}.json"
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as error:
        raise StorylineError(
            f"{where}: not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}"
        ) from None
    if not isinstance(raw, dict) or not isinstance(raw.get("views"), list):
        raise StorylineError(f"{where}: must be an object with a list of 'views'")
    if unknown := set(raw) - {"title", "views"}:
        raise StorylineError(f"{where}: unknown field(s) {', '.join(sorted(unknown))[:80]}")
    if not 1 <= len(raw["views"]) <= MAX_VIEWS:
        raise StorylineError(f"{where}: needs 1 to {MAX_VIEWS} views, has {len(raw['views'])}")
    views = tuple(parse_view(v, options, f"{where}: view {i}") for i, v in enumerate(raw["views"], 1))
    return Storyline(name, _texts(raw.get("title"), f"{where}: title"), views)


def check_name(name: str) -> str:
    if not isinstance(name, str) or not NAME.match(name):
        raise StorylineError(f"storyline name {str(name)[:40]!r}: use 1-40 lowercase letters, digits, - or _")
    return name


def names(data_dir: Path) -> list[str]:
    """The storylines saved in the data directory, with the default first (built in when not saved)."""
    saved = sorted(p.stem for p in (data_dir / FOLDER).glob("*.json") if NAME.match(p.stem))
    return [DEFAULT] + [n for n in saved if n != DEFAULT]


def load(data_dir: Path, name: str, options: filters.Options) -> Storyline:
    """A saved storyline, or the built-in default when `default` has not been saved."""
    file = data_dir / FOLDER / f"{check_name(name)}.json"
    if not file.is_file():
        if name == DEFAULT:
            return default(options)
        raise StorylineError(f"{FOLDER}/{name}.json: no such storyline (saved: {', '.join(names(data_dir))})")
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise StorylineError(f"{FOLDER}/{name}.json: cannot be read as UTF-8 text: {error}") from None
    return parse(text, name, options)


def save(data_dir: Path, name: str, text: str, options: filters.Options, actor: audit.Actor) -> Storyline:
    """Check a storyline's text and write it, and say who did in the audit log; an invalid text raises and leaves
    the saved file as it was."""
    storyline = parse(text, check_name(name), options)
    folder = data_dir / FOLDER
    folder.mkdir(exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=folder, suffix=".tmp")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(storyline.text() + "\n")
    os.replace(temporary, folder / f"{name}.json")
    audit.record(data_dir, "storyline", actor, storyline=name, views=len(storyline.views))
    return storyline


def default(options: filters.Options) -> Storyline:
    """The built-in storyline: the headline areas over the last five years of data, in the data's default period
    (the year to date while the last year is in progress)."""
    period = options.default()
    recent = {key: value for key, value in filters.to_query(period).items() if key in FILTER_KEYS}
    recent["from"] = max(options.first_year, period.year_to - 4)
    if "to" in recent:
        recent["to"] = period.year_to
    views = [
        ("domains", None),
        ("trend", "food_pass_rate"),
        ("districts", "food_pass_rate"),
        ("trend", "drug_pass_rate"),
        ("map", "mfg_pass_rate"),
        ("failures", None),
        ("trend", "se_deaths_per_10k"),
        ("districts", "construction_acceptance_rate"),
        ("trend", "standards_led"),
        ("districts", "case_closure_rate"),
        ("funnel", None),
        ("trend", "diagnosis_resolution_rate"),
        ("index", None),
    ]
    return Storyline(
        DEFAULT,
        {lang: i18n.t("story.default_title", lang) for lang in i18n.LANGS},
        tuple(View(chart, CHARTS[chart][1], ind, dict(recent)) for chart, ind in views),
    )


def view_from_query(query: str, options: filters.Options) -> View:
    """A view from URL-style text, as the Present page shows it and `--current-view` takes it:
    `page=overview&chart=trend&indicator=food_pass_rate&from=2021&to=2025&district=430104`."""
    raw = {k: v[-1] for k, v in parse_qs(query.lstrip("?"), keep_blank_values=True).items()}
    view = {k: raw.pop(k) for k in ("page", "chart", "indicator") if k in raw}
    raw.pop("lang", None)  # the language is the reader's choice
    return parse_view({**view, "filters": {k: v.split(",") for k, v in raw.items()}}, options, "--current-view")


def view_query(view: View) -> str:
    """The URL-style text of a view (the inverse of view_from_query)."""
    parts = [("page", view.page), ("chart", view.chart)] + ([("indicator", view.indicator)] if view.indicator else [])
    parts += [(k, ",".join(map(str, v)) if isinstance(v, list) else str(v)) for k, v in view.filters.items()]
    return "&".join(f"{k}={v}" for k, v in parts)


@dataclass
class Context:
    """What rendering a view needs: a query runner (cached in the app, direct in a command), the city config and
    the data directory (for the boundaries)."""

    run: Callable[..., pd.DataFrame]
    city: dict
    data_dir: Path
    _boundaries: dict | None = None
    _names: tuple | None = None

    def boundaries(self) -> dict | None:
        if self._boundaries is None:
            file = self.data_dir / self.city.get("boundaries", "boundaries.geojson")
            self._boundaries = json.loads(file.read_text(encoding="utf-8")) if file.is_file() else {}
        return self._boundaries or None

    def dimensions(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The district and sector tables by code (for naming the filters), read once per context."""
        if self._names is None:
            self._names = filters.load_options(self.run, self.city)[1:]
        return self._names


def selection(view: View, lang: str, city: dict) -> filters.Filters:
    period = filters.months_of(view.filters)
    return filters.Filters(
        int(view.filters["from"]),
        period["year_to"],
        tuple(view.filters.get("district", ())),
        tuple(view.filters.get("sector", ())),
        lang,
        int(city.get("min_samples", 30)),
        period["period"],
        period["month_from"],
        period["month_to"],
    )


def render(view: View, ctx: Context, lang: str) -> Slide:
    """The view's chart, title, takeaway and figures for one language, from the same query rows."""
    f = selection(view, lang, ctx.city)
    note = downloads.source_note(ctx.city, lang)
    title, takeaway, figure, facts = RENDERERS[view.chart](view, f, ctx, note)
    return Slide(
        view,
        view.title.get(lang) or title,
        view.takeaway.get(lang) or takeaway,
        figure,
        facts,
        downloads.filter_note(f, *ctx.dimensions()),
    )


def district_league(ind: indicators.Indicator, f: filters.Filters, run: Callable[..., pd.DataFrame]) -> pd.DataFrame:
    """An indicator per selected district in the indicator's period (Filters.period_of), ranked by its own sample
    rule; neutral indicators are listed largest first. The area pages and the storyline views read the same rows."""
    period = f.period_of(ind)
    return run(
        "district_league",
        indicator=ind.id,
        year=period.year,
        month_from=period.month_from,
        month_to=period.month_to,
        districts=f.districts,
        sectors=f.sectors,
        min_samples=indicators.min_base(ind, f.min_samples),
        higher_is_better=ind.higher_is_better is not False,
    )


def _indicator_view(view: View, f: filters.Filters, ctx: Context, note: str):
    ind = INDICATORS[view.indicator]
    lang = f.lang
    by_year = ctx.run("indicator_by_year", **f.params)
    trend = by_year[by_year.indicator == ind.id]
    league = district_league(ind, f, ctx.run)
    figure = None
    if view.chart == "trend" and not trend.empty:
        events = ctx.run("events_between", year_from=f.year_from, year_to=f.year_to)
        figure = charts.indicator_trend(trend, events, ind, lang, note)
    elif view.chart == "districts" and league.value.notna().any():
        figure = charts.district_ranking(league, ind, lang, note)
    elif view.chart == "map" and league.value.notna().any() and (shapes := ctx.boundaries()):
        figure = charts.district_map(league, shapes, ind, lang, note)
    period = f.period_of(ind)
    title = i18n.t(
        f"story.{view.chart}",
        lang,
        name=i18n.t(f"ind.{ind.id}", lang),
        span=period.span(min(f.year_from, period.year), lang),
        year=period.label(lang),
    )
    return (
        title,
        narrative.indicator(ind, trend, league, period, lang),
        figure,
        _indicator_facts(ind, trend, league, lang),
    )


def _rate_fact(label: str, row, lang: str) -> str:
    """One line of speaker notes for a pass rate: "2025 食品: 97.24% (样本 1.4万)"."""
    return f"{label}: {row.pass_rate:.2f}% ({i18n.t('hover.samples', lang)} {i18n.fmt_count(row.samples, lang)})"


def _domains_view(view: View, f: filters.Filters, ctx: Context, note: str):
    lang = f.lang
    by_domain = ctx.run("pass_rate_by_domain_year", **f.params)
    facts = [
        _rate_fact(f"{row.year} {i18n.label('domain', row.domain, lang)}", row, lang) for row in by_domain.itertuples()
    ]
    return (
        i18n.t("story.domains", lang, span=f.at().span(f.year_from, lang)),
        narrative.domains(by_domain, f.at(), lang),
        charts.domain_trend(by_domain, lang, note) if not by_domain.empty else None,
        facts,
    )


def _heatmap_view(view: View, f: filters.Filters, ctx: Context, note: str):
    lang = f.lang
    by_district_year = ctx.run("pass_rate_by_district_year", **f.params)
    names = i18n.name_column(lang)
    facts = [_rate_fact(f"{row.year} {getattr(row, names)}", row, lang) for row in by_district_year.itertuples()]
    return (
        i18n.t("story.heatmap", lang, span=f.at().span(f.year_from, lang)),
        narrative.district_years(by_district_year, f.at(), lang),
        charts.district_year_heatmap(by_district_year, lang, note) if not by_district_year.empty else None,
        facts,
    )


def _sectors_view(view: View, f: filters.Filters, ctx: Context, note: str):
    lang = f.lang
    by_sector = ctx.run("pass_rate_by_sector", **f.last_year_params, min_samples=f.min_samples)
    names = i18n.name_column(lang)
    facts = [
        _rate_fact(f"{'' if pd.isna(row.rank) else f'{int(row.rank)}. '}{getattr(row, names)}", row, lang)
        for row in by_sector.itertuples()
    ]
    return (
        i18n.t("story.sectors", lang, year=f.at().label(lang)),
        narrative.sectors(by_sector, f.at(), lang),
        charts.interval_ranking(by_sector, lang, note) if not by_sector.empty else None,
        facts,
    )


def _failures_view(view: View, f: filters.Filters, ctx: Context, note: str):
    lang = f.lang
    by_item = ctx.run("failures_by_item", **f.params)
    facts = [
        f"{i18n.label('failed_item', row.failed_item, lang)}: {i18n.fmt_count(row.failures, lang)} "
        f"({row.share_pct:.1f}%, {row.cumulative_pct:.1f}%)"
        for row in by_item.itertuples()
    ]
    return (
        i18n.t("story.failures", lang, span=f.at().span(f.year_from, lang)),
        narrative.failures(by_item, lang),
        charts.pareto(by_item, lang, note) if not by_item.empty else None,
        facts,
    )


def _items_view(view: View, f: filters.Filters, ctx: Context, note: str):
    lang = f.lang
    top = ctx.run("failed_items_top", **f.params, domain="").head(TOP_ITEMS)
    facts = [
        f"{i}. {row.item} ({i18n.label('failed_item', row.failed_item, lang)}): "
        f"{i18n.fmt_count(row.failures, lang)} ({row.share_of_failed_pct:.1f}%)"
        for i, row in enumerate(top.itertuples(), start=1)
    ]
    figure = (
        charts.stacked_bars(
            top,
            "item_key",
            "failures",
            "failed_item",
            lang,
            note,
            i18n.t("axis.failures", lang),
            x_labels="item",
            horizontal=True,
        )
        if not top.empty
        else None
    )
    return (
        i18n.t("story.items", lang, n=TOP_ITEMS, span=f.at().span(f.year_from, lang)),
        narrative.failed_items(top, lang),
        figure,
        facts,
    )


def _funnel_view(view: View, f: filters.Filters, ctx: Context, note: str):
    lang = f.lang
    stages = ctx.run("award_funnel", year=f.yearly_to, districts=f.districts, sectors=f.sectors)
    facts = [f"{i18n.label('stage', row.stage, lang)}: {row.reached}" for row in stages.itertuples()]
    return (
        i18n.t("story.funnel", lang, year=f.yearly.label(lang)),
        narrative.award_funnel(stages, f.yearly, lang),
        charts.funnel(stages, lang, note) if stages.reached.sum() else None,
        facts,
    )


def _index_view(view: View, f: filters.Filters, ctx: Context, note: str):
    lang = f.lang
    title = i18n.t("story.index", lang, year=f.yearly.label(lang))
    try:
        weights = indicators.index_weights(ctx.city)
    except indicators.ConfigError as error:  # the slide says what is wrong with city.json instead of failing
        return title, i18n.t("index.bad_config", lang, error=str(error)), None, []
    parts = ctx.run(
        "quality_index_contributions", year=f.yearly_to, districts=f.districts, sectors=f.sectors, **weights
    )
    by_year = ctx.run("quality_index_by_district_year", **f.yearly_params, **weights)
    this_year = by_year[by_year.year == f.yearly_to]
    names = i18n.name_column(lang)
    facts = [
        f"{int(r['rank'])}. {r[names]}: {r.quality_index:.1f}"
        if pd.notna(r["rank"])
        else f"{r[names]}: {r.quality_index:.1f} ({i18n.t('index.unranked', lang)})"
        for _, r in this_year.sort_values(["rank", "quality_index"], ascending=[True, False]).iterrows()
    ]
    return (
        title,
        narrative.quality_index(this_year, f.yearly, lang),
        charts.index_contributions(parts, lang, note) if not parts.empty else None,
        facts,
    )


def _attention_view(view: View, f: filters.Filters, ctx: Context, note: str):
    """The p-chart of the most serious control-chart signal's series (the city's when there is none), the signals
    in a sentence, and the first TOP_SIGNALS with why in the notes."""
    lang = f.lang
    try:
        settings = attention.Settings.of(ctx.city)
    except indicators.ConfigError as error:  # the slide says what is wrong with city.json instead of failing
        title = i18n.t("story.attention", lang, name=i18n.t("attention.city", lang), period=f.at().label(lang))
        return title, i18n.t("attention.bad_config", lang, error=str(error)), None, []
    report = attention.report(f, settings, ctx.run)
    hits = report.chart_hits
    key = (hits.series.iloc[0], hits.code.iloc[0]) if len(hits) else ("city", "")
    name = attention.series_name(*key, *ctx.dimensions(), lang)
    chart = report.charts.frame(key)
    figure = charts.control_chart(chart, lang, note, settings.min_month_samples) if chart.samples.any() else None
    facts = [
        f"{i18n.t(f'severity.{row.severity}', lang)} · {i18n.t(f'signal.{row.kind}', lang)} · {row.subject}: {row.why}"
        for row in report.signals.head(TOP_SIGNALS).itertuples()
    ]
    return (
        i18n.t("story.attention", lang, name=name, period=f.at().label(lang)),
        narrative.attention(report.signals, f.at(), lang),
        figure,
        facts,
    )


# chart -> how to render it; CHARTS says which take an indicator and where they live in the app
RENDERERS = {
    "trend": _indicator_view,
    "districts": _indicator_view,
    "map": _indicator_view,
    "domains": _domains_view,
    "heatmap": _heatmap_view,
    "sectors": _sectors_view,
    "failures": _failures_view,
    "items": _items_view,
    "funnel": _funnel_view,
    "index": _index_view,
    "attention": _attention_view,
}


def _indicator_facts(ind: indicators.Indicator, trend: pd.DataFrame, league: pd.DataFrame, lang: str) -> list[str]:
    """The numbers behind an indicator chart: each year (value, change, target, base) and each district."""
    T = i18n.translator(lang)

    def value(v: float) -> str:
        return i18n.fmt_value(v, ind.unit, lang, ind.digits + 1)

    lines = []
    for row in trend.itertuples():
        parts = [f"{row.year}: {value(row.value)}"]
        if pd.notna(row.change):
            parts.append(f"{T('col.change')} {i18n.fmt_change(row.change, ind.unit, lang, ind.digits + 1)}")
        if pd.notna(row.target):
            parts.append(f"{T('col.target')} {value(row.target)}")
        if ind.base and pd.notna(row.denominator):
            parts.append(f"{T(f'base.{ind.base}')} {i18n.fmt_count(row.denominator, lang)}")
        for scope in ("national", "provincial"):  # published benchmarks, with their source
            if pd.notna(getattr(row, scope, None)):
                parts.append(
                    f"{T(f'scope.{scope}')} {value(getattr(row, scope))} "
                    f"({T('story.source')}{getattr(row, f'{scope}_source')})"
                )
        lines.append(" · ".join(parts))
    names = i18n.name_column(lang)
    for row in league.dropna(subset=["value"]).itertuples():
        base = f" · {T(f'base.{ind.base}')} {i18n.fmt_count(row.base, lang)}" if ind.base and pd.notna(row.base) else ""
        ranked = f"{int(row.rank)}. " if pd.notna(row.rank) else ""
        unranked = "" if ranked else f" ({T('story.unranked')})"
        lines.append(f"{ranked}{getattr(row, names)}: {value(row.value)}{base}{unranked}")
    return lines
