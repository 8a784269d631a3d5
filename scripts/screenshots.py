"""Take full-page screenshots of every page in both languages from a running dashboard (a look, not a test).

    python scripts/screenshots.py http://localhost:8501 artifacts/screenshots
Uses Debian's chromium through Playwright; reports any request that left localhost.
"""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from qcity.analysis.pages import PAGES as APP_PAGES  # noqa: E402

PAGES = ("", *(name for name, _ in APP_PAGES[1:]))  # the default page (Overview) lives at /
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def main(base: str, out: Path, query: str = "") -> None:
    out.mkdir(parents=True, exist_ok=True)
    outside = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
        for lang in ("zh", "en"):
            for page_name in PAGES:
                page = browser.new_page(viewport={"width": 1400, "height": 3400}, device_scale_factor=1)
                page.on("request", lambda request: outside.append(request.url))
                page.goto(f"{base}/{page_name}?lang={lang}{query}")
                page.wait_for_selector(
                    ".js-plotly-plot .main-svg, [data-testid=stDataFrame], [data-testid=stHeading]", timeout=60000
                )
                page.wait_for_timeout(1000)
                page.wait_for_function(
                    "() => !document.querySelector('[data-testid=stStatusWidget]')", timeout=60000
                )  # the script has finished running
                page.wait_for_timeout(1500)
                errors = page.locator("[data-testid='stException'], [data-testid='stAlertContentError']").count()
                charts = page.locator(".js-plotly-plot").count()
                path = out / f"{page_name or 'overview'}-{lang}.png"
                page.screenshot(path=path, full_page=True)
                print(f"{path}: {charts} charts, {errors} error boxes, url {page.url}")
                page.close()
        browser.close()
    local = ("http://localhost", "ws://localhost", "http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")
    print("requests outside localhost:", sorted({url for url in outside if not url.startswith(local)}) or "none")


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]), sys.argv[3] if len(sys.argv) > 3 else "")
