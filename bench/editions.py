"""Phones opening a published edition at once, through nginx (deploy/nginx.conf), as a first visit does: the page,
then every asset it references, each over HTTP/1.1 with `Accept-Encoding: gzip` (nginx answers with the .gz beside
each file). Not a browser: nothing is drawn; the figures are the server's side of a conference hall.

    python -m bench.editions [--phones 1000 --within 10] [--data DIR] [--write]

Publishes the default storyline's edition of the data's default period into a copy's archive (the 10 M-row demo
of `scripts/dev.py bench` unless --data), starts nginx in front of it alone, and prints per phone the time from its
first request to its last byte: p50, p95, max, errors and the bytes it took. --write adds the rows to
bench/RESULTS.md ("Editions: phones at once").
"""

from __future__ import annotations

import argparse
import asyncio
import random
import re
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from bench.common import percentile, replace_section
from bench.run import data_dir, machine
from deploy import replicas
from qcity.documents import deck

ROOT = Path(__file__).resolve().parent.parent
HEADING = "## Editions: phones at once (issue 28)"


async def fetch(port: int, path: str) -> tuple[int, int]:
    """One GET on its own connection; (status, bytes of body)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Encoding: gzip\r\nConnection: close\r\n\r\n"
    writer.write(request.encode())
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    size = 0
    while chunk := await reader.read(1 << 18):
        size += len(chunk)
    writer.close()
    return status, size


async def phone(port: int, page: str, delay: float, assets: list[str]) -> dict:
    """A first visit: the page, then its assets two at a time (as a phone's browser opens a few connections)."""
    await asyncio.sleep(delay)
    start = time.perf_counter()
    try:
        results = [await fetch(port, page)]
        results += await asyncio.gather(*(fetch(port, asset) for asset in assets))
        ok = all(status == 200 for status, _ in results)
        return {"seconds": time.perf_counter() - start, "bytes": sum(size for _, size in results), "ok": ok}
    except (OSError, asyncio.IncompleteReadError) as error:
        return {"seconds": time.perf_counter() - start, "bytes": 0, "ok": False, "error": str(error)}


def crowd(port: int, page: str, assets: list[str], phones: int, within: float) -> list[dict]:
    spread = random.Random(7)  # the same starts in every run
    delays = sorted(spread.uniform(0, within) for _ in range(phones))
    return asyncio.run(_gather(port, page, assets, delays))


async def _gather(port, page, assets, delays):
    return await asyncio.gather(*(phone(port, page, delay, assets) for delay in delays))


def listening(port: int, process: subprocess.Popen, seconds: float = 30) -> None:
    """Return once nginx accepts connections on `port`."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("nginx did not start") from None
            time.sleep(0.05)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.editions", description=__doc__.splitlines()[0])
    parser.add_argument("--phones", default="1000,5000,1000", help="crowd sizes, comma-separated")
    parser.add_argument("--within", default="10,60,0", help="seconds each crowd's starts spread over (0: at once)")
    parser.add_argument("--data", type=Path, help="a data directory (default: the 10 M-row bench demo)")
    parser.add_argument("--write", action="store_true", help="write the rows to bench/RESULTS.md")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="qcity-editions-"))
    work.chmod(0o755)  # nginx's workers read it
    data = work / "data"
    (data / "editions").mkdir(parents=True)
    source = args.data or data_dir(10_000_000)
    started = time.perf_counter()
    out = data / "editions" / "default" / "edition"
    folder = out.with_name(".edition~bench")  # as the archive keeps it: the period's name a link to a hidden folder
    assert deck.main(["edition", "--lang", "zh,en", "--data", str(source), "--out", str(folder)]) == 0
    built = time.perf_counter() - started
    out.symlink_to(folder.name)
    html = (out / "index.html").read_text(encoding="utf-8")
    assets = [f"/editions/default/edition/{name}" for name in re.findall(r'(?:src|href)="(assets/[^"]+)"', html)]
    port, prefix = replicas.free_port(), work / "nginx"
    prefix.mkdir()
    (prefix / "nginx.conf").write_text(replicas.nginx_config(port, [replicas.free_port()], prefix, data))
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    proxy = subprocess.Popen([nginx, "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-g", "daemon off;"])
    rows = []
    try:
        listening(port, proxy)
        for phones, within in zip(map(int, args.phones.split(",")), map(float, args.within.split(","))):
            results = crowd(port, "/editions/default/edition/index.html", assets, phones, within)
            done = [r["seconds"] for r in results if r["ok"]]
            errors = len(results) - len(done)
            row = (
                f"| {phones:,} {f'within {within:g} s' if within else 'at the same instant'} | {len(done):,} | "
                f"{percentile(done, 0.5):.3f} | {percentile(done, 0.95):.3f} | {max(done):.3f} | {errors} | "
                f"{sum(r['bytes'] for r in results) / len(results) / 1e6:.2f} |"
            )
            print(row, flush=True)
            rows.append(row)
    finally:
        proxy.terminate()
        proxy.wait(timeout=20)
        shutil.rmtree(work, ignore_errors=True)
    body = "\n".join(
        [
            f"Produced by `python -m bench.editions` on {machine()}: the default storyline's edition (both languages) "
            f"of `{source.name}`, built in {built:.1f} s, served by nginx alone (`deploy/nginx.conf`, gzip_static) "
            "through the archive's link to its folder. "
            "Each phone is a first visit without a cache: the page, then its assets, each on its own HTTP/1.1 "
            "connection with Accept-Encoding gzip, its start spread at random over the window; time from its first "
            "request to its last byte. The client runs on the same 2 cores as nginx.",
            "",
            "| phones | complete | p50 s | p95 s | max s | errors | MB per phone |",
            "|---|---|---|---|---|---|---|",
            *rows,
        ]
    )
    print(body)
    if args.write:
        replace_section(ROOT / "bench" / "RESULTS.md", HEADING, body)


if __name__ == "__main__":
    main()
