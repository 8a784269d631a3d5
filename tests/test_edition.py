"""An edition (qcity.documents.edition): the storyline of a period as a static page. Its numbers and sentences are
the app's for the same link; a period outside the data writes nothing; the archive lists editions newest first;
on a phone-sized Chromium from file:// it scrolls only down, draws every chart and asks no other host."""

import html
import io
import json
import os
import re
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
import zxingcpp
from docx import Document
from helpers import starter
from PIL import Image
from playwright.sync_api import sync_playwright
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pypdf import PdfReader

from qcity.analysis import filters, indicators, narrative
from qcity.documents import deck, edition, story
from qcity.documents import images as chart_images
from qcity.store import audit, db
from qcity.web import accounts, auth

YTD = ["--period", "ytd", "--through", "2026-09"]


@pytest.fixture(scope="module")
def published(ytd_dir, tmp_path_factory) -> Path:
    """The default storyline's edition of Jan-Sep 2026 in both languages, into a copy's archive."""
    data = tmp_path_factory.mktemp("edition") / "data"
    shutil.copytree(ytd_dir, data)
    assert deck.main(["edition", *YTD, "--lang", "zh,en", "--data", str(data)]) == 0
    return data


def page(data: Path, lang: str) -> str:
    return (data / "editions" / "default" / "2026-ytd-09" / f"{lang}.html").read_text(encoding="utf-8")


def texts(at) -> list[str]:
    return [e.value for kind in ("markdown", "caption", "subheader", "info") for e in getattr(at, kind)]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_cards_and_the_takeaway_are_the_apps_for_the_same_link(published, ytd_dir, monkeypatch, lang):
    at = starter(ytd_dir, monkeypatch)({"from": "2022", "period": "ytd", "through": "2026-09", "lang": lang})
    shown = page(published, lang)
    values = re.findall(r'<div class="value">([^<]*)</div>', shown)
    assert values == [m.value for m in at.metric][: len(values)] and len(values) >= 6  # the Overview's cards
    changes = re.findall(r'<span class="delta">([^<]*)</span>', shown)
    assert changes == [m.delta for m in at.metric if m.delta][: len(changes)] and changes
    # the food pass rate's trend: the Overview's takeaway for the same link, word for word
    takeaways = [html.unescape(t) for t in re.findall(r'<p class="takeaway">([^<]*)</p>', shown)]
    assert len(takeaways) == len(story.default(filters.load_options(*_run(ytd_dir))[0]).views)
    assert any(t in texts(at) for t in takeaways)


def _run(data: Path):
    database = db.Database(data)
    return database.query, database.city()


def test_every_view_is_rendered_by_the_storylines_code_for_the_editions_period(published):
    database = db.Database(published)
    options = filters.load_options(database.query, database.city())[0]
    period = edition.period_of({"period": "ytd", "through": "2026-09"}, options)
    views = edition.in_period(story.load(published, "default", options), period)
    assert all(v.filters["period"] == "ytd" and v.filters["through"] == "2026-09" for v in views.views)
    ctx = story.Context(database.query, database.city(), published)
    shown = page(published, "en")
    for view in views.views:
        slide = story.render(view, ctx, "en")
        assert html.escape(slide.takeaway) in shown and html.escape(slide.title) in shown
        assert all(html.escape(line) in shown for line in slide.facts)
    assert shown.count('class="chart"') == sum(story.render(v, ctx, "en").figure is not None for v in views.views)
    about = json.loads((published / "editions" / "default" / "2026-ytd-09" / "edition.json").read_text())
    assert about["data_version"] == edition.data_version(published) and about["languages"] == ["zh", "en"]
    assert about["data_version"] in shown  # the page names its data version
    assert "Synthetic" in shown or "synthetic" in shown  # demo data says so
    f = filters.Filters.of(replace(period.selection, year_from=2022, lang="en"), 30)
    cards = indicators.kpis(database.query("indicator_by_year", **f.params), f, ["food_pass_rate"])
    assert f'<div class="value">{narrative.card(cards[0], "en").value}</div>' in shown
    database.con.close()


def test_the_early_warning_summary_names_nobody(published):
    shown = page(published, "zh")
    summary = re.search(r'<div class="attention">.*?<p>([^<]*)</p>', shown).group(1)
    assert "预警信号" in summary and "最需关注" not in summary  # counts only; the app's line names the top signal


def test_a_period_outside_the_data_exits_2_and_writes_nothing(ytd_dir, tmp_path, capsys):
    out = tmp_path / "edition"
    assert (
        deck.main(["edition", "--period", "ytd", "--through", "2026-11", "--data", str(ytd_dir), "--out", str(out)])
        == 2
    )
    assert "--through 2026-11" in capsys.readouterr().err
    assert not out.exists() and not (ytd_dir / "editions").exists()
    assert deck.main(["edition", "--period", "year", "--year", "2031", "--data", str(ytd_dir), "--out", str(out)]) == 2
    assert "--year 2031" in capsys.readouterr().err  # named as the command names it
    assert not out.exists()


