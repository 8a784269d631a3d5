"""Screenshots of the running dashboard with Debian's chromium through Playwright; reports any request that left
the dashboard's own address.

    python scripts/screenshots.py URL DIR [query]    # every page in both languages, full length (a look, not a test)
    python scripts/screenshots.py URL --docs         # the images of the documentation site, into docs/images/

Run against a fresh `python3 scripts/dev.py start` on the demo data (a long-running server may hold stale modules).
Each shot is taken once the page's script run has finished and its charts have drawn, never after a fixed wait.
"""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from qcity.analysis.pages import PAGES as APP_PAGES  # noqa: E402
from qcity.documents.images import CHROMIUM_FLAGS  # noqa: E402

PAGES = ("", *(name for name, _ in APP_PAGES[1:]))  # the default page (Overview) lives at /
# the documentation's images: (page, language, query), each at 1400 x 900, the top of the page as a reader sees it
DOCS = [("", "zh", ""), ("spot_checks", "en", ""), ("attention", "en", ""), ("present", "en", "&slide=2")]
# Streamlit's root element once its script run is over (as in tests/test_browser.py)
RUN_FINISHED = "[data-testid=stApp][data-test-script-state=notRunning][data-test-connection-state=CONNECTED]"
# what a page shows once drawn: a chart for the documentation's pages (each has one near its top); for the whole
# round, a chart, a table or a heading, whichever the page has first
CHART = ".js-plotly-plot .main-svg"
ANY = f"{CHART}, [data-testid=stDataFrame], [data-testid=stHeading]"
DRAWN = "() => [...document.querySelectorAll('.js-plotly-plot')].every(e => e.querySelector('.main-svg'))"


def shoot(browser, url: str, path: Path, full_page: bool, requests: list[str]) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 3400 if full_page else 900}, device_scale_factor=1)
    page.on("request", lambda request: requests.append(request.url))
    page.goto(url)
    page.wait_for_selector(RUN_FINISHED, timeout=120_000)
    page.wait_for_selector(ANY if full_page else CHART, timeout=60_000)
    page.wait_for_function(DRAWN, timeout=60_000)
    errors = page.locator("[data-testid='stException'], [data-testid='stAlertContentError']").count()
    charts = page.locator(".js-plotly-plot").count()
    page.screenshot(path=path, full_page=full_page)
    print(f"{path}: {charts} charts, {errors} error boxes, url {page.url}")
    page.close()


def main(base: str, out: Path | None, query: str = "") -> None:
    shots = (
        [
            (name, lang, extra, ROOT / "docs" / "images" / f"{name or 'overview'}-{lang}.png")
            for name, lang, extra in DOCS
        ]
        if out is None
        else [(name, lang, query, out / f"{name or 'overview'}-{lang}.png") for lang in ("zh", "en") for name in PAGES]
    )
    requests: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_FLAGS)
        for name, lang, extra, path in shots:
            path.parent.mkdir(parents=True, exist_ok=True)
            shoot(browser, f"{base}/{name}?lang={lang}{extra}", path, out is not None, requests)
        browser.close()
    print(
        "requests beyond the dashboard:", sorted({url for url in requests if base.split("//")[1] not in url}) or "none"
    )


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    main(sys.argv[1], None if sys.argv[2] == "--docs" else Path(sys.argv[2]), sys.argv[3] if len(sys.argv) > 3 else "")
