"""Benchmark: each page's query time for new and repeated filters, cold start and peak memory, against a pandas
baseline, at 1, 10 and 50 million inspection rows. Writes bench/RESULTS.md.

    python3 scripts/dev.py bench [--sizes 1000000,10000000,50000000]

Data directories are generated once with the demo generator and kept under bench/cache/ (about 3 GB for all).
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from datetime import date
from importlib.metadata import version
from pathlib import Path

from bench.common import LOAD_HEADING, replace_section
from qcity.intake import demo
from qcity.store import rollups

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "bench" / "cache"
TARGETS = {10_000_000: 100, 50_000_000: 300}  # ms per page for a new filter (median)


def data_dir(rows: int) -> Path:
    """A demo data directory with `rows` inspections, generated once and reused."""
    out = CACHE / f"rows-{rows}"
    city = out / "city.json"
    if not (city.exists() and json.loads(city.read_text())["generator"]["rows"] == rows and rollups.is_current(out)):
        start = time.perf_counter()
        demo.DemoCity("changsha", rows, 7).write(out)
        print(f"generated {rows:,} rows in {time.perf_counter() - start:.0f} s", flush=True)
    return out


def measure(module: str, directory: Path) -> dict:
    """Run one side of the benchmark in a fresh process (cold start and peak memory are that process's own)."""
    result = subprocess.run(
        [sys.executable, "-m", module, str(directory)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def machine() -> str:
    cpu = (
        next(
            (
                line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")
            ),
            platform.processor(),
        )
        if Path("/proc/cpuinfo").exists()
        else ""
    )
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    packages = ", ".join(f"{p} {version(p)}" for p in ("duckdb", "pandas", "pyarrow", "streamlit"))
    return (
        f"{os.cpu_count()} cores ({cpu}), {memory:.0f} GiB RAM, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}; {packages}; {date.today().isoformat()}"
    )


def report(results: dict) -> str:
    lines = [
        "# Benchmark results",
        "",
        "Produced by `python3 scripts/dev.py bench` (bench/run.py); do not edit by hand.",
        "",
        f"Machine: {machine()}.",
        "",
        "- Every figure is a median over 8 seeded random filters (year range, half of them as the year to date "
        "through a month, sometimes a few districts or sectors), each filter timed 3 times (median kept); "
        "*max* is the slowest filter. Runs on this shared machine vary by about a third, so compare ratios "
        "within a run.",
        "- *new filter*: "
        "the time a running server spends on the page's queries when the filter is new: every query that "
        "takes the filters runs in DuckDB, the others (districts, sectors, year bounds) come from the cache.",
        "- *repeated*: the same filters again, all from the cache.",
        "- *pandas*: the usual way — the inspections file loaded once into a cached DataFrame (only the six "
        "columns needed, as categoricals), then the page's numbers filtered and grouped in pandas, for the same "
        "filters. *ratio* = pandas / new filter.",
        "- *cold start*: a fresh process to the Overview rendered under Streamlit's AppTest, including imports. "
        "*app RSS*: peak resident memory (VmHWM) of that process over all runs; *pandas RSS* likewise "
        "for the baseline.",
        "",
        "| rows | page | new filter ms (max) | repeated ms | pandas ms | ratio | cold start s | app RSS MB "
        "| pandas load s | pandas RSS MB | target |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for rows, result in results.items():
        app, pandas = result["app"], result["pandas"]
        for page, timing in app["pages"].items():
            baseline = pandas["pages"][page]["median_ms"]
            ratio = baseline / timing["fresh_ms"]
            limit = TARGETS.get(rows)
            checks = []
            if limit:
                checks.append(f"{'✓' if timing['fresh_ms'] <= limit else '✗'} ≤ {limit} ms")
            if rows == 10_000_000:
                checks.append(f"{'✓' if ratio >= 10 else '✗'} ≥ 10×")
                checks.append(f"{'✓' if app['cold_start_s'] <= 3 else '✗'} start ≤ 3 s")
                checks.append(f"{'✓' if app['peak_rss_mb'] <= 500 else '✗'} ≤ 500 MB")
            lines.append(
                f"| {rows:,} | {page} | {timing['fresh_ms']:.0f} ({timing['fresh_max_ms']:.0f}) "
                f"| {timing['repeated_ms']:.0f} | {baseline:.0f} | {ratio:.1f}× | {app['cold_start_s']:.2f} "
                f"| {app['peak_rss_mb']:.0f} | {pandas['load_s']:.1f} | {pandas['peak_rss_mb']:.0f} "
                f"| {', '.join(checks)} |"
            )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000000,10000000,50000000", help="comma-separated row counts")
    sizes = [int(s) for s in parser.parse_args().sizes.split(",")]
    results = {}
    for rows in sizes:
        directory = data_dir(rows)
        results[rows] = {
            "app": measure("bench.app_timing", directory),
            "pandas": measure("bench.pandas_baseline", directory),
        }
        print(f"{rows:,} rows: {json.dumps(results[rows])}", flush=True)
    results_file = ROOT / "bench" / "RESULTS.md"
    kept = results_file.read_text(encoding="utf-8") if results_file.exists() else ""
    results_file.write_text(report(results), encoding="utf-8")
    if LOAD_HEADING in kept:  # the load test's figures (bench/load.py, the last section) live in the same file
        replace_section(results_file, LOAD_HEADING, kept[kept.find(LOAD_HEADING) + len(LOAD_HEADING) :])
    print((ROOT / "bench" / "RESULTS.md").read_text(encoding="utf-8"))


if __name__ == "__main__":
    main()