def test_the_archive_lists_editions_newest_period_first_and_a_new_publication_replaces_its_period(published):
    for period in (["--period", "ytd", "--through", "2026-06"], ["--period", "year", "--year", "2025"]):
        assert deck.main(["edition", *period, "--lang", "en", "--data", str(published)]) == 0
    index = (published / "editions" / "index.html").read_text(encoding="utf-8")
    listed = re.findall(r'href="default/([^/]+)/index.html"', index)
    assert listed == ["2026-ytd-09", "2026-ytd-06", "2025"]
    shelf = published / "editions" / "default"
    before = json.loads((shelf / "2025" / "edition.json").read_text())
    first = os.readlink(shelf / "2025")  # the period's name is a link to the edition's hidden folder
    assert deck.main(["edition", "--period", "year", "--year", "2025", "--lang", "zh", "--data", str(published)]) == 0
    after = json.loads((shelf / "2025" / "edition.json").read_text())
    assert after["languages"] == ["zh"] and before["languages"] == ["en"]  # the folder was replaced whole
    assert not (shelf / "2025" / "en.html").exists()
    second = os.readlink(shelf / "2025")
    assert second != first and (shelf / first / "en.html").is_file()  # the edition before is kept for its readers
    assert deck.main(["edition", "--period", "year", "--year", "2025", "--lang", "en", "--data", str(published)]) == 0
    third = os.readlink(shelf / "2025")
    assert sorted(p.name for p in shelf.iterdir() if p.name.startswith(".2025~")) == sorted([second, third])
    assert sorted(p.name for p in shelf.iterdir() if not p.name.startswith(".")) == [
        "2025",
        "2026-ytd-06",
        "2026-ytd-09",
    ]
    publications = [e for e in audit.entries(published) if e["action"] == "publish"]
    assert [e["period"] for e in publications][-3:] == ["2025", "2025", "2025"]  # the command's are logged too
    assert publications[-1]["user"].startswith("cli:")


OUTSIDE_THEIR_CHART = """() => [...document.querySelectorAll('.chart')].flatMap(chart => {
  const box = chart.getBoundingClientRect();
  return [...chart.querySelectorAll('svg text')].filter(text => text.textContent.trim()).filter(text => {
    const r = text.getBoundingClientRect();
    return r.width > 0 && (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1
      || r.bottom > box.bottom + 1);
  }).map(text => `${chart.dataset.figure}: ${text.textContent}`);
})"""


@pytest.mark.browser
def test_on_a_phone_from_file_it_scrolls_only_down_draws_every_chart_whole_and_asks_no_other_host(published):
    folder = published / "editions" / "default" / "2026-ytd-09"
    charts = page(published, "zh").count('class="chart"')
    requests = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chart_images.chromium(), headless=True, args=chart_images.CHROMIUM_FLAGS
        )
        phone = browser.new_page(viewport={"width": 390, "height": 844})
        phone.on("request", lambda request: requests.append(request.url))
        phone.goto((folder / "index.html").as_uri())
        drawn = "n => [...document.querySelectorAll('.chart')].filter(e => e.querySelector('.main-svg')).length === n"
        phone.wait_for_function(drawn, arg=charts, timeout=60_000)
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # no horizontal scrolling
        assert phone.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") >= 15
        assert phone.evaluate(OUTSIDE_THEIR_CHART) == []  # no title, label or footnote cut off at a chart's edge
        phone.get_by_role("link", name="English").click()
        phone.wait_for_function(drawn, arg=charts, timeout=60_000)
        assert phone.locator("html").get_attribute("lang") == "en"
        browser.close()
    assert requests and [url for url in requests if not url.startswith("file://")] == []


def qr_codes(image_bytes: bytes) -> list[str]:
    return [code.text for code in zxingcpp.read_barcodes(Image.open(io.BytesIO(image_bytes)))]


def test_a_published_period_has_an_address_only_where_readers_are_told_to_reach_the_server(published, monkeypatch):
    database = db.Database(published)
    options = filters.load_options(database.query, database.city())[0]
    published_period = edition.period_of({"period": "ytd", "through": "2026-09"}, options)
    unpublished = edition.period_of({"period": "q", "quarter": "2026Q1"}, options)
    monkeypatch.delenv(edition.PUBLIC_URL_ENV, raising=False)
    assert edition.published_address(published, "default", published_period) is None  # the command line: no host
    assert edition.published_address(published, "default", published_period, "http://h:8501") == (
        "http://h:8501/editions/default/2026-ytd-09/"
    )
    monkeypatch.setenv(edition.PUBLIC_URL_ENV, "https://qcity.example.gov.cn/")
    assert edition.published_address(published, "default", unpublished, "http://h:8501") is None
    assert edition.published_address(published, "default", published_period, "http://h:8501") == (
        "https://qcity.example.gov.cn/editions/default/2026-ytd-09/"
    )
    database.con.close()


