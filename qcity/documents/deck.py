"""A storyline as a slide deck (PPTX, 16:9) and as a printable A4 report (PDF).

Both are built from rendered slides (qcity.documents.story.Slide): title, takeaway, the chart as a 16:9 image
from qcity.documents.images, and the figures behind it (speaker notes in the deck, a table under the chart in the
report). Every slide and page carries the source, the as-of date and, for demo data, the synthetic label.

The report is HTML printed to PDF by the same Chromium that draws the charts (its CSS page margin boxes give the
running header and page numbers), so Chinese text uses the system's CJK font and the font is embedded.
"""

from __future__ import annotations

import argparse
import base64
import html
import io
import subprocess
import sys
import tempfile
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from qcity import i18n
from qcity.analysis import filters
from qcity.documents import bulletin, charts, downloads, edition, images, story
from qcity.documents.story import Slide
from qcity.progress import Progress, Terminal, silent
from qcity.store import audit, db

EAST_ASIAN_FONT = "Microsoft YaHei"  # what officials' Windows and WPS have; LibreOffice falls back to Noto CJK
LATIN_FONT = "Arial"
WIDTH, HEIGHT = Inches(13.333), Inches(7.5)
INK, GREY, WARN = RGBColor(0x1B, 0x1F, 0x24), RGBColor(0x5F, 0x63, 0x68), RGBColor(0xB3, 0x26, 0x1E)
TYPE_SCALE = 1.4  # chart type on a slide or projector, relative to the screen


@dataclass(frozen=True)
class Meta:
    """What the cover and footers say: the storyline's title, the city, the as-of date, the source note."""

    title: str
    city: str
    as_of: str
    note: str  # the synthetic label for demo data, else the source
    synthetic: bool
    lang: str
    edition: str | None = None  # the address of the period's published edition, for a QR code on the cover

    def footer(self, page: int, pages: int) -> str:
        as_of = i18n.t("deck.as_of", self.lang, date=self.as_of)
        return f"{self.note} · {as_of} · {page}/{pages}"


def meta(city: dict, title: str, lang: str, as_of: date | None, edition_url: str | None = None) -> Meta:
    """The cover's and footers' facts; `as_of` is the data's (filters.Options.as_of), never the day of export."""
    return Meta(
        title,
        city.get(i18n.name_column(lang), ""),
        as_of.isoformat() if as_of else "—",
        downloads.source_note(city, lang),
        bool(city.get("synthetic")),
        lang,
        edition_url,
    )


def chart_png(slide: Slide) -> bytes | None:
    return images.render(charts.for_export(slide.figure, TYPE_SCALE)) if slide.figure is not None else None


def _text(frame, text: str, size: int, colour: RGBColor = INK, bold: bool = False, new_paragraph: bool = False):
    """Write a run with both the Latin and the East Asian font named, so Chinese never falls to a Latin font."""
    paragraph = frame.add_paragraph() if new_paragraph else frame.paragraphs[0]
    run = paragraph.add_run()
    run.text = text
    run.font.size, run.font.bold, run.font.name = Pt(size), bold, LATIN_FONT
    run.font.color.rgb = colour
    properties = run._r.get_or_add_rPr()  # <a:ea> follows <a:latin>, as the schema orders them
    properties.append(properties.makeelement(qn("a:ea"), {"typeface": EAST_ASIAN_FONT}))
    return run


def _box(slide, left, top, width, height):
    frame = slide.shapes.add_textbox(left, top, width, height).text_frame
    frame.word_wrap = True
    return frame


