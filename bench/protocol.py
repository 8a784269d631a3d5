"""Load at the protocol level: many Streamlit sessions from one process, no browser, so that what is measured is
the server and not the browsers.

    python -m bench.protocol --url http://127.0.0.1:8501 --sessions 50 --within 10 --page overview
    python -m bench.protocol --url http://127.0.0.1:8501 --scenario office --sessions 20 --repeat 4

Each session opens Streamlit's websocket (`/_stcore/stream`, subprotocol `streamlit`), asks for a page view the way
a browser does after connecting (a `BackMsg` `rerun_script` with the page name and the link's query string), reads
the `ForwardMsg`s and stops the clock at `script_finished`. *conference*: N sessions open the same link, their starts
spread evenly over `--within` seconds (with `--repeat`, each then reruns the same view). *office*: N sessions each
open the page and then change the years slider `--repeat` times, 10-30 s apart (`--think`), as a widget state in
the same session, the way a browser sends a slider move. The server's CPU seconds over the run (from
/proc/PID/stat, with `--pid`) divided by the views give the CPU per view.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from bench.common import PROTOCOL_HEADING, ROOT, cpu_seconds, percentile, replace_section, start_server


@dataclass
class Result:
    """One session's view: seconds to connect and from the request to `script_finished`, and what went wrong."""

    connect_s: float = 0.0
    views_s: list[float] = field(default_factory=list)
    deltas: int = 0
    exception: str | None = None  # an exception the app showed (a delta of type exception), or a protocol error


def stream_url(url: str) -> str:
    parts = urlsplit(url)
    scheme = "wss" if parts.scheme == "https" else "ws"
    return f"{scheme}://{parts.netloc}{parts.path.rstrip('/')}/_stcore/stream"


def rerun(page: str, query: str, years: tuple[str, list[float]] | None = None) -> bytes:
    """A `rerun_script` for a page and link; with `years` (the slider's widget id and its new value), a slider move."""
    message = BackMsg()
    message.rerun_script.query_string = query
    message.rerun_script.page_name = "" if page == "overview" else page
    if years:
        state = message.rerun_script.widget_states.widgets.add()
        state.id = years[0]
        state.double_array_value.data.extend(years[1])
    return message.SerializeToString()


async def view(socket, request: bytes, result: Result, timeout: float) -> str | None:
    """Send one request and read until `script_finished`; returns the years slider's widget id when one was drawn."""
    slider = None
    asked = time.perf_counter()
    await socket.send(request)
    while True:
        message = ForwardMsg()
        message.ParseFromString(await asyncio.wait_for(socket.recv(), timeout))
        kind = message.WhichOneof("type")
        if kind == "delta":
            result.deltas += 1
            element = message.delta.new_element
            if element.WhichOneof("type") == "exception":
                result.exception = element.exception.message[:200]
            elif element.WhichOneof("type") == "slider" and element.slider.id.endswith("-years"):
                slider = element.slider.id
        elif kind == "script_finished":
            if message.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                continue  # the app asked for a rerun (e.g. a page switch): the view ends when that run does
            if message.script_finished != ForwardMsg.FINISHED_SUCCESSFULLY:
                result.exception = result.exception or ForwardMsg.ScriptFinishedStatus.Name(message.script_finished)
            break
    result.views_s.append(time.perf_counter() - asked)
    return slider


async def session(url: str, page: str, query: str, repeat: int, timeout: float, think: tuple[float, float] | None,
                  seed: int = 0) -> Result:
    """Connect and view the page; then `repeat` - 1 more views: the same again, or (with `think`, the office) a new
    years range after a pause drawn from `think` seconds."""
    result = Result()
    rng = random.Random(seed)
    start = time.perf_counter()
    try:
        async with websockets.connect(stream_url(url), subprotocols=["streamlit"], max_size=None,
                                      open_timeout=timeout) as socket:
            result.connect_s = time.perf_counter() - start
            slider = await view(socket, rerun(page, query), result, timeout)
            for _ in range(repeat - 1):
                years = None
                if think:
                    await asyncio.sleep(rng.uniform(*think))
                    if slider is None:
                        raise RuntimeError("the page drew no years slider to move")
                    first = rng.randint(2016, 2024)
                    years = (slider, [float(first), float(rng.randint(first + 1, 2025))])
                slider = await view(socket, rerun(page, query, years), result, timeout) or slider
    except (OSError, TimeoutError, RuntimeError, websockets.WebSocketException) as error:
        result.exception = f"{type(error).__name__}: {error}"[:200]
    return result


