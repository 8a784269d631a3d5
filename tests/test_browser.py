"""Every page in a real browser: Debian's chromium (never a downloaded one) driven by Playwright against
the dashboard's server (`python -m qcity.serve`) on localhost. Screenshots go to artifacts/browser/.

Set QCITY_CHROMIUM to use another Chromium binary; `.ci/run` installs Debian's chromium and fonts-noto-cjk.
"""

import asyncio
import os
import shutil
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace

import pytest
from helpers import CHARTS
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect, sync_playwright
from pptx import Presentation

from bench import protocol
from deploy import bundle, replicas
from qcity.documents import images

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "artifacts" / "browser"
PASSWORD = "browser test password 7"
PAGES = [*CHARTS, "data"]  # page name -> charts on the demo (the Data page has none)
DOWNLOADS = {
    "spot_checks",
    "safety",
    "standards_brands",
    "enforcement",
    "award",
    "diagnosis",
    "innovation",
    "quality_index",
}
YUELU = {"zh": "岳麓区", "en": "Yuelu"}
GOOD = "\n".join(
    [
        "2025年第一季度食品安全监督抽检结果,,,,,",
        "区县,行业,抽样日期,检验结论,企业名称,不合格项目",
        "岳麓区,乳制品,2025-03-01,合格,测试厂,",
        "开福区,乳制品,2025-03-02,不合格,测试厂,微生物",
        "",
    ]
).encode("gbk")
MIXED = "\n".join(
    [
        "区县,行业,抽样日期,检验结论,企业名称,不合格项目",
        "岳麓区,乳制品,2025-03-01,合格,测试厂,",
        "火星区,乳制品,2025-03-02,合格,测试厂,",
        "",
    ]
).encode()


def path(name: str) -> str:
    """A page's URL path: the entry page (Overview) lives at /."""
    return "" if name == PAGES[0] else name


@pytest.fixture(scope="module")
def server(demo_dir, tmp_path_factory):
    """The server on a copy of the demo data (the import test writes to it), with an analyst password."""
    yield from serve(demo_dir, tmp_path_factory)


@pytest.fixture(scope="module")
def ytd_server(ytd_dir, tmp_path_factory):
    """The server on the demo of a year in progress (data to 2026-09-30)."""
    yield from serve(ytd_dir, tmp_path_factory)


def serve(source: Path, tmp_path_factory):
    data = tmp_path_factory.mktemp("browser") / "data"
    shutil.copytree(source, data)
    port = replicas.free_port()
    log = (tmp_path_factory.mktemp("browser-log") / "streamlit.log").open("w")
    env = {**os.environ, "QCITY_DATA_DIR": str(data), "QCITY_ANALYST_PASSWORD": PASSWORD}
    url = f"http://127.0.0.1:{port}"
    try:
        process = replicas.serve(port, env, log, seconds=180)
    except RuntimeError:
        pytest.fail(f"the dashboard's server did not start; see {log.name}")
    yield SimpleNamespace(url=url, data=data, log=Path(log.name))
    process.terminate()
    process.wait(timeout=20)
    log.close()


@pytest.fixture(scope="module")
def browser():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=images.chromium(), headless=True, args=images.CHROMIUM_FLAGS
        )
        yield instance
        instance.close()


# Streamlit's root element says where its script run is: "initial" before the first, "running", "notRunning" after
RUN_FINISHED = "[data-testid=stApp][data-test-script-state=notRunning][data-test-connection-state=CONNECTED]"
CHART_TEXT = "() => [...document.querySelectorAll('.js-plotly-plot')].map(e => e.textContent).join('|')"


@pytest.fixture(autouse=True)
def screenshots_when_failed(request, browser):
    """After a failed test, a screenshot of every page it left open: artifacts/browser/failed-<test>-<n>.png."""
    yield
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        pages = [page for context in browser.contexts for page in context.pages]
        for n, page in enumerate(pages):
            page.screenshot(path=ARTIFACTS / f"failed-{request.node.name}-{n}.png", full_page=True)
        for context in browser.contexts:
            context.close()


def settle(page, charts: int = 0) -> None:
    """Wait until the script run has finished and `charts` Plotly charts have drawn their SVG.

    After a page load this is exact (the state is "initial" until the first run starts). After an action, first wait
    for what the action changes (the URL, a text, the charts' text): only then has its run begun."""
    page.locator(RUN_FINISHED).wait_for(state="attached", timeout=60_000)
    page.wait_for_function(
        "n => { const c = [...document.querySelectorAll('.js-plotly-plot')];"
        " return c.length >= n && c.every(e => e.querySelector('.main-svg')); }",
        arg=charts,
        timeout=60_000,
    )


