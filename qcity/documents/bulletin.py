"""The quality bulletin (质量工作情况通报): the Word document officials paste into their report, for one period.

    python -m qcity.export bulletin --period ytd --through 2026-09 --lang zh --out 通报.docx

Shaped like a Chinese government bulletin: a title (city + period + 质量工作情况通报), an overview paragraph, one
numbered section per quality area with its takeaways as sentences, the numbers in tables (headline indicators,
districts, failed items), charts as images, and the source and as-of lines; the synthetic label under the title
for demo data. A4 with the margins of GB/T 9704; body in 仿宋, headings in 黑体, title and tables in 宋体, each run
naming its East Asian font (Word otherwise draws Chinese in the Latin font's fallback). Every sentence and number
comes from the same queries and takeaway rules as the pages, so the bulletin and the dashboard never disagree.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pandas as pd
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from qcity import i18n
from qcity.analysis import attention, indicators, narrative
from qcity.analysis.filters import Filters
from qcity.analysis.indicators import INDICATORS
from qcity.documents import charts, downloads, edition, images, story
from qcity.progress import Progress, silent

BODY_FONT, HEADING_FONT, TITLE_FONT = "仿宋", "黑体", "宋体"
LATIN_FONT = "Times New Roman"
BODY_SIZE, HEADING_SIZE, TITLE_SIZE, TABLE_SIZE = Pt(16), Pt(16), Pt(22), Pt(10.5)  # 三号, 三号, 二号, 五号
WARN = RGBColor(0xB3, 0x26, 0x1E)
NUMERALS = "一二三四五六七八九十"
TOP_ITEMS = 10
TOP_SIGNALS = 15  # early-warning signals listed in the bulletin's table
CHART_SIZE = (1100, 480)
TEXT_WIDTH_CM = 15.6  # A4 less the margins
WRAP_WIDTH = 48  # half-em units a column asks for at most: longer text (an early warning's why) wraps


@dataclass(frozen=True)
class Section:
    """One numbered part of the bulletin: a heading, sentences, and tables and charts after them."""

    heading: str
    sentences: list[str]
    tables: list[tuple[str, pd.DataFrame]]  # caption, rows as shown
    charts: list[tuple[str, object]]  # caption, Plotly figure


def title(city: dict, f: Filters, place: str | None = None) -> str:
    """城市 (+ 区县) + period + 质量工作情况通报 / "Changsha quality bulletin, Jan–Sep 2026"."""
    name = city.get(i18n.name_column(f.lang), "") + (("" if f.lang == "zh" else " · ") + place if place else "")
    return i18n.t("bulletin.title", f.lang, city=name, period=f.at().label(f.lang))


def place(f: Filters, run: Callable[..., pd.DataFrame]) -> str | None:
    """The districts a bulletin is for, by name (岳麓区、望城区), or None for the whole city."""
    if f.all_districts:
        return None
    names = run("districts").set_index("district_code").loc[list(f.districts), i18n.name_column(f.lang)]
    return ("、" if f.lang == "zh" else ", ").join(names)


def _spot_checks(f: Filters, run: Callable[..., pd.DataFrame], note: str) -> tuple[list[str], list, list]:
    """The spot-check paragraph in the words of the national bulletins (batches, failures, rate, change on the same
    period), the domains, the districts and the failed items."""
    lang, T = f.lang, i18n.translator(f.lang)
    by_domain = run("pass_rate_by_domain_year", **f.params)
    where = place(f, run) or T("scope.all")
    sentences = [narrative.spot_checks(by_domain, f.at(), lang, where)]
    if by_domain[by_domain.year == f.year_to].empty:
        return sentences, [], []
    sentences.append(narrative.domains(by_domain, f.at(), lang))
    districts = run("pass_rate_by_district_year", **{**f.params, "year_from": f.year_to - 1})
    sentences.append(narrative.district_years(districts, f.at(), lang))
    items = run("failed_items_top", **{**f.params, "year_from": f.year_to}, domain="")  # the period's own
    sentences.append(narrative.failed_items(items, lang))
    tables = [
        (T("bulletin.districts_table", period=f.at().label(lang)), district_table(districts, f)),
        (T("bulletin.items_table", n=TOP_ITEMS, period=f.at().label(lang)), items_table(items.head(TOP_ITEMS), lang)),
    ]
    by_month = run("pass_rate_by_month", **f.months_params)
    figures = [
        (
            T("spot.by_month", year=f.year_to, last=f.year_to - 1),
            charts.months_against_last_year(
                by_month,
                "pass_rate_so_far",
                "samples",
                lang,
                note,
                T("axis.pass_rate_so_far"),
                T("axis.samples_month"),
                f.min_samples,
            ),
        ),
        (T("story.domains", span=f.at().span(f.year_from, lang)), charts.domain_trend(by_domain, lang, note)),
    ]
    return sentences, tables, figures


def district_table(districts: pd.DataFrame, f: Filters) -> pd.DataFrame:
    """Districts in the period, best pass rate first: samples, pass rate, change on the same months of last year;
    districts with fewer samples than the city's minimum are listed last and not ranked."""
    T = i18n.translator(f.lang)
    now = districts[districts.year == f.year_to].set_index("district_code")
    before = districts[districts.year == f.year_to - 1].set_index("district_code").pass_rate
    now = now.assign(change=now.pass_rate - before.reindex(now.index), enough=now.samples >= f.min_samples)
    now = now.sort_values(["enough", "pass_rate"], ascending=[False, False])
    rank = now.enough.cumsum().where(now.enough)
    return pd.DataFrame(
        {
            T("col.rank"): [str(int(r)) if pd.notna(r) else "—" for r in rank],
            T("col.district"): now[i18n.name_column(f.lang)],
            T("col.samples"): [i18n.fmt_count(n, f.lang) for n in now.samples],
            T("col.pass_rate"): [f"{v:.2f}%" for v in now.pass_rate],
            T("col.change_same") if f.partial else T("col.change"): [
                i18n.fmt_change(c, "pct", f.lang, 2) for c in now.change
            ],
        }
    )


