"""Open a dashboard page in Debian's chromium and wait for a chart: the last step of deploy/check_offline.sh.

    python deploy/open_page.py URL    (needs Playwright: the repository's .venv from requirements-dev.txt)

Exit 0 when a Plotly chart was drawn and the browser asked for nothing beyond the dashboard's own address.
"""

import sys
from urllib.parse import urlsplit

from playwright.sync_api import sync_playwright

url = sys.argv[1]
with sync_playwright() as playwright:
    browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
    page = browser.new_page()
    elsewhere = []
    page.on(
        "request",
        lambda r: (
            elsewhere.append(r.url)
            if urlsplit(r.url).netloc != urlsplit(url).netloc and not r.url.startswith(("data:", "blob:"))
            else None
        ),
    )
    page.goto(url)
    page.locator(".js-plotly-plot").first.wait_for(timeout=180_000)
    charts, heading = page.locator(".js-plotly-plot").count(), page.locator("h1").first.inner_text()
    browser.close()
print(f"{url}: '{heading}', {charts} charts drawn; requests elsewhere: {elsewhere or 'none'}")
sys.exit(1 if elsewhere else 0)