def chart_text(page) -> str:
    """What the charts say (ticks, labels, annotations): changes when their data change."""
    return page.evaluate(CHART_TEXT)


def settled_chart_text(page) -> str:
    """The charts' text once the run has finished and the text reads the same on consecutive checks (the charts are
    drawn again after the run's last message)."""
    settle(page)
    page.wait_for_function(
        f"""() => {{ const now = ({CHART_TEXT})(), same = window.__chartText === now;
                                          window.__chartText = now; return same; }}""",
        polling=100,
        timeout=60_000,
    )
    return chart_text(page)


def charts_change(page, before: str) -> str:
    """Wait until the charts say something else than `before` (their data changed and they were drawn again)."""
    page.wait_for_function(f"before => ({CHART_TEXT})() !== before", arg=before, timeout=60_000)
    return chart_text(page)


def charts_say(page, expected: str) -> None:
    """Wait until the charts say exactly `expected`; fails with the difference when they never do."""
    try:
        page.wait_for_function(f"expected => ({CHART_TEXT})() === expected", arg=expected, timeout=60_000)
    except PlaywrightTimeout:
        assert chart_text(page) == expected


def problems(page) -> list[str]:
    return page.locator("[data-testid=stException], [data-testid=stAlertContentError]").all_inner_texts()


def open_page(browser, url: str, charts: int):
    context = browser.new_context(viewport={"width": 1400, "height": 3400}, accept_downloads=True)
    page = context.new_page()
    page.goto(url)
    settle(page, charts)
    return page


@pytest.fixture(scope="module")
def docs_site():
    """The documentation site in static/docs/, where the app serves it (the test command builds it; plain pytest
    may not have)."""
    site = ROOT / "static" / "docs"
    if not (site / "index.html").exists():
        bundle.build_docs(site)
    return site


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_page_title_help_opens_its_section_of_the_docs_served_by_the_app_itself(server, browser, docs_site, lang):
    """The "?" of a page title links into the user guide; the app serves the site (no nginx here), whose search
    works and which asks no other host for anything."""
    page = open_page(browser, f"{server.url}/spot_checks?lang={lang}", CHARTS["spot_checks"])
    page.locator("h1").first.locator("[data-testid=stTooltipHoverTarget]").hover()
    link = page.locator("[data-testid=stTooltipContent] a", has_text={"zh": "使用说明", "en": "User guide"}[lang])
    expect(link).to_be_visible()
    address = link.evaluate("a => a.href")  # resolved against the page's own address
    assert address == f"{server.url}/app/static/docs/user-guide/pages.html#spot_checks"
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(address)
    expect(page.locator("#spot_checks")).to_be_visible()
    assert "Spot checks" in page.locator("#spot_checks").inner_text()
    search = page.locator("input[data-md-component=search-query]")
    search.click()
    search.press_sequentially("Wilson")  # key by key: the site searches on keyup, not on a filled value
    # the index (search_index.json, read by a web worker of the site) answers
    expect(page.locator(".md-search-result__item").first).to_be_visible(timeout=30_000)
    assert requests and [url for url in requests if not url.startswith(server.url)] == []
    page.context.close()


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
    districts = page.locator(".st-key-districts [data-testid=stMultiSelect]")
    districts.click()
    typed = districts.locator("input")
    typed.fill(YUELU[lang])
    typed.press("Enter")  # picks the one option left
    typed.press("Escape")
    page.wait_for_function("() => location.search.includes('district=430104')", timeout=30_000)
    if charts:
        charts_change(page, before)  # fails after a minute if the charts never change with the filter
    settle(page, charts)
    after = settled_chart_text(page)
    link = page.url
    assert "district=430104" in link and f"lang={lang}" in link

    fresh = open_page(browser, link, min(charts, 1))
    # the sidebar is drawn while the script runs: wait for the districts widget rather than read it mid-run
    expect(fresh.locator(".st-key-districts [data-testid=stMultiSelect]")).to_contain_text(YUELU[lang], timeout=60_000)
    if charts:
        charts_say(fresh, after)
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
    # each kind of element draws when its own code has loaded, charts sometimes before buttons: the arrow key means
    # something only once the Next button (which binds it) is there; seen under load: 6 presses in 221 fell before
    # it, 0 in 155 after this wait
    expect(page.locator(".st-key-present_next button")).to_be_enabled(timeout=60_000)
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => location.search.includes('slide=3')", timeout=30_000)
    expect(page.locator("h1").first).to_have_text("Food sampling pass rate by district, 2025", timeout=60_000)
    expect(page.locator(".st-key-present_takeaway")).to_contain_text("highest in", timeout=60_000)
    settle(page, 1)
    with page.expect_download(timeout=180_000) as download:
        page.get_by_role("button", name="Download the deck (PPTX)").click()
    deck = Presentation(download.value.path())
    assert download.value.suggested_filename == "default-en.pptx" and len(deck.slides) == 14
    assert problems(page) == []
    page.context.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_on_a_1600_by_900_screen_the_way_on_is_in_view_on_every_slide(server, browser, lang):
    context = browser.new_context(viewport={"width": 1600, "height": 900})
    page = context.new_page()
    page.goto(f"{server.url}/present?lang={lang}&slide=1")
    settle(page, 1)
    count = int(page.locator(".st-key-present_position").inner_text().split("/")[1])
    for slide in range(1, count + 1):
        expect(page.locator(".st-key-present_position")).to_have_text(f"{slide} / {count}", timeout=60_000)
        for button in ("present_previous", "present_next"):
            expect(page.locator(f".st-key-{button} button")).to_be_in_viewport(ratio=1)
        assert page.evaluate("() => window.scrollY") == 0
        page.locator(".st-key-present_next button").click()
    expect(page.locator(".st-key-present_position")).to_have_text(f"1 / {count}", timeout=60_000)  # round again
    context.close()


