"""Run the dashboard as N Streamlit replicas behind nginx (deploy/nginx.conf), on this machine.

    python -m deploy.replicas --replicas 2 --port 8080 [--data DIR]

Each replica is `python -m qcity.serve` (`streamlit run dashboard.py`, warmed with one view before it says it is
ready) on its own local port, all with one server.cookieSecret (taken from $QCITY_COOKIE_SECRET, else made up for
this run); nginx starts once every replica is ready, listens on --port and keeps each browser on one replica (a
cookie, see deploy/nginx.conf). Needs Debian's nginx (`apt-get install nginx`). Ctrl-C stops everything.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parent.parent
CONFIG = Path(__file__).resolve().parent / "nginx.conf"


@dataclass
class Cluster:
    """Running replicas and the nginx in front of them."""

    url: str
    replicas: list[subprocess.Popen]
    nginx: subprocess.Popen
    folder: Path
    ports: list[int] = field(default_factory=list)
    output: IO | None = None  # the replicas' and nginx's log, open while they run

    def stop(self) -> None:
        for process in [self.nginx, *self.replicas]:
            if process.poll() is None:
                process.terminate()
        for process in [self.nginx, *self.replicas]:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        if self.output:
            self.output.close()
        shutil.rmtree(self.folder, ignore_errors=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def streamlit_command(port: int) -> list[str]:
    """The dashboard's server (qcity.serve: `streamlit run dashboard.py`, warmed) headless on a local port: a replica,
    the bench's server, the browser tests'."""
    return [
        sys.executable,
        "-m",
        "qcity.serve",
        "--server.headless",
        "true",
        "--server.address",
        "127.0.0.1",
        "--server.port",
        str(port),
        "--browser.gatherUsageStats",
        "false",
    ]


def launch(
    port: int, env: dict, output: IO | int | None = subprocess.DEVNULL
) -> tuple[subprocess.Popen, socket.socket]:
    """Start a server on `port` with its own $NOTIFY_SOCKET (systemd's protocol, which qcity.serve speaks): returns
    the process and the socket on which it will say READY=1 once warm."""
    folder = Path(tempfile.mkdtemp(prefix="qcity-ready-"))
    ready = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    ready.bind(str(folder / "notify"))
    process = subprocess.Popen(
        streamlit_command(port),
        cwd=ROOT,
        env={**env, "NOTIFY_SOCKET": str(folder / "notify")},
        stdout=output,
        stderr=subprocess.STDOUT,
    )
    return process, ready


def wait_ready(process: subprocess.Popen, ready: socket.socket, seconds: float = 600) -> None:
    """Wait for the server's READY=1 (it has viewed its entry page once); raises RuntimeError if it dies first or
    does not say it in `seconds`."""
    deadline = time.monotonic() + seconds
    ready.settimeout(0.5)
    try:
        while time.monotonic() < deadline and process.poll() is None:
            try:
                if b"READY=1" in ready.recv(4096).split(b"\n"):
                    return
            except TimeoutError:
                continue
        raise RuntimeError(f"the server (pid {process.pid}) did not become ready")
    finally:
        path = ready.getsockname()
        ready.close()
        shutil.rmtree(Path(path).parent, ignore_errors=True)


def serve(port: int, env: dict, output: IO | int | None = subprocess.DEVNULL, seconds: float = 600) -> subprocess.Popen:
    """Start a server on `port` and return it once it is ready (killed, with RuntimeError, if it never is)."""
    process, ready = launch(port, env, output)
    try:
        wait_ready(process, ready, seconds)
    except RuntimeError:
        process.kill()
        raise
    return process


def nginx_config(port: int, replica_ports: list[int], prefix: Path, data: Path) -> str:
    """deploy/nginx.conf with its placeholders filled in (`data`: the data directory, whose editions/ it serves)."""
    upstreams = "\n".join(f"        server 127.0.0.1:{p} max_fails=0;" for p in replica_ports)
    return (
        CONFIG.read_text(encoding="utf-8")
        .replace("@UPSTREAMS@", upstreams)
        .replace("@LISTEN@", f"127.0.0.1:{port}")
        .replace("@PREFIX@", str(prefix))
        .replace("@DOCS@", str(ROOT / "static" / "docs"))
        .replace("@EDITIONS@", str(Path(data).resolve() / "editions"))
    )


def wait_healthy(url: str, process: subprocess.Popen, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                return
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError(f"{url} did not become healthy") from None
            time.sleep(0.3)


def start(
    replicas: int, port: int | None = None, data: Path | None = None, env: dict | None = None, log: Path | None = None
) -> Cluster:
    """Start `replicas` Streamlit servers and, once each has viewed its entry page, nginx in front of them; returns
    once nginx answers for them."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        raise SystemExit("nginx is needed: apt-get install -y nginx")
    folder = Path(tempfile.mkdtemp(prefix="qcity-nginx-"))
    environment = {**os.environ, **(env or {})}
    if data:
        environment["QCITY_DATA_DIR"] = str(data)
    # Streamlit takes the secret from its environment only (not as a command-line flag)
    environment["STREAMLIT_SERVER_COOKIE_SECRET"] = environment.get("QCITY_COOKIE_SECRET") or secrets.token_hex(32)
    output = (log or folder / "replicas.log").open("a")
    ports = [free_port() for _ in range(replicas)]
    launched = [launch(replica_port, environment, output) for replica_port in ports]
    processes = [process for process, _ in launched]
    try:
        for process, ready in launched:  # warm, each of them, before nginx sends anyone
            wait_ready(process, ready)
    except RuntimeError:
        for process in processes:
            process.kill()
        output.close()
        shutil.rmtree(folder, ignore_errors=True)
        raise
    port = port or free_port()
    served = Path(environment.get("QCITY_DATA_DIR") or ROOT / "data")
    (folder / "nginx.conf").write_text(nginx_config(port, ports, folder, served), encoding="utf-8")
    proxy = subprocess.Popen(
        [nginx, "-p", str(folder), "-c", str(folder / "nginx.conf"), "-g", "daemon off;"],
        stdout=output,
        stderr=subprocess.STDOUT,
    )
    cluster = Cluster(f"http://127.0.0.1:{port}", processes, proxy, folder, ports, output)
    try:
        wait_healthy(cluster.url, proxy)
    except RuntimeError:
        cluster.stop()
        raise
    return cluster


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicas", type=int, default=2)
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--data", type=Path, help="data directory (default: $QCITY_DATA_DIR, else data/)")
    args = parser.parse_args(argv)
    cluster = start(args.replicas, args.port, args.data, log=Path("replicas.log"))
    print(
        f"{args.replicas} replicas on ports {', '.join(map(str, cluster.ports))} behind nginx at {cluster.url} "
        "(logs: replicas.log); Ctrl-C stops",
        flush=True,
    )
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        while all(p.poll() is None for p in [cluster.nginx, *cluster.replicas]):
            time.sleep(1)
        return 1  # something died
    except KeyboardInterrupt:
        return 0
    finally:
        cluster.stop()


if __name__ == "__main__":
    sys.exit(main())