def deck(slides: list[Slide], info: Meta, pictures: list[bytes | None]) -> bytes:
    """The PPTX: a title slide, then one slide per view with title, takeaway, chart, footer and speaker notes."""
    T = i18n.translator(info.lang)
    pptx = Presentation()
    pptx.slide_width, pptx.slide_height = WIDTH, HEIGHT
    blank = pptx.slide_layouts[6]
    margin, inner = Inches(0.6), WIDTH - Inches(1.2)

    cover = pptx.slides.add_slide(blank)
    _text(_box(cover, margin, Inches(2.3), inner, Inches(1.4)), info.title, 40, bold=True)
    qr_side = Inches(2.6)
    sub = _box(cover, margin, Inches(3.8), inner - (qr_side + Inches(0.4) if info.edition else 0), Inches(1.6))
    _text(sub, i18n.tn("deck.subtitle", len(slides), info.lang, city=info.city, n=len(slides)), 20, GREY)
    _text(sub, T("deck.as_of", date=info.as_of), 16, GREY, new_paragraph=True)
    if info.synthetic:
        _text(sub, info.note, 20, WARN, bold=True, new_paragraph=True)
    notes = [info.title, info.note]
    if info.edition:  # the hall scans the edition's address from the title slide
        left = WIDTH - margin - qr_side
        cover.shapes.add_picture(io.BytesIO(edition.qr_png(info.edition)), left, Inches(3.7), qr_side, qr_side)
        caption = _box(cover, left - Inches(0.4), Inches(6.35), qr_side + Inches(0.8), Inches(0.8))
        _text(caption, T("edition.scan"), 12)
        _text(caption, info.edition, 10, GREY, new_paragraph=True)
        notes.append(info.edition)
    cover.notes_slide.notes_text_frame.text = "\n".join(notes)

    image_height = Inches(4.6)
    image_width = Emu(int(image_height * 16 / 9))
    for number, (slide, picture) in enumerate(zip(slides, pictures), start=2):
        page = pptx.slides.add_slide(blank)
        _text(_box(page, margin, Inches(0.3), inner, Inches(0.8)), slide.title, 28, bold=True)
        _text(_box(page, margin, Inches(1.05), inner, Inches(0.9)), slide.takeaway, 16)
        _text(_box(page, margin, Inches(1.85), inner, Inches(0.35)), slide.scope, 11, GREY)
        top = Inches(2.25)
        if picture:
            page.shapes.add_picture(io.BytesIO(picture), (WIDTH - image_width) // 2, top, image_width, image_height)
        else:
            _text(_box(page, margin, top + Inches(2), inner, Inches(0.6)), T("deck.no_chart"), 20, GREY)
        _text(_box(page, margin, Inches(6.95), inner, Inches(0.4)), info.footer(number, len(slides) + 1), 10, GREY)
        notes = [slide.takeaway, slide.scope, "", T("deck.figures"), *slide.facts, "", info.note]
        page.notes_slide.notes_text_frame.text = "\n".join(notes)
    out = io.BytesIO()
    pptx.save(out)
    return out.getvalue()


REPORT_CSS = """
@page { size: A4; margin: 22mm 16mm 20mm 16mm;
  @top-left { content: "%(header)s"; font: 9pt %(font)s; color: #5f6368; }
  @bottom-left { content: "%(footer)s"; font: 8pt %(font)s; color: #5f6368; }
  @bottom-right { content: counter(page) " / " counter(pages); font: 9pt %(font)s; color: #5f6368; } }
@page :first { @top-left { content: none; } }
body { font-family: %(font)s; color: #1b1f24; }
.cover { height: 230mm; display: flex; flex-direction: column; justify-content: center; }
.cover h1 { font-size: 30pt; margin: 0 0 8mm; } .cover p { font-size: 14pt; color: #5f6368; margin: 2mm 0; }
.cover .synthetic { color: #b3261e; font-weight: bold; }
section { break-before: page; } h2 { font-size: 17pt; margin: 0 0 4mm; }
.takeaway { font-size: 12pt; line-height: 1.5; } .scope { font-size: 9pt; color: #5f6368; }
.qr { margin: 10mm 0 0; } .qr img { width: 45mm; } .qr figcaption { font-size: 10pt; }
img { width: 100%%; } ul { font-size: 9pt; color: #333; columns: 2; padding-left: 5mm; } li { break-inside: avoid; }
"""


def _css_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")


def report_html(slides: list[Slide], info: Meta, pictures: list[bytes | None]) -> str:
    """The report as one HTML document: a cover, then a page per view (title, takeaway, chart, figures)."""
    T = i18n.translator(info.lang)
    esc = html.escape
    css = REPORT_CSS % {
        "header": _css_text(info.title),
        "font": charts.FONT,
        "footer": _css_text(f"{info.note} · {T('deck.as_of', date=info.as_of)}"),
    }
    parts = [
        f'<!doctype html><html lang="{"zh-CN" if info.lang == "zh" else "en"}"><head><meta charset="utf-8">',
        f"<title>{esc(info.title)}</title><style>{css}</style></head><body>",
        f'<div class="cover"><h1>{esc(info.title)}</h1>',
        f"<p>{esc(i18n.tn('deck.subtitle', len(slides), info.lang, city=info.city, n=len(slides)))}</p>",
        f"<p>{esc(T('deck.as_of', date=info.as_of))}</p>",
        f'<p class="synthetic">{esc(info.note)}</p>' if info.synthetic else f"<p>{esc(info.note)}</p>",
        _qr_html(info),
        "</div>",
    ]
    for slide, picture in zip(slides, pictures):
        image = (
            f'<img alt="{esc(slide.title)}" src="data:image/png;base64,{base64.b64encode(picture).decode()}">'
            if picture
            else f"<p class=scope>{esc(T('deck.no_chart'))}</p>"
        )
        facts = "".join(f"<li>{esc(line)}</li>" for line in slide.facts)
        parts.append(
            f"<section><h2>{esc(slide.title)}</h2><p class=takeaway>{esc(slide.takeaway)}</p>"
            f"<p class=scope>{esc(slide.scope)}</p>{image}<h3>{esc(T('deck.figures'))}</h3>"
            f"<ul>{facts}</ul></section>"
        )
    parts.append("</body></html>")
    return "".join(parts)


def _qr_html(info: Meta) -> str:
    """The cover's QR code of the period's edition, with its address under it."""
    if not info.edition:
        return ""
    png = base64.b64encode(edition.qr_png(info.edition)).decode()
    return (
        f'<figure class="qr"><img alt="QR" src="data:image/png;base64,{png}"><figcaption>'
        f"{html.escape(i18n.t('edition.scan', info.lang))}<br>{html.escape(info.edition)}</figcaption></figure>"
    )


def report(slides: list[Slide], info: Meta, pictures: list[bytes | None]) -> bytes:
    """The A4 PDF, printed by headless Chromium from report_html."""
    browser = images.chromium()
    if browser is None:
        raise images.ImageError(
            "The PDF report needs Chromium: apt-get install chromium fonts-noto-cjk, or set QCITY_CHROMIUM."
        )
    with tempfile.TemporaryDirectory(prefix="qcity-report-") as folder:
        page, pdf = Path(folder) / "report.html", Path(folder) / "report.pdf"
        page.write_text(report_html(slides, info, pictures), encoding="utf-8")
        command = [
            browser,
            "--headless",
            *images.CHROMIUM_FLAGS,
            f"--user-data-dir={Path(folder) / 'profile'}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf}",
            page.as_uri(),
        ]
        done = subprocess.run(command, capture_output=True, text=True, timeout=180)
        if not pdf.is_file():
            raise images.ImageError(
                f"Chromium did not print the report (exit {done.returncode}): {done.stderr.strip()[-300:]}"
            )
        return pdf.read_bytes()


def build(
    kind: str,
    storyline: story.Storyline,
    ctx: story.Context,
    lang: str,
    progress: Progress = silent,
    edition_url: str | None = None,
) -> bytes:
    """A storyline as a deck ("deck", PPTX) or a report ("report", PDF) in one language, with the QR code of
    `edition_url` (the period's published edition) on its cover; each view read and each chart drawn is told to
    `progress`."""
    return write(kind, *drawn(storyline, ctx, lang, progress, edition_url))


def drawn(
    storyline: story.Storyline,
    ctx: story.Context,
    lang: str,
    progress: Progress = silent,
    edition_url: str | None = None,
) -> tuple[list[Slide], Meta, list[bytes | None]]:
    """What a deck and a report are made of: each view rendered, each chart drawn, the cover's facts. A delivery
    that sends both draws them once."""
    total = len(storyline.views)
    slides = []
    for done, view in enumerate(storyline.views):
        progress(i18n.t("progress.views", lang), done, total)
        slides.append(story.render(view, ctx, lang))
    pictures = []
    for done, slide in enumerate(slides):
        progress(i18n.t("progress.charts", lang), done, total)
        pictures.append(chart_png(slide))
    progress(i18n.t("progress.writing_file", lang), 0, 0)
    as_of = filters.load_options(ctx.run, ctx.city)[0].as_of
    info = meta(ctx.city, storyline.title.get(lang) or i18n.t("story.default_title", lang), lang, as_of, edition_url)
    return slides, info, pictures


def write(kind: str, slides: list[Slide], info: Meta, pictures: list[bytes | None]) -> bytes:
    """The PPTX ("deck") or the PDF ("report") of drawn slides."""
    return (deck if kind == "deck" else report)(slides, info, pictures)


def main(argv: list[str] | None = None) -> int:
    """`python -m qcity.export deck|report [--storyline NAME | --current-view QUERY] --lang zh|en --out FILE`,
    `python -m qcity.export bulletin --period ytd --through 2026-09 --lang zh --out 通报.docx`, or
    `python -m qcity.export edition --storyline NAME --period ytd --through 2026-09 --lang zh,en [--out DIR]`."""
    parser = _parser()
    args = parser.parse_args(argv)
    langs = args.lang.split(",")
    if (
        len(set(langs)) != len(langs)
        or not set(langs) <= set(i18n.LANGS)
        or (len(langs) > 1 and args.kind != "edition")
    ):
        parser.error(f"--lang {args.lang}: one of {', '.join(i18n.LANGS)} (an edition takes several, e.g. zh,en)")
    suffix = {"deck": ".pptx", "report": ".pdf", "bulletin": ".docx", "edition": ""}[args.kind]
    if suffix and (args.out is None or args.out.suffix.lower() != suffix):
        parser.error(f"--out must end in {suffix} for a {args.kind}")
    database = db.Database(args.data or db.data_dir())
    options = filters.load_options(database.query, database.city())[0]
    try:
        if args.kind == "edition":
            return _edition(args, langs, database, options)
        if args.kind == "bulletin":
            content = _bulletin(args, database, options, _edition_url(args, database.path, args.storyline, options))
            print(f"wrote {args.out} ({len(content):,} bytes, {args.lang})")
            args.out.write_bytes(content)
            return 0
        if args.current_view is not None:
            view = story.view_from_query(args.current_view, options)
            storyline = story.Storyline("current-view", {}, (view,))
        else:
            storyline = story.load(database.path, args.storyline, options)
        ctx = story.Context(database.query, database.city(), database.path)
        url = _edition_url(args, database.path, storyline.name, options)
        with Terminal() as terminal:
            content = build(args.kind, storyline, ctx, args.lang, terminal, url)
    except (story.StorylineError, images.ImageError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    args.out.write_bytes(content)
    print(f"wrote {args.out} ({len(content):,} bytes, {len(storyline.views)} views, {args.lang})")
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m qcity.export",
        description=(
            "Export a storyline (default: the default storyline) or one view as a PPTX deck or an A4 PDF report, "
            "the quality bulletin of a period as a Word document, or a storyline for a period as an edition: a static "
            "page for phones (qcity.documents.edition)."
        ),
    )
    parser.add_argument("kind", choices=("deck", "report", "bulletin", "edition"))
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--storyline", default=story.DEFAULT, help="a storyline saved under <data>/storylines")
    which.add_argument(
        "--current-view",
        metavar="QUERY",
        help=(
            "one view as the Present page shows it, e.g. "
            "'page=overview&chart=trend&indicator=food_pass_rate&from=2021&to=2025&district=430104'"
        ),
    )
    period = parser.add_argument_group("the bulletin's or edition's period (default: the data's)")
    period.add_argument("--period", choices=filters.PERIODS, help="whole year, year to date or quarter")
    period.add_argument("--through", metavar="YYYY-MM", help="last month of a year to date (--period ytd)")
    period.add_argument("--quarter", metavar="YYYYQn", help="the quarter (--period q)")
    period.add_argument("--year", metavar="YYYY", help="the year (--period year)")
    period.add_argument("--district", metavar="CODES", help="district codes, comma-separated (default: all)")
    parser.add_argument("--lang", default=i18n.DEFAULT_LANG, help="zh or en; an edition takes zh,en for both")
    parser.add_argument("--out", type=Path, help="the file; for an edition a folder (default: the data's archive)")
    parser.add_argument("--data", type=Path, default=None, help="data directory (default: $QCITY_DATA_DIR or data/)")
    return parser


def _edition(args, langs: list[str], database: db.Database, options: filters.Options) -> int:
    """An edition of the storyline for the period the arguments name (qcity.documents.edition); without --out, into
    the data's archive, whose index then lists it."""
    period = edition.period_of(_period_query(args), options)
    storyline = story.load(database.path, args.storyline, options)
    ctx = story.Context(database.query, database.city(), database.path)
    with Terminal() as terminal:
        if args.out is None:
            out = edition.publish(database.path, storyline, ctx, langs, period, audit.Actor.command_line(), terminal)
        else:
            out = edition.build(storyline, ctx, langs, period, edition.data_version(database.path), args.out, terminal)
    print(f"wrote {out}/index.html ({len(storyline.views)} views, {period.label('en')}, {','.join(langs)})")
    return 0


def _period_query(args) -> dict:
    """The period the arguments name, as a link's keys."""
    return {"period": args.period, "through": args.through, "quarter": args.quarter, "to": args.year}


def _edition_url(args, data_dir: Path, storyline: str, options: filters.Options) -> str | None:
    """The address for the cover's or last page's QR code: the storyline's published edition of the period the
    arguments name (the data's latest without them), where QCITY_PUBLIC_URL says readers reach the server."""
    return edition.published_address(data_dir, storyline, edition.period_of(_period_query(args), options))


def _bulletin(args, database: db.Database, options: filters.Options, edition_url: str | None) -> bytes:
    """The bulletin for the period the arguments name, checked like a link: a value that does not fit is an error."""
    selection = edition.period_of({**_period_query(args), "district": args.district}, options).selection
    selection = replace(selection, year_from=max(options.first_year, selection.year_to - 4), lang=args.lang)
    f = filters.Filters.of(selection, int(database.city().get("min_samples", 30)))
    with Terminal() as terminal:
        return bulletin.build(f, database.query, database.city(), options.as_of, terminal, edition_url)


if __name__ == "__main__":
    raise SystemExit(main())