def test_hostile_links_get_a_notice_and_no_error(server, browser):
    page = open_page(
        browser,
        f"{server.url}/spot_checks?district=%27%20OR%201%3D1%20--&from=99999&lang=en&x=" + "A" * 5000,
        CHARTS["spot_checks"],
    )
    expect(page.locator("[data-testid=stAlert]").filter(has_text="from=99999")).to_be_visible(timeout=60_000)
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
    expect(page.locator("[data-testid=stAlert]").filter(has_text="Wrong user name or password.")).to_be_visible(
        timeout=60_000
    )
    settle(page)
    assert page.locator("[data-testid=stFileUploader]").count() == 0
    assert PASSWORD not in page.content()
    page.context.close()


def sign_in(page) -> None:
    """Sign in on the Data page as the analyst; returns once the signed-in page has been drawn."""
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("Signed in as analyst").wait_for(timeout=60_000)
    settle(page)


def test_an_analyst_imports_a_good_file_and_a_bad_one_is_rejected_with_its_report(server, browser):
    page = open_page(browser, f"{server.url}/data?lang=en", 0)
    sign_in(page)
    uploader = page.locator(".st-key-data_upload [data-testid=stFileUploaderDropzoneInput]")  # not the mapping's
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

    uploader.set_input_files(
        files=[{"name": "../../etc/passwd.xlsx", "mimeType": "application/octet-stream", "buffer": b"not a zip at all"}]
    )
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
    crowd = protocol.crowd(
        server.url, "spot_checks", "lang=en", sessions=2, within=0.5, repeat=2, timeout=120, think=(0.1, 0.2)
    )
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


@pytest.mark.nginx
def test_a_session_behind_nginx_stays_on_one_replica_through_reruns_and_downloads(proxied, browser, docs_site):
    """A Streamlit session lives in one replica: the cookie nginx sets keeps every request of a browser (the
    page, its websocket, the files its download buttons make) on the replica that holds its session, across
    many reruns, while other browsers are spread over both replicas."""
    page = open_page(browser, f"{proxied.url}/spot_checks?lang=en", CHARTS["spot_checks"])
    cookie = next(c["value"] for c in page.context.cookies() if c["name"] == "qcity_replica")
    sidebar = page.locator("[data-testid=stSidebar]")
    for label, period in [("Year to date", "period=ytd"), ("Quarter", "period=q"), ("Whole years", "")] * 4:
        sidebar.get_by_text(label, exact=True).click()  # 12 reruns of the same session, each writing its period
        page.wait_for_function(
            "p => p ? location.search.includes(p) : !location.search.includes('period=')", arg=period, timeout=60_000
        )
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

    def logged() -> tuple[list[str], list[str]]:
        log = (proxied.folder / "access.log").read_text().splitlines()
        return log, [line for line in log if line.endswith(f"browser={cookie}")]

    deadline = time.monotonic() + 30  # nginx writes the websocket's line once the browser has closed it
    while not any("/_stcore/stream" in line for line in logged()[1]) and time.monotonic() < deadline:
        time.sleep(0.1)
    log, mine = logged()
    assert any("/_stcore/stream" in line for line in mine) and any("/media/" in line for line in mine), mine
    assert len({replica(line) for line in mine}) == 1  # one replica served it all
    # nothing failed, apart from the frontend's probe for a server under the page's path (it then tries /)
    assert [
        line for line in mine if int(line.split('" ')[1].split()[0]) >= 400 and "/spot_checks/_stcore/" not in line
    ] == []
    assert len({replica(line) for line in log if '"GET / ' in line}) == 2
    docs = urllib.request.urlopen(f"{proxied.url}/docs/", timeout=10)  # the site, from nginx itself
    assert "<title>Quality City Dashboard" in docs.read().decode()
    assert (
        'id="overview"'
        in urllib.request.urlopen(f"{proxied.url}/docs/user-guide/pages.html", timeout=10).read().decode()
    )


