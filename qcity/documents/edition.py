"""An edition: a storyline for one period as a static page that a thousand phones open at once, in WeChat, offline,
and that the bureau keeps as its archive.

    python -m qcity.export edition --storyline default --period ytd --through 2026-09 --lang zh,en [--out DIR]

The folder holds `index.html` (the first language), one page per language (`zh.html`, `en.html`, each with a
switch to the other), `edition.json` (what it is: storyline, period, data version) and `assets/` (Plotly's own
bundle from the plotly package and the page's style, content-hashed); every page and asset has a pre-compressed
`.gz` beside it for nginx's gzip_static. Nothing runs on a server when it is read, and it works from file:// too.

Every number and sentence comes from the code the app, the deck and the bulletin use: the cards from
indicators.kpis in narrative.card's words, each view from story.render (title, takeaway, chart, the figures behind
it), the early warnings from attention.report in narrative.attention's words, without naming anyone.

Without --out, editions are kept under DATA_DIR/editions/<storyline>/<period>/ and DATA_DIR/editions/index.html
lists them, newest period first. Each period's name there is a symbolic link to a hidden folder: publishing it
again writes a new folder aside and swaps the link in one rename, so a reader gets one edition or the other, never a
mixture and never none.
"""

from __future__ import annotations

import fcntl
import functools
import gzip
import hashlib
import html
import io
import json
import os
import shutil
import tempfile
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

import plotly.offline
import segno

from qcity import i18n
from qcity.analysis import attention, filters, indicators, narrative
from qcity.documents import charts, downloads, story
from qcity.progress import Progress, silent
from qcity.store import audit, db, versions

PERIOD_KEYS = ("to", "period", "through", "quarter")  # a view's own period, replaced by the edition's
PUBLIC_URL_ENV = "QCITY_PUBLIC_URL"  # where readers reach the server, e.g. https://qcity.example.gov.cn
CSS = """
:root { color-scheme: light; --ink: #1b1f24; --muted: #5f6b7a; --line: #e3e5e8; --accent: #1f4e8c; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; font: 16px/1.6 system-ui, -apple-system, "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC",
  sans-serif; color: var(--ink); background: #fff; overflow-wrap: anywhere; }
main { max-width: 1100px; margin: 0 auto; padding: 12px 16px 40px; }
header h1 { font-size: 1.5rem; line-height: 1.3; margin: 8px 0 4px; }
.meta, .scope, footer { color: var(--muted); font-size: 0.9rem; }
.switch { float: right; font-size: 0.95rem; }
.synthetic { background: #fff4d6; border: 1px solid #f0d48a; padding: 8px 12px; border-radius: 6px; }
.cards { display: grid; grid-template-columns: 1fr; gap: 10px; margin: 16px 0; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; }
.card .label { font-size: 0.95rem; color: var(--muted); }
.card .value { font-size: 1.8rem; font-weight: 600; }
.card .change { font-size: 0.95rem; }
.card .lines { font-size: 0.9rem; color: var(--muted); }
.met { color: #1e7b34; } .missed { color: #b3261e; }
section.view { border-top: 1px solid var(--line); padding-top: 12px; margin-top: 20px; }
section.view h2 { font-size: 1.2rem; line-height: 1.35; margin: 4px 0; }
.takeaway { font-size: 1.05rem; }
.chart { width: 100%; height: 440px; }
details { margin-top: 6px; } summary { cursor: pointer; color: var(--accent); }
ul.figures { padding-left: 1.1em; margin: 6px 0; font-size: 0.92rem; }
.attention { background: #f5f7fa; border-radius: 8px; padding: 10px 12px; margin-top: 20px; }
a { color: var(--accent); }
@media (min-width: 720px) {
  body { font-size: 17px; }
  .cards { grid-template-columns: repeat(3, 1fr); }
  .chart { height: 480px; }
}
@media print {
  @page { size: A4; margin: 15mm; }
  .switch, summary { display: none; }
  details { display: block; }
  section.view { break-inside: avoid; }
  .chart { height: 300px; }
}
"""
PLOT = """
document.querySelectorAll('.chart').forEach(function (el) {
  var spec = JSON.parse(document.getElementById(el.dataset.figure).textContent);
  Plotly.newPlot(el, spec.data, spec.layout, {responsive: true, displaylogo: false, displayModeBar: false});
});
"""


