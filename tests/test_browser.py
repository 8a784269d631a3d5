"""Every page in a real browser: Debian's chromium (never a downloaded one) driven by Playwright against
`streamlit run` on localhost. Screenshots go to artifacts/browser/.

Set QCITY_CHROMIUM to use another Chromium binary; `.ci/run` installs Debian's chromium and fonts-noto-cjk.
"""

import asyncio
import os
import shutil
import subprocess
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect, sync_playwright
from pptx import Presentation
from test_pages import CHARTS

from bench import protocol
from deploy import replicas

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "artifacts" / "browser"
CHROMIUM = os.environ.get("QCITY_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
PASSWORD = "browser test password 7"
PAGES = [*CHARTS, "data"]  # page name -> charts on the demo (the Data page has none)
DOWNLOADS = {"spot_checks", "safety", "standards_brands", "enforcement", "award", "diagnosis", "innovation",
             "quality_index"}
YUELU = {"zh": "岳麓区", "en": "Yuelu"}
GOOD = "\n".join(["2025年第一季度食品安全监督抽检结果,,,,,", "区县,行业,抽样日期,检验结论,企业名称,不合格项目",
                  "岳麓区,乳制品,2025-03-01,合格,测试厂,", "开福区,乳制品,2025-03-02,不合格,测试厂,微生物",
                  ""]).encode("gbk")
MIXED = "\n".join(["区县,行业,抽样日期,检验结论,企业名称,不合格项目", "岳麓区,乳制品,2025-03-01,合格,测试厂,",
                   "火星区,乳制品,2025-03-02,合格,测试厂,", ""]).encode()


def path(name: str) -> str:
    """A page's URL path: the entry page (Overview) lives at /."""
    return "" if name == PAGES[0] else name


@pytest.fixture(scope="module")
def server(demo_dir, tmp_path_factory):
    """`streamlit run` on a copy of the demo data (the import test writes to it), with an analyst password."""
    yield from serve(demo_dir, tmp_path_factory)


@pytest.fixture(scope="module")
def ytd_server(ytd_dir, tmp_path_factory):
    """`streamlit run` on the demo of a year in progress (data to 2026-09-30)."""
    yield from serve(ytd_dir, tmp_path_factory)


def serve(source: Path, tmp_path_factory):
    data = tmp_path_factory.mktemp("browser") / "data"
    shutil.copytree(source, data)
    port = replicas.free_port()
    log = (tmp_path_factory.mktemp("browser-log") / "streamlit.log").open("w")
    env = {**os.environ, "QCITY_DATA_DIR": str(data), "QCITY_ANALYST_PASSWORD": PASSWORD}
    process = subprocess.Popen(replicas.streamlit_command(port), cwd=ROOT, env=env, stdout=log,
                               stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        replicas.wait_healthy(url, process, seconds=60)
    except RuntimeError:
        process.kill()
        pytest.fail(f"streamlit did not start; see {log.name}")
    yield SimpleNamespace(url=url, data=data, log=Path(log.name))
    process.terminate()
    process.wait(timeout=20)
    log.close()


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).is_file():
        pytest.fail(f"no Chromium at {CHROMIUM}: `apt-get install -y chromium fonts-noto-cjk` (what .ci/run does), "
                    "or point QCITY_CHROMIUM at a Chromium binary")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


def settle(page, charts: int = 0) -> None:
    """Wait until the script run has finished and `charts` Plotly charts have drawn their SVG."""
    page.wait_for_selector("[data-testid=stSidebar]", state="attached", timeout=60_000)  # hidden when presenting
    page.wait_for_timeout(500)
    page.wait_for_function("() => !document.querySelector('[data-testid=stStatusWidget]')", timeout=60_000)
    page.wait_for_function(
        "n => { const c = [...document.querySelectorAll('.js-plotly-plot')];"
        " return c.length >= n && c.every(e => e.querySelector('.main-svg')); }", arg=charts, timeout=60_000)
    page.wait_for_timeout(700)


def chart_text(page) -> str:
    """What the charts say (ticks, labels, annotations): changes when their data change."""
    return page.evaluate("() => [...document.querySelectorAll('.js-plotly-plot')].map(e => e.textContent).join('|')")


def problems(page) -> list[str]:
    return page.locator("[data-testid=stException], [data-testid=stAlertContentError]").all_inner_texts()


def open_page(browser, url: str, charts: int):
    context = browser.new_context(viewport={"width": 1400, "height": 3400}, accept_downloads=True)
    page = context.new_page()
    page.goto(url)
    settle(page, charts)
    return page


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("name", PAGES)
def test_every_page_draws_its_charts_without_errors(server, browser, name, lang):
    charts = CHARTS.get(name, 0)
    page = open_page(browser, f"{server.url}/{path(name)}?lang={lang}", charts)
    page.screenshot(path=ARTIFACTS / f"{name}-{lang}.png", full_page=True)
    assert problems(page) == []
    assert page.locator(".js-plotly-plot").count() == charts
    assert page.locator("h1").first.inner_text().strip()
    assert page.locator("[role=dialog]").count() == 0  # e.g. Streamlit's "Page not found"
    synthetic = {"zh": "合成数据", "en": "synthetic"}[lang]
    assert synthetic in page.locator("[data-testid=stAlert]").first.inner_text()
    page.context.close()


@pytest.mark.parametrize("name", [p for p in PAGES if p not in ("data", "present")])  # present: no sidebar
def test_a_filter_change_follows_into_the_url_and_a_fresh_browser_reproduces_it(server, browser, name):
    lang = "en" if PAGES.index(name) % 2 else "zh"
    charts = CHARTS[name]
    page = open_page(browser, f"{server.url}/{path(name)}?lang={lang}", charts)
    before = chart_text(page)
    districts = page.locator("[data-testid=stSidebar] [data-testid=stMultiSelect]").first
    districts.click()
    page.keyboard.type(YUELU[lang])
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    page.wait_for_function("() => location.search.includes('district=430104')", timeout=30_000)
    settle(page, min(charts, 1))
    after = chart_text(page)
    if charts:
        assert after != before, "the charts did not change with the filter"
    link = page.url
    assert "district=430104" in link and f"lang={lang}" in link

    fresh = open_page(browser, link, min(charts, 1))
    # the sidebar is drawn while the script runs: wait for the districts widget rather than read it mid-run
    fresh.locator("[data-testid=stSidebar] [data-testid=stMultiSelect]", has_text=YUELU[lang]).wait_for(timeout=30_000)
    assert YUELU[lang] in fresh.locator("[data-testid=stSidebar] [data-testid=stMultiSelect]").first.inner_text()
    if charts:
        settle(fresh, charts)
        assert chart_text(fresh) == after
    assert problems(fresh) == [] and fresh.locator("[role=dialog]").count() == 0

    if name in DOWNLOADS:
        with fresh.expect_download() as download:
            fresh.locator("[data-testid=stDownloadButton] button", has_text="CSV").last.click()
        content = Path(download.value.path()).read_bytes()
        assert content.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel opens the Chinese intact
        text = content.decode("utf-8-sig")
        assert {"zh": "合成演示数据", "en": "Synthetic demo data"}[lang] in text and "430104" not in text.split("\n")[0]
    page.context.close()
    fresh.context.close()


def test_presenting_moves_by_arrow_key_and_the_deck_downloads_from_one_click(server, browser):
    page = open_page(browser, f"{server.url}/present?lang=en&slide=2", 1)
    assert not page.locator("[data-testid=stSidebar]").is_visible()
    first = page.locator("h1").first.inner_text()
    assert first == "Food sampling pass rate, 2021–2025"
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => location.search.includes('slide=3')", timeout=30_000)
    settle(page, 1)
    assert page.locator("h1").first.inner_text() == "Food sampling pass rate by district, 2025"
    assert "highest in" in page.locator(".st-key-present_takeaway").inner_text()
    with page.expect_download(timeout=180_000) as download:
        page.get_by_role("button", name="Download the deck (PPTX)").click()
    deck = Presentation(download.value.path())
    assert download.value.suggested_filename == "default-en.pptx" and len(deck.slides) == 14
    assert problems(page) == []
    page.context.close()


def test_hostile_links_get_a_notice_and_no_error(server, browser):
    page = open_page(browser, f"{server.url}/spot_checks?district=%27%20OR%201%3D1%20--&from=99999&lang=en&x="
                     + "A" * 5000, CHARTS["spot_checks"])
    notices = " ".join(page.locator("[data-testid=stAlert]").all_inner_texts())
    assert "district=' OR 1=1 --" in notices and "from=99999" in notices and "A" * 41 not in notices
    assert problems(page) == []
    page.context.close()


def test_a_viewer_has_no_write_action_even_by_url(server, browser):
    page = open_page(browser, f"{server.url}/data?lang=en&analyst=1&admin=true&mode=replace", 0)
    assert page.locator("[data-testid=stFileUploader]").count() == 0
    assert page.get_by_role("button", name="Import").count() == 0
    page.get_by_label("Password", exact=True).fill("wrong")
    page.get_by_role("button", name="Sign in").click()
    settle(page)
    assert "Wrong user name or password." in " ".join(page.locator("[data-testid=stAlert]").all_inner_texts())
    assert page.locator("[data-testid=stFileUploader]").count() == 0
    assert PASSWORD not in page.content()
    page.context.close()


def test_an_analyst_imports_a_good_file_and_a_bad_one_is_rejected_with_its_report(server, browser):
    page = open_page(browser, f"{server.url}/data?lang=en", 0)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    settle(page)
    uploader = page.locator("[data-testid=stFileUploaderDropzoneInput]").first
    uploader.set_input_files(files=[{"name": "q1.csv", "mimeType": "text/csv", "buffer": GOOD}])
    page.get_by_text("2 valid rows, 0 rows with problems").wait_for(timeout=60_000)
    page.get_by_role("button", name="Import", exact=True).click()
    page.get_by_text("Imported as version 1.").wait_for(timeout=60_000)
    page.screenshot(path=ARTIFACTS / "data-imported-en.png", full_page=True)

    uploader.set_input_files(files=[{"name": "mixed.csv", "mimeType": "text/csv", "buffer": MIXED}])
    page.get_by_text("1 rows with problems").wait_for(timeout=60_000)
    assert page.get_by_role("button", name="Import", exact=True).is_disabled()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the report").click()
    report = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert "火星区" in report and "mixed.csv" in report

    uploader.set_input_files(files=[{"name": "../../etc/passwd.xlsx", "mimeType": "application/octet-stream",
                                     "buffer": b"not a zip at all"}])
    page.get_by_text("not a valid .xlsx file").wait_for(timeout=60_000)
    page.screenshot(path=ARTIFACTS / "data-rejected-en.png", full_page=True)
    assert not (server.data.parent / "etc").exists() and not list(server.data.parent.glob("**/passwd*"))
    assert [e for e in problems(page) if "not a valid .xlsx file" not in e] == []
    assert PASSWORD not in server.log.read_text()
    page.context.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_period_link_reproduces_the_year_to_date_in_a_fresh_browser(ytd_server, browser, lang):
    link = f"{ytd_server.url}/spot_checks?from=2022&period=ytd&through=2026-06&lang={lang}"
    page = open_page(browser, link, CHARTS["spot_checks"])
    page.screenshot(path=ARTIFACTS / f"ytd-spot_checks-{lang}.png", full_page=True)
    assert problems(page) == [] and page.locator("[role=dialog]").count() == 0
    assert "through=2026-06" in page.url and "period=ytd" in page.url
    period = {"zh": "2026年1–6月", "en": "Jan–Jun 2026"}[lang]
    assert period in page.locator("[data-testid=stMain]").inner_text()
    monthly = page.locator(".st-key-spot_months .js-plotly-plot").text_content()
    assert {"zh": "2026 累计合格率", "en": "2026 Pass rate so far"}[lang] in monthly
    shown = chart_text(page)
    fresh = open_page(browser, page.url, CHARTS["spot_checks"])
    assert chart_text(fresh) == shown and period in fresh.locator("[data-testid=stMain]").inner_text()
    page.context.close()
    fresh.context.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_enforcement_months_draw_in_the_browser(ytd_server, browser, lang):
    page = open_page(browser, f"{ytd_server.url}/enforcement?lang={lang}", CHARTS["enforcement"])
    assert problems(page) == []
    monthly = page.locator(".st-key-enforcement_months .js-plotly-plot").text_content()
    assert {"zh": "2026 累计案件数", "en": "2026 Cases so far"}[lang] in monthly
    assert {"zh": "2026年1–9月", "en": "Jan–Sep 2026"}[lang] in page.locator("[data-testid=stMain]").inner_text()
    page.context.close()


def test_the_protocol_load_client_views_pages_and_moves_the_slider_like_a_browser(server):
    """bench/protocol.py speaks Streamlit's websocket protocol: each view ends in script_finished without an
    exception, and a slider move is a rerun in the same session (no browser involved)."""
    crowd = protocol.crowd(server.url, "spot_checks", "lang=en", sessions=2, within=0.5, repeat=2, timeout=120,
                           think=(0.1, 0.2))
    with ThreadPoolExecutor(1) as thread:  # Playwright's sync API keeps an event loop running in this thread
        results = thread.submit(asyncio.run, crowd).result()
    summary = protocol.summary(results, 1.0, None)
    assert summary["errors"] == 0 and summary["views"] == 4, summary["first_error"]
    assert all(r.deltas > 50 for r in results)  # the page's elements came


@pytest.fixture(scope="module")
def proxied(demo_dir, tmp_path_factory):
    """Two replicas on a copy of the demo behind nginx (deploy/nginx.conf), as `python -m deploy.replicas` runs
    them."""
    data = tmp_path_factory.mktemp("proxied") / "data"
    shutil.copytree(demo_dir, data)
    cluster = replicas.start(2, data=data, log=tmp_path_factory.mktemp("proxied-log") / "replicas.log")
    yield cluster
    cluster.stop()


def test_a_session_behind_nginx_stays_on_one_replica_through_reruns_and_downloads(proxied, browser):
    """A Streamlit session lives in one replica: the cookie nginx sets keeps every request of a browser (the
    page, its websocket, the files its download buttons make) on the replica that holds its session, across
    many reruns, while other browsers are spread over both replicas."""
    page = open_page(browser, f"{proxied.url}/spot_checks?lang=en", CHARTS["spot_checks"])
    cookie = next(c["value"] for c in page.context.cookies() if c["name"] == "qcity_replica")
    sidebar = page.locator("[data-testid=stSidebar]")
    for label in ["Year to date", "Quarter", "Whole years"] * 4:  # 12 reruns of the same session
        sidebar.get_by_text(label, exact=True).click()
        settle(page, 1)
        assert problems(page) == []
    texts = []
    for _ in range(3):  # each click makes a file in the session's replica and the browser fetches it from there
        with page.expect_download() as download:
            page.locator("[data-testid=stDownloadButton] button", has_text="CSV").last.click()
        texts.append(Path(download.value.path()).read_text(encoding="utf-8-sig"))
    assert all("Synthetic demo data" in text for text in texts)
    page.context.close()  # nginx logs the websocket when it closes
    for _ in range(20):  # new browsers (no cookie) are spread over the replicas
        urllib.request.urlopen(f"{proxied.url}/", timeout=10).read()
    time.sleep(1)

    log = (proxied.folder / "access.log").read_text().splitlines()
    mine = [line for line in log if line.endswith(f"browser={cookie}")]
    assert any("/_stcore/stream" in line for line in mine) and any("/media/" in line for line in mine), mine
    assert len({replica(line) for line in mine}) == 1  # one replica served it all
    # nothing failed, apart from the frontend's probe for a server under the page's path (it then tries /)
    assert [line for line in mine if int(line.split('" ')[1].split()[0]) >= 400
            and "/spot_checks/_stcore/" not in line] == []
    assert len({replica(line) for line in log if '"GET / ' in line}) == 2


def replica(line: str) -> str:
    """The replica that answered a request, from deploy/nginx.conf's log format."""
    return line.split("replica=")[1].split()[0]


def food_card(page) -> str:
    """The Overview's food pass rate card: its value, period, target and verdict."""
    card = page.locator("[data-testid=stVerticalBlock]").filter(
        has=page.locator("[data-testid=stMetric]").filter(has_text="Food pass rate")).last
    return card.inner_text()


def scorecard_target(page, indicator: str) -> str:
    """The Target cell of an indicator's row in the Overview scorecard, as its CSV download has it."""
    with page.expect_download() as download:
        page.locator("[data-testid=stDownloadButton]").filter(has_text="Download CSV").first.click()
    lines = Path(download.value.path()).read_text(encoding="utf-8-sig").splitlines()
    header = next(line for line in lines if line.startswith("Area,"))
    row = next(line for line in lines if f",{indicator}," in line)
    return row.split(",")[header.split(",").index("Target")]


def test_an_analyst_edits_a_target_and_the_overview_follows(server, browser):
    """Food pass rate, 2025, city-wide: the demo's target 98.0% becomes 99.5% in the Data page's table editor."""
    overview = open_page(browser, f"{server.url}/?lang=en", CHARTS["overview"])
    assert "target 98.0%" in food_card(overview)
    assert scorecard_target(overview, "Food sampling pass rate") == "98.0%"
    page = open_page(browser, f"{server.url}/data?lang=en", 0)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    settle(page)
    page.get_by_role("tab", name="Targets").click()
    grid = page.locator("[role=tabpanel]:visible [data-testid=stDataFrame]").first
    targets = (server.data / "targets.csv").read_text().splitlines()[1:]
    row = targets.index("food_pass_rate,2025,98.0,")
    box = grid.locator("canvas").first.bounding_box()

    def cell(column: int, row: int):  # glide's accessible copy of a cell (column 0: the row numbers)
        return grid.locator(f"[data-testid=glide-cell-{column}-{row}]")

    def until(action, check) -> None:
        """Do `action` until `check(timeout)`, a Playwright expectation, holds: under load glide may drop a key or a
        click (a dropped one never arrives, so doing it again cannot overshoot)."""
        for _ in range(3):
            action()
            try:
                check(3000)
                return
            except (AssertionError, PlaywrightTimeout):
                continue
        check(5000)

    def selected(target):
        return lambda timeout: expect(target).to_have_attribute("aria-selected", "true", timeout=timeout)

    def click_first_cell():  # glide selects on pointer down and up; a click's events do not reach it
        page.mouse.move(box["x"] + 120, box["y"] + 35 + 17)  # the first row's first cell, below the header
        page.mouse.down()
        page.mouse.up()

    until(click_first_cell, selected(cell(1, 0)))
    for down in range(1, row + 1):
        until(lambda: page.keyboard.press("ArrowDown"), selected(cell(1, down)))
    for column in (2, 3):  # 3: the target column
        until(lambda: page.keyboard.press("ArrowRight"), selected(cell(column, row)))
    expect(cell(3, row)).to_have_text("98")
    editing = "() => ['INPUT', 'TEXTAREA'].includes(document.activeElement.tagName)"
    until(lambda: page.keyboard.press("Enter"),  # opens the cell's editor: an input that takes the focus
          lambda timeout: page.wait_for_function(editing, timeout=timeout))
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type("99.5")
    page.wait_for_function("() => document.activeElement.value === '99.5'")
    until(lambda: page.keyboard.press("Enter"),  # closes the editor and keeps the value
          lambda timeout: expect(cell(3, row)).to_have_text("99.5", timeout=timeout))
    settle(page)  # the edit reached the server, whose rerun has finished: Save is not lost in a rerun
    page.get_by_role("button", name="Save Targets").click()
    page.get_by_text("Saved as version").wait_for(timeout=60_000)
    page.screenshot(path=ARTIFACTS / "data-target-edited-en.png", full_page=True)
    assert "food_pass_rate,2025,99.5," in (server.data / "targets.csv").read_text()
    overview.reload()
    settle(overview, CHARTS["overview"])
    assert "target 99.5%" in food_card(overview)
    assert scorecard_target(overview, "Food sampling pass rate") == "99.5%"
    assert problems(page) == [] and problems(overview) == []
    page.context.close()
    overview.context.close()
