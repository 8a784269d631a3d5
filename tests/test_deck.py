"""The deck (PPTX) and the report (PDF) read back: slides and pages per view, titles, takeaways whose numbers are
the query results, speaker notes, footers, chart images that are drawn, and Chinese drawn with a CJK font."""

import io
import subprocess
import sys
import unicodedata

import plotly.graph_objects as go
import pytest
from helpers import OPTIONS, ROOT, WHOLE
from PIL import Image, ImageChops, ImageStat
from pptx import Presentation
from pptx.oxml.ns import qn
from pypdf import PdfReader

from qcity.documents import deck, images, story

pytestmark = pytest.mark.browser

VIEWS = [
    "chart=trend&indicator=food_pass_rate&from=2024&to=2025",
    "chart=districts&indicator=food_pass_rate",
    "chart=domains&from=2024",
    "chart=index&to=2025",
]


@pytest.fixture(scope="module")
def storyline():
    return story.Storyline(
        "test",
        {"zh": "测试市质量报告", "en": "Test City quality review"},
        tuple(story.view_from_query(v, OPTIONS) for v in VIEWS),
    )


@pytest.fixture(scope="module")
def ctx(tiny_db, tiny_dir):
    return story.Context(tiny_db.query, {**tiny_db.city(), "synthetic": True, "as_of": "2025-12-31"}, tiny_dir)


@pytest.fixture(scope="module")
def pptx_zh(storyline, ctx):
    return Presentation(io.BytesIO(deck.build("deck", storyline, ctx, "zh")))


def texts(slide) -> list[str]:
    return [shape.text_frame.text for shape in slide.shapes if shape.has_text_frame]


def ink(png: bytes) -> float:
    """The share of pixels darker than light grey: lines, marks and text. An empty Plotly figure (white paper, a
    pale plot area) has 0.04-0.23%; the test city's sparsest chart, a two-year trend, 0.8%."""
    dark = Image.open(io.BytesIO(png)).convert("L").point(lambda p: 255 if p < 200 else 0)
    return ImageStat.Stat(dark).mean[0] / 255


def test_the_blank_check_can_fail():
    assert ink(images.render(go.Figure())) < 0.004


def test_the_deck_has_a_cover_and_a_slide_per_view_with_title_takeaway_chart_notes_and_footer(pptx_zh, storyline, ctx):
    slides = list(pptx_zh.slides)
    assert len(slides) == 1 + len(storyline.views)
    assert texts(slides[0])[0] == "测试市质量报告"
    assert "合成演示数据，非真实统计" in " ".join(texts(slides[0]))
    for number, (slide, view) in enumerate(zip(slides[1:], storyline.views), start=2):
        shown = story.render(view, ctx, "zh")
        body = texts(slide)
        assert body[0] == shown.title and body[1] == shown.takeaway and body[2] == shown.scope
        assert body[-1] == f"合成演示数据，非真实统计 · 数据截至 2025-12-31 · {number}/5"
        notes = slide.notes_slide.notes_text_frame.text
        assert shown.takeaway in notes and all(line in notes for line in shown.facts)
        pictures = [s for s in slide.shapes if s.shape_type == 13]
        assert len(pictures) == 1
        picture = pictures[0]
        assert abs(picture.width / picture.height - 16 / 9) < 0.01
        image = Image.open(io.BytesIO(picture.image.blob))
        assert image.size == (2400, 1350)  # 1200 x 675 CSS pixels at scale 2
        assert ink(picture.image.blob) > 0.005, f"slide {number}'s chart looks blank"
    run = slides[1].shapes[0].text_frame.paragraphs[0].runs[0]
    assert run._r.rPr.find(qn("a:ea")).get("typeface") == deck.EAST_ASIAN_FONT  # Chinese never set in Arial


def test_the_takeaway_numbers_are_the_query_results(pptx_zh, tiny_db):
    by_year = tiny_db.query("indicator_by_year", year_from=2024, year_to=2025, **WHOLE, districts=[], sectors=[])
    food = by_year[(by_year.indicator == "food_pass_rate") & (by_year.year == 2025)].iloc[0]
    league = tiny_db.query(
        "district_league",
        **WHOLE,
        indicator="food_pass_rate",
        year=2025,
        districts=[],
        sectors=[],
        min_samples=10,
        higher_is_better=True,
    ).set_index("district_code")
    assert (round(food.value, 1), round(food.change, 1)) == (97.1, 6.2)  # 34/35; 34/35 - 40/44, by hand
    trend = texts(list(pptx_zh.slides)[1])[1]
    assert f"{food.value:.1f}%" in trend and f"提高 {food.change:.1f} 个百分点" in trend
    assert f"乙区最高（{league.at['100002', 'value']:.1f}%）" in trend
    assert f"甲区最低（{league.at['100001', 'value']:.1f}%）" in trend and f"目标 {food.target:.1f}%" in trend
    domains = tiny_db.query("pass_rate_by_domain_year", year_from=2024, year_to=2025, **WHOLE, districts=[], sectors=[])
    food_2025 = domains[(domains.domain == "food") & (domains.year == 2025)].pass_rate.iloc[0]
    # 2025 has food samples only (from 2024: both years), so the sentence names the one domain
    assert texts(list(pptx_zh.slides)[3])[1] == f"2025年食品抽检合格率 {food_2025:.1f}%；1 个领域中 1 个比上年提高。"


