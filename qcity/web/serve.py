"""Start the dashboard ready for its first reader: `streamlit run dashboard.py` after the heavy imports, then one
view of the entry page rendered by the server itself before it says it is ready.

    python -m qcity.serve [streamlit options]      # e.g. --server.port 8501 --server.address 127.0.0.1

On a fresh process the first view used to pay for everything done once: importing SciPy and statsmodels for the
early warnings (about 2 s), Plotly's figure classes, opening the data directory and loading its rollup, the queries
and figures every later view takes from the caches. Here the imports happen before the server starts, and the
Overview is viewed once over the server's own websocket, as a browser would (qcity.web.client), once it listens.
Then the server is ready: it says so on stderr and, under systemd (`Type=notify`), with `READY=1` on
$NOTIFY_SOCKET; deploy/replicas.py waits for that message before nginx sends a replica readers. A failed warm-up
is reported and the server stays up (it works, only its first view is slow).
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import socket
import sys
import threading
import time
import urllib.request
from pathlib import Path

import qcity

ROOT = Path(__file__).resolve().parents[2]
# What the pages need beyond qcity's own modules: the early warnings' statistics, imported by
# qcity.analysis.attention only when a report is first judged
HEAVY = ("scipy.stats", "statsmodels.stats.proportion", "statsmodels.stats.multitest")


def preload() -> float:
    """Import every module of qcity and HEAVY; returns the seconds it took."""
    start = time.perf_counter()
    for module in pkgutil.walk_packages(qcity.__path__, "qcity."):
        if module.name.rsplit(".", 1)[-1] not in ("__main__", "serve"):
            importlib.import_module(module.name)
    for name in HEAVY:
        importlib.import_module(name)
    return time.perf_counter() - start


def notify(state: str) -> None:
    """Tell systemd (or deploy/replicas.py, which speaks the same protocol) this process's state, e.g. READY=1."""
    address = os.environ.get("NOTIFY_SOCKET")
    if not address:
        return
    if address.startswith("@"):  # an abstract socket name
        address = "\0" + address[1:]
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.sendto(state.encode(), address)


def local_url() -> str:
    """The running server's own address (Streamlit's configuration is read by the time the server listens)."""
    from streamlit import config

    host = config.get_option("server.address") or "127.0.0.1"
    return f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{config.get_option('server.port')}"


def warm(deadline_s: float = 600) -> None:
    """Once the server answers its health check, view the entry page once, then say the server is ready."""
    from streamlit.runtime import Runtime

    from qcity.web import client

    start = time.monotonic()
    while not Runtime.exists() and time.monotonic() - start < deadline_s:  # the CLI has not started it yet
        time.sleep(0.1)
    url = local_url()
    while time.monotonic() - start < deadline_s:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                break
        except OSError:
            time.sleep(0.1)
    try:
        seconds = client.open_view(url, timeout=deadline_s)
        print(f"qcity: the Overview was viewed once in {seconds:.1f} s; ready for readers", file=sys.stderr, flush=True)
    except (client.ViewError, OSError, TimeoutError) as error:
        print(f"qcity: warming up failed ({error}); ready, the first view will be slow", file=sys.stderr, flush=True)
    notify("READY=1")


def main(argv: list[str] | None = None) -> None:
    """Preload, warm in the background, and run Streamlit's own command line on dashboard.py."""
    from streamlit.web import cli

    seconds = preload()
    print(f"qcity: imports done in {seconds:.1f} s", file=sys.stderr, flush=True)
    threading.Thread(target=warm, name="qcity-warm", daemon=True).start()
    cli.main(["run", str(ROOT / "dashboard.py"), *(sys.argv[1:] if argv is None else argv)], prog_name="streamlit")