def items_table(items: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The most frequent failed test items: item, category, failed samples, share of the failed samples."""
    T = i18n.translator(lang)
    return pd.DataFrame(
        {
            T("col.rank"): [str(i) for i in range(1, len(items) + 1)],
            T("col.item"): items["item"],
            T("col.category"): [i18n.label("failed_item", c, lang) for c in items.failed_item],
            T("col.failures"): [i18n.fmt_count(n, lang) for n in items.failures],
            T("col.share_of_failed"): [f"{v:.1f}%" for v in items.share_of_failed_pct],
        }
    )


def indicator_table(cards: list[indicators.Kpi], f: Filters) -> pd.DataFrame:
    """The headline indicators: period, value, target and verdict, change on the same period of last year."""
    T, lang = i18n.translator(f.lang), f.lang
    rows = []
    for card in cards:
        ind = card.indicator
        if card.value is None:
            continue
        verdict = {
            "met": T("kpi.met"),
            "missed": T("kpi.missed") if ind.higher_is_better else T("kpi.missed_ceiling"),
            None: "—",
        }[card.status]
        rows.append(
            {
                T("col.indicator"): T(f"ind.{ind.id}"),
                T("col.period"): card.period.label(lang, ind.yearly),
                T("col.value"): i18n.fmt_value(card.value, ind.unit, lang, ind.digits),
                T("col.target"): i18n.fmt_value(card.target, ind.unit, lang, ind.digits),
                T("col.status"): verdict,
                T("col.change_same") if f.partial else T("col.change"): i18n.fmt_change(
                    card.change, ind.unit, lang, ind.digits
                ),
            }
        )
    return pd.DataFrame(rows)


def sections(f: Filters, run: Callable[..., pd.DataFrame], city: dict) -> tuple[str, list[Section]]:
    """The overview paragraph and the numbered sections, from the queries the pages use, the early warnings last;
    `city` is the city config (the charts' footnote, the synthetic label, the warning thresholds)."""
    lang, T = f.lang, i18n.translator(f.lang)
    note = downloads.source_note(city, lang)
    by_year = run("indicator_by_year", **f.params)
    cards = indicators.kpis(by_year, f, list(INDICATORS))
    summary = indicators.rollup(cards)
    overview = T(
        "bulletin.overview",
        period=f.at().label(lang),
        compared=summary.compared,
        improved=summary.improved,
        worsened=summary.worsened,
        targeted=summary.with_target,
        met=summary.met,
        versus=f.at().versus(lang),
    )
    if f.partial:
        overview += T("bulletin.yearly_note", yearly=f.yearly.label(lang))
    out = [
        Section(
            T("bulletin.headline"),
            [],
            [(T("bulletin.headline_table"), indicator_table(indicators.kpis(by_year, f), f))],
            [],
        )
    ]
    for area in indicators.AREAS:
        sentences, tables, figures = [], [], []
        if area == "safety":
            sentences, tables, figures = _spot_checks(f, run, note)
        for indicator_id in indicators.in_area(area):
            ind = INDICATORS[indicator_id]
            trend = by_year[by_year.indicator == indicator_id]
            if trend.empty or ind.domain:  # spot-check rates are told in the paragraph above
                continue
            league = story.district_league(ind, f, run)
            sentences.append(narrative.indicator(ind, trend, league, f.period_of(ind), lang))
        if sentences:
            out.append(Section(T(f"area.{area}"), sentences, tables, figures))
    out.append(_attention(f, run, city))
    return overview, out


def _attention(f: Filters, run: Callable[..., pd.DataFrame], city: dict) -> Section:
    """The early warnings (预警): the signals in a sentence and the most serious TOP_SIGNALS in a table, the rest
    pointed to on the dashboard."""
    lang, T = f.lang, i18n.translator(f.lang)
    try:
        settings = attention.Settings.of(city)
    except indicators.ConfigError as error:
        return Section(T("bulletin.attention"), [T("attention.bad_config", error=str(error))], [], [])
    signals = attention.report(f, settings, run).signals
    sentences = [narrative.attention(signals, f.at(), lang)]
    if len(signals) > TOP_SIGNALS:
        sentences.append(T("bulletin.attention_more", n=len(signals) - TOP_SIGNALS))
    shown = signals.head(TOP_SIGNALS)
    table = pd.DataFrame(
        {
            T("col.rank"): [str(i) for i in range(1, len(shown) + 1)],
            T("col.severity"): [T(f"severity.{s}") for s in shown.severity],
            T("col.signal"): [T(f"signal.{k}") for k in shown.kind],
            T("col.subject"): shown.subject,
            T("col.why"): shown.why,
        }
    )
    return Section(
        T("bulletin.attention"),
        sentences,
        [(T("bulletin.attention_table", n=len(shown), period=f.at().label(lang)), table)],
        [],
    )


def _font(run, name: str, size, bold: bool = False) -> None:
    """Name the Latin and the East Asian font of a run (w:rFonts w:eastAsia), and its size."""
    run.font.name, run.font.size, run.font.bold = LATIN_FONT, size, bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _paragraph(
    document,
    text: str,
    font: str,
    size,
    bold: bool = False,
    align=None,
    indent: bool = False,
    colour: RGBColor | None = None,
):
    paragraph = document.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    if indent:  # 首行缩进两字
        paragraph.paragraph_format.first_line_indent = size * 2
    paragraph.paragraph_format.line_spacing = Pt(28) if size >= Pt(16) else None
    run = paragraph.add_run(text)
    _font(run, font, size, bold)
    if colour is not None:
        run.font.color.rgb = colour
    return paragraph


def _width(text: str) -> int:
    """Printed width in half-em units: a CJK character takes two."""
    return sum(2 if ord(c) > 0x2E80 else 1 for c in text)


def _table(document, caption: str, frame: pd.DataFrame) -> None:
    """A caption kept with its table; columns as wide as their longest text (plus the cell padding, up to
    WRAP_WIDTH), within the text block."""
    _paragraph(
        document, caption, HEADING_FONT, Pt(12), align=WD_ALIGN_PARAGRAPH.CENTER
    ).paragraph_format.keep_with_next = True
    table = document.add_table(rows=1, cols=len(frame.columns), style="Table Grid")
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    needs = [
        4 + min(WRAP_WIDTH, max([_width(str(name))] + [_width(str(v)) for v in frame[name]])) for name in frame.columns
    ]
    widths = [Cm(TEXT_WIDTH_CM * n / sum(needs)) for n in needs]
    table.autofit = False
    for column, width in zip(table.columns, widths):  # the grid, which LibreOffice reads; cells for Word
        column.width = width
    for cell, name, width in zip(table.rows[0].cells, frame.columns, widths):
        cell.width = width
        _font(cell.paragraphs[0].add_run(str(name)), HEADING_FONT, TABLE_SIZE)
    for row in frame.itertuples(index=False):
        for cell, value, width in zip(table.add_row().cells, row, widths):
            cell.width = width
            _font(cell.paragraphs[0].add_run(str(value)), TITLE_FONT, TABLE_SIZE)
    document.add_paragraph()  # a blank line before what follows


def build(
    f: Filters,
    run: Callable[..., pd.DataFrame],
    city: dict,
    as_of: date | None,
    progress: Progress = silent,
    edition_url: str | None = None,
) -> bytes:
    """The bulletin for the filters' period as a .docx file's bytes, each chart drawn told to `progress`, ending
    with the QR code of `edition_url` (the period's published edition). Needs Chromium for the chart images."""
    lang, T = f.lang, i18n.translator(f.lang)
    progress(T("progress.views"), 0, 0)
    overview, parts = sections(f, run, city)
    total, drawn = sum(len(part.charts) for part in parts), 0
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)  # A4
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    _font(document.styles["Normal"], BODY_FONT, BODY_SIZE)  # styles take the same font properties as runs
    heading = title(city, f, place(f, run))
    _paragraph(document, heading, TITLE_FONT, TITLE_SIZE, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    if city.get("synthetic"):
        _paragraph(document, T("bulletin.synthetic"), BODY_FONT, Pt(12), align=WD_ALIGN_PARAGRAPH.CENTER, colour=WARN)
    _paragraph(document, overview, BODY_FONT, BODY_SIZE, indent=True)
    for number, part in enumerate(parts):
        heading = f"{NUMERALS[number]}、{part.heading}" if lang == "zh" else f"{number + 1}. {part.heading}"
        _paragraph(
            document, heading, HEADING_FONT, HEADING_SIZE, bold=lang == "en"
        ).paragraph_format.keep_with_next = True
        for sentence in part.sentences:
            _paragraph(document, sentence, BODY_FONT, BODY_SIZE, indent=True)
        for caption, frame in part.tables:
            if len(frame):
                _table(document, caption, frame)
        for caption, figure in part.charts:
            _paragraph(
                document, caption, HEADING_FONT, Pt(12), align=WD_ALIGN_PARAGRAPH.CENTER
            ).paragraph_format.keep_with_next = True
            progress(T("progress.charts"), drawn, total)
            picture = images.render(charts.for_export(figure), "png", size=CHART_SIZE)
            drawn += 1
            document.add_picture(io.BytesIO(picture), width=Cm(TEXT_WIDTH_CM))
            document.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
    progress(T("progress.writing_file"), 0, 0)
    _paragraph(document, downloads.source_note(city, lang), BODY_FONT, Pt(12))
    _paragraph(document, T("bulletin.as_of", date=as_of.isoformat() if as_of else "—"), BODY_FONT, Pt(12))
    if edition_url:  # a reader of the printed bulletin opens the edition on a phone
        _paragraph(document, T("edition.scan"), BODY_FONT, Pt(12)).paragraph_format.keep_with_next = True
        document.add_picture(io.BytesIO(edition.qr_png(edition_url)), width=Cm(4))
        _paragraph(document, edition_url, BODY_FONT, Pt(10))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