@pytest.mark.browser
def test_the_decks_title_slide_the_reports_cover_and_the_bulletins_last_page_carry_the_editions_qr_code(
    published, tmp_path, monkeypatch
):
    url = "https://qcity.example.gov.cn/editions/default/2026-ytd-09/"
    monkeypatch.setenv(edition.PUBLIC_URL_ENV, "https://qcity.example.gov.cn")
    out = {kind: tmp_path / f"out.{kind}" for kind in ("pptx", "pdf", "docx")}
    for kind, name in (("deck", "pptx"), ("report", "pdf"), ("bulletin", "docx")):
        argv = [kind, *YTD, "--lang", "en", "--data", str(published), "--out", str(out[name])]
        assert deck.main(argv) == 0
    cover = Presentation(out["pptx"]).slides[0]
    pictures = [shape.image.blob for shape in cover.shapes if shape.shape_type == MSO_SHAPE_TYPE.PICTURE]
    assert [qr_codes(blob) for blob in pictures] == [[url]]
    assert "Scan to read this edition on a phone" in [
        s.text_frame.text.split("\n")[0] for s in cover.shapes if s.has_text_frame
    ]
    first_page = PdfReader(out["pdf"]).pages[0]
    assert [qr_codes(image.data) for image in first_page.images] == [[url]]
    assert url in first_page.extract_text()
    document = Document(out["docx"])
    assert [p.text for p in document.paragraphs if p.text.strip()][-2:] == ["Scan to read this edition on a phone", url]
    last_picture = document.inline_shapes[-1]._inline.graphic.graphicData.pic.blipFill.blip.embed
    assert qr_codes(document.part.related_parts[last_picture].blob) == [url]
    assert (
        deck.main(
            [
                "deck",
                "--period",
                "year",
                "--year",
                "2024",
                "--lang",
                "en",
                "--data",
                str(published),
                "--out",
                str(out["pptx"]),
            ]
        )
        == 0
    )  # a period with no edition: no QR code
    cover = Presentation(out["pptx"]).slides[0]
    assert not [shape for shape in cover.shapes if shape.shape_type == MSO_SHAPE_TYPE.PICTURE]


@pytest.fixture
def present(ytd_dir, tmp_path, monkeypatch):
    """The Present page on a copy of the demo of a year in progress (the sidebar opens on Jan-Sep 2026)."""
    data = tmp_path / "data"
    shutil.copytree(ytd_dir, data)
    start = starter(data, monkeypatch)
    return data, lambda: start({"lang": "en"}, "present")


def test_an_analyst_publishes_the_sidebars_period_and_the_page_shows_its_address_and_qr_code(present):
    data, open_present = present
    at = open_present()
    assert not [b for b in at.button if b.key == "present_publish"]  # a reader may not publish
    assert "No edition of Jan–Sep 2026 has been published yet." in texts(at)
    at.session_state[auth.USER_KEY] = accounts.User("wang", "analyst")  # as a sign-in leaves it
    at.run()
    at.button(key="present_publish").click().run()
    assert not at.exception and not at.error
    assert (data / "editions" / "default" / "2026-ytd-09" / "en.html").is_file()
    assert (data / "editions" / "default" / "2026-ytd-09" / "zh.html").is_file()  # both languages, with a switch
    url = "http://localhost:8501/editions/default/2026-ytd-09/"
    assert any(t.startswith(f"The edition: {url} (published ") for t in texts(at))
    assert [image.captions for image in at.get("image")] == [[url]]  # the QR code, its address under it
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(edition.qr_png(url))))
    assert [code.text for code in decoded] == [url]
    logged = [e for e in audit.entries(data) if e["action"] == "publish"]
    assert [(e["user"], e["ok"], e["storyline"], e["period"]) for e in logged] == [
        ("wang", True, "default", "2026-ytd-09")
    ]


def test_a_viewers_publish_is_refused_and_logged_even_when_the_button_is_forged(present):
    data, open_present = present
    at = open_present()
    at.session_state[auth.USER_KEY] = accounts.User("wang", "analyst")
    at.run()
    button = at.button(key="present_publish")
    at.session_state[auth.USER_KEY] = accounts.User("li", "viewer")  # the session changed under the button
    button.click().run()
    assert "Not published: li may not publish" in [e.value for e in at.error]
    assert not (data / "editions").exists()
    assert [(e["user"], e["ok"]) for e in audit.entries(data) if e["action"] == "publish"] == [("li", False)]
