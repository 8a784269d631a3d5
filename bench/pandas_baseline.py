"""The usual Streamlit way, as the baseline: the file loaded once into a cached DataFrame, each page's numbers
computed in pandas per filter. Same filters and same figures as the app's queries.

    python -m bench.pandas_baseline DATA_DIR   # prints one JSON object
"""

import json
import statistics
import sys
import time
from pathlib import Path

import pandas as pd

from bench.common import peak_rss_mb, random_filters, window

REPEATS = 3  # as in bench/app_timing.py
COLUMNS = ["sample_date", "district_code", "sector_code", "kind", "passed", "failed_item"]


def load(data_dir: Path) -> dict:
    inspections = pd.read_parquet(data_dir / "inspections.parquet", columns=COLUMNS)
    domains = pd.read_csv(data_dir / "sectors.csv").set_index("sector_code").domain
    inspections["domain"] = inspections.sector_code.map(domains).astype("category")
    dates = pd.to_datetime(inspections.sample_date)
    inspections["year"], inspections["month"] = dates.dt.year, dates.dt.month
    return {
        "inspections": inspections,
        "special_equipment": pd.read_parquet(data_dir / "special_equipment.parquet"),
        "construction": pd.read_parquet(data_dir / "construction.parquet"),
    }


def selected(frame: pd.DataFrame, query: dict, first: int, last: int, month: int = 12) -> pd.DataFrame:
    mask = frame.year.between(first, last)
    if month < 12:
        mask &= frame.month <= month
    if "district" in query:
        mask &= frame.district_code.isin(query["district"].split(","))
    if "sector" in query:
        mask &= frame.sector_code.isin(query["sector"].split(","))
    return frame[mask]


def rate(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    return frame.groupby(keys, observed=True).passed.agg(["sum", "count"])


def overview(data: dict, query: dict) -> list:
    """Headline indicators by year (with the previous year) and the food league by district."""
    first, last, month = window(query)
    rows = selected(data["inspections"], query, first - 1, last, month)
    out = [
        rate(rows[rows.domain.isin(["manufacturing", "food", "drugs"])], ["domain", "year"]),
        rate(rows[(rows.domain == "agri") & (rows.kind == "routine_monitoring")], ["year"]),
        rate(rows[(rows.domain == "food") & (rows.year >= last - 1)], ["district_code", "year"]),
    ]
    for table in ("special_equipment", "construction"):
        small = data[table]
        keep = small.year.between(first - 1, last if month == 12 else last - 1)  # yearly: whole years only
        if "district" in query:
            keep &= small.district_code.isin(query["district"].split(","))
        out.append(small[keep].groupby("year").sum(numeric_only=True))
    return out


def spot_checks(data: dict, query: dict) -> list:
    """Domain x year, this year and last month by month, district x year, sectors in the last year, failure
    reasons, and the rows behind."""
    first, last, month = window(query)
    rows = selected(data["inspections"], query, first, last, month)
    months = rate(selected(data["inspections"], query, last - 1, last), ["year", "month"])
    months[["sum", "count"]] = months.groupby(level="year")[["sum", "count"]].cumsum()
    return [
        rate(rows, ["domain", "year"]),
        months,
        rate(rows, ["district_code", "year"]),
        rate(rows[rows.year == last], ["sector_code"]),
        rows[~rows.passed].failed_item.astype(object).fillna("unknown").value_counts(),
        rate(rows, ["year", "district_code", "sector_code"]),
    ]


def main(data_dir: str) -> dict:
    start = time.perf_counter()
    data = load(Path(data_dir))
    load_s = time.perf_counter() - start
    pages = {}
    for name, page in (("overview", overview), ("spot_checks", spot_checks)):
        times = []
        for query in random_filters():
            runs = []
            for _ in range(REPEATS):
                start = time.perf_counter()
                page(data, query)
                runs.append(time.perf_counter() - start)
            times.append(statistics.median(runs))
        pages[name] = {"median_ms": 1000 * statistics.median(times), "max_ms": 1000 * max(times)}
    return {"load_s": load_s, "pages": pages, "peak_rss_mb": peak_rss_mb()}


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1])))