def test_the_english_deck_follows_the_language(storyline, ctx):
    slides = list(Presentation(io.BytesIO(deck.build("deck", storyline, ctx, "en"))).slides)
    assert texts(slides[0])[0] == "Test City quality review"
    assert texts(slides[1])[0] == "Food sampling pass rate, 2024–2025"
    assert texts(slides[1])[1].startswith("Food sampling pass rate: 97.1% in 2025, up 6.2 points on last year")
    assert texts(slides[1])[-1].startswith("Synthetic demo data, not real statistics · Data as of 2025-12-31")


def test_the_report_is_a4_with_a_cover_and_a_page_per_view(storyline, ctx):
    pdf = PdfReader(io.BytesIO(deck.build("report", storyline, ctx, "zh")))
    assert len(pdf.pages) == 1 + len(storyline.views)
    width, height = float(pdf.pages[0].mediabox.width), float(pdf.pages[0].mediabox.height)
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    cover = page_text(pdf.pages[0])
    assert "测试市质量报告" in cover and nfkc("合成演示数据，非真实统计") in cover
    for number, (page, view) in enumerate(zip(pdf.pages[1:], storyline.views), start=2):
        text = page_text(page).replace("\n", "")
        shown = story.render(view, ctx, "zh")
        assert loosely_in(shown.title, text) and loosely_in(shown.takeaway, text)
        assert f"{number} / 5" in text and "测试市质量报告" in text  # page number and running header
        assert page.images and ink(page.images[0].data) > 0.005


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def page_text(page) -> str:
    """A PDF page's text. Chromium maps some CJK glyphs back to Kangxi radicals (示 as ⽰); NFKC undoes that (and
    makes full-width punctuation plain, so expected text is compared in NFKC too)."""
    return nfkc(page.extract_text())


def loosely_in(expected: str, text: str) -> bool:
    """Whether `expected` appears in `text` with at most one character in five read back differently: a few glyphs
    (食 as the radical ⻝, – as ‒) come back as look-alikes that no normalisation maps."""
    expected = nfkc(expected)
    return any(
        sum(a == b for a, b in zip(expected, text[i : i + len(expected)])) >= 0.8 * len(expected)
        for i in range(len(text) - len(expected) + 1)
    )


def glyph_programs(page) -> set[bytes]:
    """The drawn shapes of every glyph of a page's embedded fonts (Chromium embeds CJK OpenType as Type 3)."""
    programs = set()
    for font in page["/Resources"]["/Font"].values():
        font = font.get_object()
        if "/CharProcs" in font:
            programs |= {proc.get_object().get_data() for proc in font["/CharProcs"].values()}
    return programs


def test_chinese_is_drawn_with_a_cjk_font_in_charts_and_report(storyline, ctx):
    def title_strip(text: str) -> Image.Image:
        fig = go.Figure(layout=dict(title=dict(text=text, font=dict(size=40)), width=600, height=200))
        return Image.open(io.BytesIO(images.render(fig, size=(600, 200), scale=1))).convert("L").crop((0, 0, 600, 90))

    # Missing glyphs are drawn as identical boxes, so two different characters would look the same
    first, second, unknown = title_strip("食品"), title_strip("质量"), title_strip("\ue000\ue001")
    assert ImageChops.difference(first, second).getbbox() is not None
    assert ImageChops.difference(first, unknown).getbbox() is not None
    assert ImageStat.Stat(first).var[0] > 50  # something is drawn at all

    pdf = PdfReader(
        io.BytesIO(
            deck.build("report", story.Storyline("t", {"zh": "食品抽检合格率报告"}, storyline.views[:1]), ctx, "zh")
        )
    )
    cover = pdf.pages[0]
    fonts = [f.get_object() for f in cover["/Resources"]["/Font"].values()]
    assert all(
        "/CharProcs" in f or "/FontFile2" in f.get("/FontDescriptor", {}) or "/DescendantFonts" in f for f in fonts
    )  # every font is embedded
    cjk = {c for c in page_text(cover) if "\u4e00" <= c <= "\u9fff"}
    assert len(cjk) >= 10 and len(glyph_programs(cover)) >= len(cjk)  # a distinct drawn glyph per character


def test_the_command_exports_a_view_and_names_a_bad_storyline(tiny_dir, tmp_path):
    out = tmp_path / "view.pptx"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "qcity.export",
            "deck",
            "--current-view",
            VIEWS[0],
            "--lang",
            "en",
            "--data",
            str(tiny_dir),
            "--out",
            str(out),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "1 views, en" in done.stdout and len(Presentation(str(out)).slides) == 2
    bad = subprocess.run(
        [
            sys.executable,
            "-m",
            "qcity.export",
            "report",
            "--storyline",
            "missing",
            "--data",
            str(tiny_dir),
            "--out",
            str(tmp_path / "r.pdf"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert bad.returncode == 2 and "storylines/missing.json: no such storyline" in bad.stderr
    assert not (tmp_path / "r.pdf").exists()
    wrong = subprocess.run(
        [sys.executable, "-m", "qcity.export", "deck", "--out", str(tmp_path / "x.pdf")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert wrong.returncode == 2 and "--out must end in .pptx" in wrong.stderr


def test_a_chart_downloads_as_png_and_svg_at_its_screen_height(ctx, storyline):
    from qcity.web import ui

    figure = story.render(storyline.views[0], ctx, "zh").figure
    png = ui.chart_image(figure, "png")
    assert Image.open(io.BytesIO(png)).size == (2400, 2 * figure.layout.height) and ink(png) > 0.005
    svg = ui.chart_image(figure, "svg").decode("utf-8")
    assert svg.startswith("<svg") and "合成演示数据，非真实统计" in svg and "年份" in svg  # footnote and axis title