class EditionError(ValueError):
    """A period or storyline the data cannot give an edition for; nothing is written."""


@dataclass(frozen=True)
class Period:
    """The edition's period as a link has it (period, through / quarter / to) and as a checked selection."""

    keys: dict
    selection: filters.Selection

    def label(self, lang: str) -> str:
        """2026年1–9月, Jan–Sep 2026, as every figure names its period."""
        return filters.Filters.of(replace(self.selection, lang=lang), 30).at().label(lang)

    @property
    def name(self) -> str:
        return period_name(self.selection.period, self.selection.year_to, self.selection.month_to)


def period_name(period: str, year: int, month_to: int) -> str:
    """A period as the archive's folders and the delivery log name it: 2026-ytd-09, 2026-q3, 2025."""
    return {"ytd": f"{year}-ytd-{month_to:02d}", "q": f"{year}-q{month_to // 3}"}.get(period, str(year))


def period_of(query: dict, options: filters.Options) -> Period:
    """The edition's period from command-line values, checked like a link: a value that does not fit the data is an
    error, never dropped quietly."""
    selection, notices = filters.parse({k: [v] for k, v in query.items() if v}, options)
    if notices:
        notice = notices[0]
        option = {"to": "year"}.get(notice.key, notice.key)  # the command's name for a link's key
        raise EditionError(f"--{option} {notice.value}: {i18n.t(notice.reason, 'en', **notice.values)}")
    keys = {k: v for k, v in filters.to_query(selection).items() if k in PERIOD_KEYS}
    return Period(keys, selection)


def in_period(storyline: story.Storyline, period: Period) -> story.Storyline:
    """The storyline with each view's period replaced by the edition's (its first year kept, at most the last)."""
    views = []
    for view in storyline.views:
        kept = {k: v for k, v in view.filters.items() if k not in PERIOD_KEYS}
        kept["from"] = min(int(kept.get("from", period.selection.year_to)), period.selection.year_to)
        views.append(replace(view, filters={**kept, **period.keys}))
    return replace(storyline, views=tuple(views))