def replica(line: str) -> str:
    """The replica that answered a request, from deploy/nginx.conf's log format."""
    return line.split("replica=")[1].split()[0]


def card(page, label: str) -> str:
    """An Overview card: its value, period, target and verdict."""
    return (
        page.locator("[data-testid=stVerticalBlock]")
        .filter(has=page.locator("[data-testid=stMetric]").filter(has_text=label))
        .last.inner_text()
    )


def scorecard_target(page, indicator: str) -> str:
    """The Target cell of an indicator's row in the Overview scorecard, as its CSV download has it."""
    with page.expect_download() as download:
        page.locator(".st-key-overview_scorecard_download button").click()
    lines = Path(download.value.path()).read_text(encoding="utf-8-sig").splitlines()
    header = next(line for line in lines if line.startswith("Area,"))
    row = next(line for line in lines if f",{indicator}," in line)
    return row.split(",")[header.split(",").index("Target")]


# Where a cell of the table editor lies, as Streamlit's own tests find it (e2e_playwright/shared/dataframe_utils.py):
# every column is admin.EDITOR_COLUMN_WIDTH wide and every row 35 px high, after the row markers and the header.
ROW_MARKERS, COLUMN, ROW = 30, 200, 35


def test_an_analyst_edits_a_target_and_the_overview_follows(server, browser):
    """Manufactured products, 2025, city-wide: the demo's target 94.0% becomes 95.5% in the Data page's table editor
    (row 9: in view without scrolling). Glide draws the grid on a canvas and neither selects nor edits from the
    keyboard alone, so the cell is clicked where it lies; every step then waits on glide's own state: the cell's
    aria-selected in its accessible copy, the cell editor's overlay, the cell's text; Save waits for the page's note
    of the unsaved edit (its run has the edit). The same edit sent as the browser sends it is tested one level down,
    under AppTest (test_data_page.py)."""
    overview = open_page(browser, f"{server.url}/?lang=en", CHARTS["overview"])
    assert "target 94.0%" in card(overview, "Manufactured products pass rate")
    assert scorecard_target(overview, "Manufactured product pass rate") == "94.0%"
    page = open_page(browser, f"{server.url}/data?lang=en", 0)
    sign_in(page)
    page.get_by_role("tab", name="Targets").click()
    grid = page.locator("[role=tabpanel]:visible [data-testid=stDataFrame]").first
    row = (server.data / "targets.csv").read_text().splitlines()[1:].index("mfg_pass_rate,2025,94.0,")
    cell = grid.locator(f"[data-testid=glide-cell-3-{row}]")  # glide's accessible copy; column 3: the target
    expect(cell).to_have_text("94", timeout=60_000)
    overlay = page.get_by_test_id("portal").locator(".gdg-clip-region")  # the cell editor, as Streamlit's tests find it
    middle = {"x": ROW_MARKERS + 2 * COLUMN + COLUMN / 2, "y": (row + 1) * ROW + ROW / 2}
    for _ in range(6):  # a click selects the cell, the next opens its editor (glide ignores a grid's first click)
        if overlay.is_visible():
            break
        grid.click(position=middle)
        try:
            expect(overlay).to_be_visible(timeout=3000)
        except AssertionError:
            continue
    editor = overlay.locator("input, textarea").first
    expect(editor).to_have_value("94")
    editor.fill("95.5")
    editor.press("Enter")  # to the editor itself: it closes and keeps the value
    expect(overlay).to_be_hidden()
    expect(cell).to_have_text("95.5")
    # the server has the edit (its run says so) before Save is clicked: a click during that run could be lost
    expect(page.locator(".st-key-data_unsaved_targets")).to_have_text(
        "Not saved yet: rows changed 1, added 0, deleted 0.", timeout=60_000
    )
    settle(page)
    page.get_by_role("button", name="Save Targets").click()
    page.get_by_text("Saved as version").wait_for(timeout=60_000)
    page.screenshot(path=ARTIFACTS / "data-target-edited-en.png", full_page=True)
    assert "mfg_pass_rate,2025,95.5," in (server.data / "targets.csv").read_text()
    overview.reload()
    settle(overview, CHARTS["overview"])
    assert "target 95.5%" in card(overview, "Manufactured products pass rate")
    assert scorecard_target(overview, "Manufactured product pass rate") == "95.5%"
    assert problems(page) == [] and problems(overview) == []
    page.context.close()
    overview.context.close()
