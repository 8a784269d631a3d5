"""Load: N concurrent browser sessions against one dashboard server, each changing filters (not a test).

    .venv/bin/python -m bench.load [--sessions 10,30,50] [--rounds 4] [--data DIR]

Starts the dashboard's server (`python -m qcity.serve`) on the data directory (default: bench/cache/rows-10000000,
else data/), opens N sessions in Debian's chromium (one browser, one context each, half on the Overview and half on
Spot checks), and in every
session adds a district to the filter `rounds` times, with think time in between. Each time is measured from the
click that picks the district to the end of the script run with every chart drawn. Reports p50/p95/max and any
errors (error boxes, exceptions, timeouts), and writes them to bench/RESULTS.md.
"""

import argparse
import asyncio
import os
import random
import time
from datetime import date
from pathlib import Path

from playwright.async_api import async_playwright

from bench.common import LOAD_HEADING, cpu_seconds, percentile, replace_section, start_server
from qcity.documents import images

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("QCITY_CHROMIUM", "/usr/bin/chromium")
DISTRICTS = [
    ("Yuelu", "430104"),
    ("Kaifu", "430105"),
    ("Yuhua", "430111"),
    ("Furong", "430102"),
    ("Tianxin", "430103"),
    ("Wangcheng", "430112"),
    ("Liuyang", "430181"),
    ("Ningxiang", "430182"),
]
PAGES = [("", 2), ("spot_checks", 4)]  # URL path, charts
TIMEOUT_MS = 120_000
SETTLED = (
    "n => { const c = [...document.querySelectorAll('.js-plotly-plot')];"
    " return !document.querySelector('[data-testid=stStatusWidget]') && c.length >= n"
    " && c.every(e => e.querySelector('.main-svg')); }"
)


async def session(browser, url: str, index: int, rounds: int, think: float, times: list, errors: list) -> None:
    """One person: open a page, then add a district to the filter `rounds` times, looking at the result for
    `think` seconds on average in between, timing each change."""
    rng = random.Random(index)
    path, charts = PAGES[index % len(PAGES)]
    context = await browser.new_context(viewport={"width": 1400, "height": 1800})
    page = await context.new_page()
    try:
        await page.goto(f"{url}/{path}?lang=en", timeout=TIMEOUT_MS)
        await page.wait_for_selector("[data-testid=stSidebar]", timeout=TIMEOUT_MS)
        await page.wait_for_function(SETTLED, arg=charts, timeout=TIMEOUT_MS)
        for r in range(rounds):
            name, code = DISTRICTS[(index + r) % len(DISTRICTS)]
            await asyncio.sleep(rng.uniform(0.5, 1.5) * think)
            await page.locator("[data-testid=stSidebar] [data-testid=stMultiSelect] input").first.click()  # not a chip
            option = page.get_by_role("option", name=name, exact=True)
            await option.wait_for(timeout=TIMEOUT_MS)  # the list is open: a busy browser may take a while
            start = time.perf_counter()
            await option.click()
            await page.wait_for_function(f"() => location.search.includes('{code}')", timeout=TIMEOUT_MS)
            await page.wait_for_function(SETTLED, arg=charts, timeout=TIMEOUT_MS)
            times.append(time.perf_counter() - start)
            await page.keyboard.press("Escape")  # close the list
            boxes = await page.locator("[data-testid=stException], [data-testid=stAlertContentError]").count()
            if boxes:
                errors.append(f"session {index}: {boxes} error boxes")
    except Exception as error:  # a timeout or a crash is a result here, not a reason to stop the others
        errors.append(f"session {index}: {type(error).__name__}: {str(error).splitlines()[0][:120]}")
    finally:
        await context.close()


async def run(url: str, sessions: int, rounds: int, think: float) -> tuple[list, list, float]:
    times, errors = [], []
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=images.CHROMIUM_FLAGS)
        start = time.perf_counter()
        await asyncio.gather(*(session(browser, url, i, rounds, think, times, errors) for i in range(sessions)))
        wall = time.perf_counter() - start
        await browser.close()
    return times, errors, wall


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", default="10,30,50")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--think", type=float, default=2.0, help="mean seconds a person looks before the next change")
    parser.add_argument("--data", type=Path)
    args = parser.parse_args()
    data = args.data or next(
        p for p in (ROOT / "bench/cache/rows-10000000", ROOT / "data") if (p / "city.json").exists()
    )
    rows = [
        "| sessions | filter changes | p50 s | p95 s | max s | errors | wall s | server CPU s | server share |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    notes = []
    for count in (int(n) for n in args.sessions.split(",")):
        process, url = start_server(data)  # a fresh server per size: nothing cached from the previous one
        try:
            before = cpu_seconds(process.pid)
            times, errors, wall = asyncio.run(run(url, count, args.rounds, args.think))
            server = cpu_seconds(process.pid) - before
        finally:
            process.terminate()
            process.wait(timeout=30)
        line = (
            f"| {count} | {len(times)} | {percentile(times, 0.5):.2f} | {percentile(times, 0.95):.2f} | "
            f"{max(times, default=float('nan')):.2f} | {len(errors)} | {wall:.0f} | {server:.0f} | "
            f"{server / (wall * os.cpu_count()):.0%} |"
        )
        rows.append(line)
        notes += errors[:5]
        print(line, *errors[:5], sep="\n", flush=True)
    body = "\n".join(
        [
            f"Produced by `python -m bench.load` on {date.today()}, {os.cpu_count()} cores; server and all browsers on "
            f"this one machine. Data: `{data.name}`. Each session adds a district {args.rounds} times (half on the "
            f"Overview, half on Spot checks), looking {args.think:g} s on average (uniform ±50%) before each change; "
            "time = click on the district to the script run finished with every chart drawn. *server CPU*: what the "
            "server process used over the run (page loads included); *server share*: of all the machine's CPU time.",
            "",
            *rows,
            *([""] + [f"- {n}" for n in notes] if notes else []),
        ]
    )
    replace_section(ROOT / "bench" / "RESULTS.md", LOAD_HEADING, body)


if __name__ == "__main__":
    main()