def build(
    storyline: story.Storyline,
    ctx: story.Context,
    langs: list[str],
    period: Period,
    data_version: str,
    out: Path,
    progress: Progress = silent,
    link: bool = False,
) -> Path:
    """Write the edition into `out`, replacing what is there whole: a folder renamed into place, or with `link`
    (the archive) a hidden folder that `out`, a symbolic link, is swapped to in one rename. Returns `out`."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    aside = Path(tempfile.mkdtemp(prefix=f".{out.name}~", dir=out.parent))
    aside.chmod(0o755)  # readable by the web server, as the folder it replaces
    try:
        assets = _write_assets(aside / "assets")
        views = in_period(storyline, period)
        common = Headline.of(ctx, period)
        for lang in langs:
            page = _page(views, ctx, lang, langs, common, data_version, assets, progress)
            (aside / f"{lang}.html").write_text(page, encoding="utf-8")
        shutil.copyfile(aside / f"{langs[0]}.html", aside / "index.html")
        about = {
            "storyline": storyline.name,
            "title": {lang: storyline.title.get(lang) or i18n.t("story.default_title", lang) for lang in langs},
            "period": period.name,
            "label": {lang: period.label(lang) for lang in langs},
            "data_version": data_version,
            "published": datetime.now().isoformat(timespec="seconds"),
            "languages": langs,
            "synthetic": bool(ctx.city.get("synthetic")),
        }
        (aside / "edition.json").write_text(json.dumps(about, ensure_ascii=False, indent=1), encoding="utf-8")
        for page in aside.glob("*.html"):  # pre-compressed too, for gzip_static
            page.with_name(f"{page.name}.gz").write_bytes(gzip.compress(page.read_bytes(), 9, mtime=0))
        (_swap_link if link else _swap)(aside, out)
    except BaseException:
        shutil.rmtree(aside, ignore_errors=True)
        raise
    return out


def _swap(new: Path, out: Path) -> None:
    """`new` in the place of `out`: the old folder renamed away, then the new one in. A reader gets one edition or
    the other, never a mixture; a request in the instant between the two renames finds none."""
    old = out.with_name(f".{out.name}-old")
    shutil.rmtree(old, ignore_errors=True)
    if out.exists():
        out.rename(old)
    new.rename(out)
    shutil.rmtree(old, ignore_errors=True)


def _swap_link(new: Path, out: Path) -> None:
    """`out` made a symbolic link to `new` (a hidden sibling) by renaming a fresh link over it, which is atomic: a
    reader finds the old edition or the new one, never a mixture and never none. The edition before is kept until
    the next publication, so that a page read just before the swap still finds its assets; older ones are removed."""
    before = os.readlink(out) if out.is_symlink() else None
    if out.exists() and not out.is_symlink():  # a folder from before the archive used links: moved aside once
        before = f".{out.name}~folder"
        shutil.rmtree(out.with_name(before), ignore_errors=True)
        out.rename(out.with_name(before))
    fresh = out.with_name(f".{out.name}~link")
    fresh.unlink(missing_ok=True)
    fresh.symlink_to(new.name)
    os.replace(fresh, out)
    for old in out.parent.glob(f".{out.name}~*"):
        if old.name not in (new.name, before):
            shutil.rmtree(old, ignore_errors=True)


def _write_assets(folder: Path) -> dict[str, str]:
    """Plotly's bundle and the style, named by their content's hash, each with its .gz; returns their names."""
    folder.mkdir(parents=True)
    names = {}
    for key, text, suffix in (("plotly", plotly.offline.get_plotlyjs(), "min.js"), ("css", CSS, "css")):
        data = text.encode()
        name = f"{key}.{hashlib.sha256(data).hexdigest()[:12]}.{suffix}"
        (folder / name).write_bytes(data)
        (folder / f"{name}.gz").write_bytes(gzip.compress(data, 9, mtime=0))
        names[key] = f"assets/{name}"
    return names


@dataclass(frozen=True)
class Headline:
    """What a period's edition shows in every language, and a delivery's message too, read and judged once: the
    headline cards, the early warnings (or why the city's thresholds cannot be used) and the data's as-of date; for
    the city, or for some districts only."""

    selected: filters.Filters
    cards: list
    signals: object  # the early warnings' signal table, or None
    config_error: str | None
    as_of: object

    @classmethod
    def of(cls, ctx: story.Context, period: Period, districts: tuple[str, ...] = ()) -> Headline:
        f = filters.Filters.of(
            replace(period.selection, year_from=max(period.selection.year_to - 4, 1900), districts=districts),
            int(ctx.city.get("min_samples", 30)),
        )
        present = set(ctx.run("indicator_coverage").indicator)
        by_year = ctx.run("indicator_by_year", **f.params)
        cards = indicators.kpis(by_year, f, [i for i in indicators.HEADLINE if i in present])
        signals, error = None, None
        try:
            settings = attention.Settings.of(ctx.city)
        except indicators.ConfigError as problem:
            error = str(problem)
        else:  # judged once: the page says only how many signals there are at each level
            signals = attention.report(replace(f, year_from=f.year_to), settings, ctx.run).signals
        return cls(f, cards, signals, error, filters.load_options(ctx.run, ctx.city)[0].as_of)


def _page(views, ctx, lang, langs, common: Headline, data_version: str, assets: dict, progress: Progress) -> str:
    """One language's page."""
    T, esc = i18n.translator(lang), html.escape
    selected, as_of = common.selected, common.as_of
    title = views.title.get(lang) or i18n.t("story.default_title", lang)
    city = ctx.city.get(i18n.name_column(lang), "")
    parts = [
        f'<!doctype html><html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(city)} · {esc(title)} · {esc(selected.at().label(lang))}</title>",
        f'<link rel="stylesheet" href="{assets["css"]}"></head><body><main><header>',
        _switch(lang, langs),
        f"<h1>{esc(city)} {esc(title)}</h1>",
        f'<p class="meta">{esc(selected.at().label(lang))} · {esc(selected.at().versus(lang))}</p>',
        f'<p class="synthetic">{esc(downloads.source_note(ctx.city, lang))}</p>' if ctx.city.get("synthetic") else "",
        "</header>",
        _cards(common.cards, lang),
    ]
    total = len(views.views)
    for number, view in enumerate(views.views):
        progress(i18n.t("progress.views", lang), number, total)
        parts.append(_view_html(story.render(view, ctx, lang), number, lang))
    parts.append(_attention_html(common, lang))
    version = T("edition.version", version=data_version)
    note = downloads.source_note(ctx.city, lang)
    parts += [
        f"<footer><p>{esc(note)} · {esc(T('deck.as_of', date=as_of.isoformat() if as_of else '—'))} · "
        f"{esc(version)}</p></footer></main>",
        f'<script src="{assets["plotly"]}"></script><script>{PLOT}</script></body></html>',
    ]
    return "".join(parts)


def _switch(lang: str, langs: list[str]) -> str:
    others = [other for other in langs if other != lang]
    links = " · ".join(f'<a href="{other}.html">{i18n.LANGUAGE_NAMES[other]}</a>' for other in others)
    return f'<nav class="switch">{links}</nav>' if links else ""


def _cards(cards: list, lang: str) -> str:
    """The headline cards for the period, in the Overview's words."""
    out = ['<div class="cards">']
    for kpi in cards:
        words, esc = narrative.card(kpi, lang), html.escape
        change = (
            f'<div class="change"><span class="delta">{esc(words.change)}</span> {esc(words.versus)}</div>'
            if words.change
            else ""
        )
        target = esc(words.target or "")
        if words.verdict:
            target += f' · <span class="{"met" if words.met else "missed"}">{esc(words.verdict)}</span>'
        shown = " · ".join(
            part for part in (esc(words.period), target, esc(words.national or ""), esc(words.base or "")) if part
        )
        out.append(
            f'<div class="card" data-indicator="{kpi.indicator.id}"><div class="label">{esc(words.label)}</div>'
            f'<div class="value">{esc(words.value)}</div>{change}<div class="lines">{shown}</div></div>'
        )
    out.append("</div>")
    return "".join(out)


def _view_html(slide: story.Slide, number: int, lang: str) -> str:
    """A storyline view: title, takeaway, the filters in words, the interactive chart and the figures behind it."""
    esc, T = html.escape, i18n.translator(lang)
    chart = ""
    if slide.figure is not None:
        figure = charts.for_export(slide.figure)  # a copy whose axes make room for their labels, as in the deck
        figure.update_layout(height=None, width=None, autosize=True)  # the page's width; the height from the style
        spec = figure.to_json().replace("</", "<\\/")  # JSON inside a script element
        chart = (
            f'<script type="application/json" id="figure-{number}">{spec}</script>'
            f'<div class="chart" data-figure="figure-{number}" role="img" aria-label="{esc(slide.title)}"></div>'
        )
    facts = "".join(f"<li>{esc(line)}</li>" for line in slide.facts)
    return (
        f'<section class="view" id="view-{number + 1}"><h2>{esc(slide.title)}</h2>'
        f'<p class="takeaway">{esc(slide.takeaway)}</p><p class="scope">{esc(slide.scope)}</p>{chart}'
        f'<details><summary>{esc(T("deck.figures"))}</summary><ul class="figures">{facts}</ul></details></section>'
    )


def _attention_html(common: Headline, lang: str) -> str:
    """The early warnings in a sentence: how many signals at each level, naming nobody."""
    T = i18n.translator(lang)
    if common.config_error is not None:
        return f'<p class="attention">{html.escape(T("attention.bad_config", error=common.config_error))}</p>'
    text = narrative.attention(common.signals, common.selected.at(), lang, name_top=False)
    return f'<div class="attention"><h2>{html.escape(T("bulletin.attention"))}</h2><p>{html.escape(text)}</p></div>'


def archive_folder(data_dir: Path, storyline: str, period: Period) -> Path:
    return Path(data_dir) / "editions" / story.check_name(storyline) / period.name


def write_index(data_dir: Path) -> Path:
    """DATA_DIR/editions/index.html: every edition kept, newest period first, then newest published."""
    root = Path(data_dir) / "editions"
    found = []
    for about_file in root.glob("*/*/edition.json"):
        if about_file.parent.name.startswith("."):  # the folders the links point to, and those being written
            continue
        about = json.loads(about_file.read_text(encoding="utf-8"))
        found.append((about, about_file.parent.relative_to(root).as_posix()))
    found.sort(key=lambda item: (_period_order(item[0]["period"]), item[0]["published"]), reverse=True)
    rows = "".join(
        f'<li><a href="{html.escape(path)}/index.html">{html.escape(about["period"])} · '
        f"{html.escape(next(iter(about['title'].values())))}</a> "
        f'<span class="meta">{html.escape(about["published"])} · {html.escape(about["data_version"][:12])}</span></li>'
        for about, path in found
    )
    page = (
        '<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, '
        'initial-scale=1"><title>Editions</title><style>body{font:16px/1.6 system-ui,sans-serif;margin:16px}'
        ".meta{color:#5f6b7a;font-size:.9rem}</style></head><body><h1>质量强市 · Editions</h1>"
        f"<ul>{rows}</ul></body></html>"
    )
    root.mkdir(parents=True, exist_ok=True)
    (root / "index.html").write_text(page, encoding="utf-8")
    return root / "index.html"


def _period_order(name: str) -> tuple[int, int]:
    """An archive folder's period as (year, last month), for ordering: 2026-ytd-09, 2026-q3, 2025."""
    parts = name.split("-")
    if len(parts) == 3:
        return int(parts[0]), int(parts[2])
    if len(parts) == 2:
        return int(parts[0]), 3 * int(parts[1][1:])
    return int(parts[0]), 12


def data_version(data_dir: Path) -> str:
    """What an edition says its data are: the import version (python -m qcity.ingest --versions) and the files'
    fingerprint, e.g. "v3 · 1f2e3d4c5b6a", or the fingerprint alone before any import."""
    fingerprint = db.data_version(Path(data_dir))[:12]
    logged = versions.versions(Path(data_dir))
    return f"v{logged[-1]['version']} · {fingerprint}" if logged else fingerprint


def publish(
    data_dir: Path,
    storyline: story.Storyline,
    ctx: story.Context,
    langs: list[str],
    period: Period,
    actor: audit.Actor,
    progress: Progress = silent,
) -> Path:
    """An edition into the data's archive, the archive's index renewed, and an audit line saying who published what;
    returns its folder (a link to the edition's files)."""
    version = data_version(data_dir)
    folder = archive_folder(data_dir, storyline.name, period)
    folder.parent.mkdir(parents=True, exist_ok=True)
    with (folder.parent / f".{folder.name}.lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one publication of a period at a time (a click, the timer): others wait
        build(storyline, ctx, langs, period, version, folder, progress, link=True)
    write_index(data_dir)
    audit.record(data_dir, "publish", actor, storyline=storyline.name, period=period.name, data=version)
    return folder


def address(storyline: str, period_name: str, base: str) -> str:
    """An archived edition's address: QCITY_PUBLIC_URL (else `base`, the server as the browser reached it) and
    /editions/<storyline>/<period>/."""
    root = (os.environ.get(PUBLIC_URL_ENV) or base).rstrip("/")
    return f"{root}/editions/{storyline}/{period_name}/"


def published_address(data_dir: Path, storyline: str, period: Period, base: str | None = None) -> str | None:
    """The address of the storyline's edition of `period` when the archive holds one, for the QR code that a deck's
    title slide, a report's cover and a bulletin's last page carry. None when none is published, or when nothing says
    where readers reach the server: no `base` (the command line) and no QCITY_PUBLIC_URL."""
    if not (archive_folder(data_dir, storyline, period) / "edition.json").is_file():
        return None
    if not (os.environ.get(PUBLIC_URL_ENV) or base):
        return None
    return address(storyline, period.name, base or "")


@functools.lru_cache(maxsize=64)  # the Present page shows it on every rerun; drawing it takes about 8 ms
def qr_png(url: str) -> bytes:
    """The address as a QR code (segno), in modules large enough to scan from the back of a hall when projected."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=12, border=4)
    return buffer.getvalue()