async def crowd(url: str, page: str, query: str, sessions: int, within: float, repeat: int, timeout: float,
                think: tuple[float, float] | None) -> list[Result]:
    """`sessions` sessions open the same link, their starts spread evenly over `within` seconds."""

    async def later(i: int) -> Result:
        await asyncio.sleep(within * i / max(1, sessions))
        return await session(url, page, query, repeat, timeout, think, seed=i)

    return list(await asyncio.gather(*(later(i) for i in range(sessions))))


def summary(results: list[Result], wall_s: float, cpu_s: float | None) -> dict:
    views = [v for r in results for v in r.views_s]
    connects = [r.connect_s for r in results if r.exception is None or r.views_s]
    return {"sessions": len(results), "views": len(views), "errors": sum(r.exception is not None for r in results),
            "p50_s": statistics.median(views) if views else None, "p95_s": percentile(views, 0.95),
            "max_s": max(views, default=None), "connect_p95_s": percentile(connects, 0.95),
            "views_per_s": len(views) / wall_s if wall_s else None, "wall_s": wall_s,
            "server_cpu_s": cpu_s, "cpu_ms_per_view": 1000 * cpu_s / len(views) if cpu_s and views else None,
            "first_error": next((r.exception for r in results if r.exception), None)}


def measure(url: str, pid: int | None, scenario: str, sessions: int, page: str = "overview", query: str = "lang=zh",
            within: float = 10.0, repeat: int = 1, think: tuple[float, float] | None = None,
            timeout: float = 300.0) -> dict:
    """One run of a scenario against a running server, with the server's CPU seconds when its pid is given."""
    before, start = (cpu_seconds(pid) if pid else None), time.perf_counter()
    results = asyncio.run(crowd(url, page, query, sessions, within, repeat, timeout,
                                think if scenario == "office" else None))
    wall = time.perf_counter() - start
    return summary(results, wall, cpu_seconds(pid) - before if pid else None)


def alone(url: str, pid: int, page: str, views: int, new_filters: bool, query: str = "lang=zh") -> dict:
    """One session alone on the server: its first view, then `views` more, the same again or each with a new years
    range; the figures are those of the later views only, with the server's CPU read around each of them."""
    result = Result()

    async def run():
        async with websockets.connect(stream_url(url), subprotocols=["streamlit"], max_size=None) as socket:
            slider = await view(socket, rerun(page, query), result, 300)
            result.views_s.clear()
            for first in range(2016, 2016 + views):
                years = (slider, [float(first), 2025.0]) if new_filters else None
                cpu = cpu_seconds(pid)
                await view(socket, rerun(page, query, years), result, 300)
                cpus.append(cpu_seconds(pid) - cpu)

    cpus: list[float] = []
    start = time.perf_counter()
    asyncio.run(run())
    out = summary([result], time.perf_counter() - start, sum(cpus))
    return out | {"cpu_ms_max": 1000 * max(cpus)}


RUNS = [  # (scenario, sessions, page, within s, views per session)
    ("first", 1, "overview", 0, 1), ("same", 1, "overview", 0, 5), ("new", 1, "overview", 0, 6),
    ("first", 1, "spot_checks", 0, 1), ("same", 1, "spot_checks", 0, 5), ("new", 1, "spot_checks", 0, 6),
    ("conference", 50, "overview", 10, 1), ("conference", 100, "overview", 10, 1),
    ("conference", 200, "overview", 10, 1), ("conference", 100, "spot_checks", 10, 1),
    ("office", 25, "overview", 10, 4), ("office", 50, "overview", 10, 4)]


