"""What both sides of the benchmark share: the seeded filters (so the app and the pandas baseline answer the same
questions) and how peak memory is read."""

import os
import random
import resource
import subprocess
from pathlib import Path

from deploy.replicas import free_port, serve

DISTRICTS = ["430102", "430103", "430104", "430105", "430111", "430112", "430121", "430181", "430182"]
SECTORS = [
    "food-catering",
    "food-dairy",
    "food-meat",
    "food-grain",
    "mfg-electrical",
    "mfg-children",
    "agri-vegetables",
    "agri-aquatic",
    "drug-tcm",
    "drug-chemical",
]
PAGES = {"overview": "pages/overview.py", "spot_checks": "pages/spot_checks.py"}
LOAD_HEADING = "## Load: concurrent browser sessions"
PROTOCOL_HEADING = "## Load: sessions at the protocol level"
SETTINGS_HEADING = "## Streamlit settings, one by one"
ROOT = Path(__file__).resolve().parent.parent


def random_filters(count: int = 8, seed: int = 2026) -> list[dict]:
    """URL-style filters: a year range, half of them read as the year to date through a month (Jan-Nov), and
    sometimes a few districts or sectors (absent = all)."""
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        first, last = sorted(rng.sample(range(2016, 2026), 2))
        query = {"from": str(first), "to": str(last)}
        if rng.random() < 0.5:
            query = {"from": str(first), "period": "ytd", "through": f"{last}-{rng.randint(1, 11):02d}"}
        if rng.random() < 0.6:
            query["district"] = ",".join(rng.sample(DISTRICTS, rng.randint(1, 3)))
        if rng.random() < 0.5:
            query["sector"] = ",".join(rng.sample(SECTORS, rng.randint(1, 4)))
        out.append(query)
    return out


def peak_rss_mb() -> float:
    """Peak resident memory of this process in MB.

    Linux's VmHWM, not getrusage's ru_maxrss: the latter survives fork and exec, so a child started by a parent
    that had just generated 50 million rows would report the parent's peak as its own.
    """
    status = Path("/proc/self/status")
    if status.exists():
        line = next(line for line in status.read_text().splitlines() if line.startswith("VmHWM:"))
        return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def replace_section(path: Path, heading: str, body: str) -> None:
    """Put `body` under `heading` in a Markdown file, replacing that section (up to the next `## `) if present."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    start = text.find(heading)
    if start >= 0:
        end = text.find("\n## ", start + len(heading))
        text = text[:start] + ("" if end < 0 else text[end + 1 :])
    path.write_text(f"{text.rstrip()}\n\n{heading}\n\n{body.strip()}\n", encoding="utf-8")


def window(query: dict) -> tuple[int, int, int]:
    """A filter's first and last year and the last month read in each year (12 for whole years)."""
    if query.get("period") == "ytd":
        last, month = (int(part) for part in query["through"].split("-"))
        return int(query["from"]), last, month
    return int(query["from"]), int(query["to"]), 12


def start_server(data: Path, env: dict | None = None) -> tuple[subprocess.Popen, str]:
    """The dashboard's server (qcity.serve) on a data directory at a free local port, with `env` added to its
    environment; returns the process and its URL once it is ready, i.e. warmed as every deployment is."""
    port = free_port()
    try:
        process = serve(port, {**os.environ, **(env or {}), "QCITY_DATA_DIR": str(data)})
    except RuntimeError:
        raise SystemExit("the dashboard's server did not start") from None
    return process, f"http://127.0.0.1:{port}"


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) a process has used so far (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list, q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] if ordered else float("nan")
