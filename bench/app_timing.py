"""The app's side, in a process of its own: cold start, each page's query time per filter, peak memory.

python -m bench.app_timing DATA_DIR   # prints one JSON object
"""

import time

STARTED = time.perf_counter()

import json  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

from streamlit.runtime import Runtime  # noqa: E402
from streamlit.runtime.pages_manager import PagesManager  # noqa: E402
from streamlit.testing.v1 import AppTest, app_test  # noqa: E402

from bench.common import PAGES, peak_rss_mb, random_filters  # noqa: E402
from qcity.web import cache  # noqa: E402

ENTRY = str(Path(__file__).resolve().parent.parent / "dashboard.py")


class ServerLikePagesManager(PagesManager):
    """As in tests/test_pages.py: keep AppTest in the mode a running server is in."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        PagesManager.uses_pages_directory = False


def run_page(page: str, query: dict, calls: list) -> None:
    """Run a page under AppTest with the filters in its URL; `calls` collects only that page's queries."""
    at = AppTest.from_file(ENTRY, default_timeout=300)
    at.query_params.update(query)
    at.run()
    if page != "overview":
        calls.clear()
        at.switch_page(PAGES[page]).run()
    if at.exception:
        raise RuntimeError(f"{page} {query}: {at.exception[0].value}")


def replay(calls: list, new_filter: bool) -> float:
    """Seconds a server spends on a page's queries. For a new filter, every query that takes the filters runs in
    DuckDB (a cache miss) and the others come from the cache; for a repeated filter, all come from the cache."""
    database = cache.current()
    start = time.perf_counter()
    for name, params in calls:
        if new_filter and FILTER_PARAMS & params.keys():
            database.query(name, **params)
        else:
            ORIGINAL_RUN(name, **params)
    return time.perf_counter() - start


ORIGINAL_RUN = cache.run
FILTER_PARAMS = {"year_from", "year_to", "year", "month_from", "month_to", "districts", "sectors"}
REPEATS = 3  # each filter is timed this many times and the median kept: this machine is shared and noisy


def main(data_dir: str) -> dict:
    """Cold start; then per page and filter, AppTest records the page's queries and replaying them measures the
    time for a new filter (misses) and for a repeated one (hits)."""
    os.environ["QCITY_DATA_DIR"] = data_dir
    app_test.PagesManager = ServerLikePagesManager
    calls: list[tuple[str, dict]] = []
    cache.run = lambda name, **params: calls.append((name, params)) or ORIGINAL_RUN(name, **params)
    run_page("overview", {}, calls)
    cold_start = time.perf_counter() - STARTED
    Runtime._instance = None
    replay(calls, new_filter=False)  # a running server has the filter-independent queries cached
    pages = {}
    for page in PAGES:
        fresh, repeated, render, count = [], [], [], 0
        for query in random_filters():
            calls.clear()
            start = time.perf_counter()
            run_page(page, query, calls)
            render.append(time.perf_counter() - start)
            recorded = list(calls)
            Runtime._instance = None
            replay(recorded, new_filter=False)  # fill the cache the way the first request would
            fresh.append(statistics.median(replay(recorded, new_filter=True) for _ in range(REPEATS)))
            repeated.append(statistics.median(replay(recorded, new_filter=False) for _ in range(REPEATS)))
            count = len(recorded)
        pages[page] = {
            "fresh_ms": 1000 * statistics.median(fresh),
            "fresh_max_ms": 1000 * max(fresh),
            "repeated_ms": 1000 * statistics.median(repeated),
            "render_ms": 1000 * statistics.median(render),
            "queries": count,
        }
    return {
        "cold_start_s": cold_start,
        "pages": pages,
        "rollups_current": cache.current().rollups_current,
        "peak_rss_mb": peak_rss_mb(),
    }


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1])))