def scenario_run(url: str, pid: int, scenario: str, sessions: int, page: str, within: float, repeat: int) -> dict:
    """One row of the suite on a fresh server. *first*: one session's first view (cold caches). *same*: after a
    first session opened the page, another views it `repeat` times with the same filters. *new*: after that first
    view, one session moves the years slider `repeat` times without pausing: every view a new filter."""
    if scenario == "first":
        return measure(url, pid, "conference", 1, page, within=0)
    if scenario in ("same", "new"):
        measure(url, pid, "conference", 1, page, within=0)  # someone opened the page before
        return alone(url, pid, page, repeat, new_filters=scenario == "new")
    return measure(url, pid, scenario, sessions, page, within=within, repeat=repeat, think=(10.0, 30.0))


def fmt(value: float | None, spec: str) -> str:
    return "—" if value is None or value != value else format(value, spec)


def suite(data: Path, runs: list[tuple] = RUNS) -> str:
    """The scenarios of issue 15, each against a fresh server, as a Markdown section for bench/RESULTS.md."""
    rows = ["| scenario | sessions | page | views | p50 s | p95 s | max s | connect p95 s | errors | views/s "
            "| server CPU ms per view |", "|---|---|---|---|---|---|---|---|---|---|---|"]
    for scenario, sessions, page, within, repeat in runs:
        process, url = start_server(data)  # nothing cached from the previous run
        try:
            out = scenario_run(url, process.pid, scenario, sessions, page, within, repeat)
        finally:
            process.terminate()
            process.wait(timeout=30)
        figures = [fmt(out[k], ".2f") for k in ("p50_s", "p95_s", "max_s", "connect_p95_s")]
        rows.append(f"| {scenario} | {sessions} | {page} | {out['views']} | {' | '.join(figures)} | {out['errors']} "
                    f"| {fmt(out['views_per_s'], '.2f')} | {fmt(out['cpu_ms_per_view'], '.0f')} |")
        print(rows[-1], out["first_error"] or "", flush=True)
    return "\n".join([
        f"Produced by `python -m bench.protocol --suite` on {date.today()}, {os.cpu_count()} cores, data "
        f"`{data.name}`: sessions speak Streamlit's websocket protocol from one process (no browser), each row "
        "against a fresh server. *first*: one session's first view (cold caches). *same*: a page someone already "
        "opened, viewed 5 more times with the same filters. *new*: the years slider moved 6 times in a row, every "
        "view a new filter. *conference*: N sessions open the same link, starts spread over 10 s. *office*: N "
        "sessions each open the Overview and move the years slider 3 times, 10-30 s apart. Time: request to "
        "`script_finished`; *server CPU per view*: the server process's CPU seconds over the measured views / views.",
        "", *rows])


def main(argv: list[str] | None = None) -> dict | None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8501")
    parser.add_argument("--scenario", choices=("conference", "office"), default="conference")
    parser.add_argument("--think", default="10,30", help="office: seconds between filter changes, min,max")
    parser.add_argument("--page", default="overview", help="page name as in the URL (default: overview)")
    parser.add_argument("--query", default="lang=zh", help="the link's query string (default: lang=zh)")
    parser.add_argument("--sessions", type=int, default=1)
    parser.add_argument("--within", type=float, default=10.0, help="seconds over which the sessions start")
    parser.add_argument("--repeat", type=int, default=1, help="views per session (reruns after the first)")
    parser.add_argument("--timeout", type=float, default=300.0)
    parser.add_argument("--pid", type=int, help="the server's process id, for its CPU seconds")
    parser.add_argument("--suite", action="store_true", help="run every scenario on fresh servers and write "
                        "bench/RESULTS.md (data: --data, default bench/cache/rows-10000000)")
    parser.add_argument("--data", type=Path, default=ROOT / "bench" / "cache" / "rows-10000000")
    args = parser.parse_args(argv)
    if args.suite:
        replace_section(ROOT / "bench" / "RESULTS.md", PROTOCOL_HEADING, suite(args.data))
        return None
    out = measure(args.url, args.pid, args.scenario, args.sessions, args.page, args.query, args.within, args.repeat,
                  tuple(float(x) for x in args.think.split(",")), args.timeout)
    print(json.dumps(out))
    return out


if __name__ == "__main__":
    main()
