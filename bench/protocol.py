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
/proc/PID/stat, with `--pid`, summed over replicas) divided by the views give the CPU per view. `--suite` runs every
scenario against fresh servers, some through nginx in front of 1 or 2 replicas (deploy/replicas.py).
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

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from bench.common import (
    PROTOCOL_HEADING,
    ROOT,
    SETTINGS_HEADING,
    cpu_seconds,
    percentile,
    replace_section,
    start_server,
)
from deploy import replicas as deploy_replicas
from qcity.web import client
from qcity.web.client import connect, rerun


@dataclass
class Result:
    """One session's view: seconds to connect and from the request to `script_finished`, and what went wrong."""

    connect_s: float = 0.0
    views_s: list[float] = field(default_factory=list)
    deltas: int = 0
    exception: str | None = None  # an exception the app showed (a delta of type exception), or a protocol error


async def view(socket, request: bytes, result: Result, timeout: float) -> str | None:
    """Send one request and read until `script_finished`; returns the years slider's widget id when one was drawn."""
    slider = None

    def seen(message: ForwardMsg) -> None:
        nonlocal slider
        if message.WhichOneof("type") == "delta":
            result.deltas += 1
            result.exception = client.shown_exception(message) or result.exception
            element = message.delta.new_element
            if element.WhichOneof("type") == "slider" and element.slider.id.endswith("-years"):
                slider = element.slider.id

    asked = time.perf_counter()
    end = await client.view(socket, request, timeout, seen)
    if end != ForwardMsg.FINISHED_SUCCESSFULLY:
        result.exception = result.exception or ForwardMsg.ScriptFinishedStatus.Name(end)
    result.views_s.append(time.perf_counter() - asked)
    return slider


async def session(
    url: str, page: str, query: str, repeat: int, timeout: float, think: tuple[float, float] | None, seed: int = 0
) -> Result:
    """Connect and view the page; then `repeat` - 1 more views: the same again, or (with `think`, the office) a new
    years range after a pause drawn from `think` seconds."""
    result = Result()
    rng = random.Random(seed)
    start = time.perf_counter()
    try:
        async with connect(url, timeout) as socket:
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


async def crowd(
    url: str,
    page: str,
    query: str,
    sessions: int,
    within: float,
    repeat: int,
    timeout: float,
    think: tuple[float, float] | None,
) -> list[Result]:
    """`sessions` sessions open the same link, their starts spread evenly over `within` seconds."""

    async def later(i: int) -> Result:
        await asyncio.sleep(within * i / max(1, sessions))
        return await session(url, page, query, repeat, timeout, think, seed=i)

    return list(await asyncio.gather(*(later(i) for i in range(sessions))))


def summary(results: list[Result], wall_s: float, cpu_s: float | None) -> dict:
    views = [v for r in results for v in r.views_s]
    connects = [r.connect_s for r in results if r.exception is None or r.views_s]
    return {
        "sessions": len(results),
        "views": len(views),
        "errors": sum(r.exception is not None for r in results),
        "p50_s": statistics.median(views) if views else None,
        "p95_s": percentile(views, 0.95),
        "max_s": max(views, default=None),
        "connect_p95_s": percentile(connects, 0.95),
        "views_per_s": len(views) / wall_s if wall_s else None,
        "wall_s": wall_s,
        "server_cpu_s": cpu_s,
        "cpu_ms_per_view": 1000 * cpu_s / len(views) if cpu_s and views else None,
        "first_error": next((r.exception for r in results if r.exception), None),
    }


def measure(
    url: str,
    pids: list[int],
    scenario: str,
    sessions: int,
    page: str = "overview",
    query: str = "lang=zh",
    within: float = 10.0,
    repeat: int = 1,
    think: tuple[float, float] | None = None,
    timeout: float = 300.0,
) -> dict:
    """One run of a scenario against running servers, with their CPU seconds when their pids are given."""
    before, start = cpu_of(pids), time.perf_counter()
    results = asyncio.run(
        crowd(url, page, query, sessions, within, repeat, timeout, think if scenario == "office" else None)
    )
    wall = time.perf_counter() - start
    return summary(results, wall, cpu_of(pids) - before if pids else None)


def cpu_of(pids: list[int]) -> float:
    return sum(cpu_seconds(pid) for pid in pids)


def alone(url: str, pids: list[int], page: str, views: int, new_filters: bool, query: str = "lang=zh") -> dict:
    """One session alone on the server: its first view, then `views` more, the same again or each with a new years
    range; the figures are those of the later views only, with the server's CPU read around each of them."""
    result = Result()

    async def run():
        async with connect(url, 300) as socket:
            slider = await view(socket, rerun(page, query), result, 300)
            result.views_s.clear()
            for first in range(2016, 2016 + views):
                years = (slider, [float(first), 2025.0]) if new_filters else None
                cpu = cpu_of(pids)
                await view(socket, rerun(page, query, years), result, 300)
                cpus.append(cpu_of(pids) - cpu)

    cpus: list[float] = []
    start = time.perf_counter()
    asyncio.run(run())
    out = summary([result], time.perf_counter() - start, sum(cpus))
    return out | {"cpu_ms_max": 1000 * max(cpus)}


def browser_views(url: str, pid: int, page: str, views: int, query: str = "lang=zh") -> dict:
    """The same view opened `views` times in Debian's chromium, a new browser context each (a new session, like
    `measure` with one session): the time from the page's own `rerun_script` frame to its `script_finished`, read
    from its websocket, and the server's CPU around each view; to check the protocol client against."""
    from playwright.sync_api import sync_playwright

    from bench.load import ARGS, CHROMIUM

    times, deltas, cpus, script_cpus, reruns = [], [], [], [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        for _ in range(views):
            state = {"sent": None, "done": None, "deltas": 0, "reruns": 0}

            def watch(socket, state=state):
                def sent(payload):
                    message = BackMsg()
                    message.ParseFromString(payload if isinstance(payload, bytes) else payload.encode())
                    if message.WhichOneof("type") == "rerun_script":
                        state["reruns"] += 1
                        state["sent"] = state["sent"] or time.perf_counter()
                        state["cpu"] = state.get("cpu") or cpu_seconds(pid)

                def received(payload):
                    message = ForwardMsg()
                    message.ParseFromString(payload if isinstance(payload, bytes) else payload.encode())
                    state["deltas"] += message.WhichOneof("type") == "delta"
                    if (
                        message.WhichOneof("type") == "script_finished"
                        and message.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY
                    ):
                        state["done"] = time.perf_counter()
                        state["script_cpu"] = cpu_seconds(pid) - state["cpu"]

                socket.on("framesent", sent)
                socket.on("framereceived", received)

            context = browser.new_context(viewport={"width": 1400, "height": 1800})
            tab = context.new_page()
            tab.on("websocket", watch)
            cpu = cpu_seconds(pid)
            tab.goto(f"{url}/{'' if page == 'overview' else page}?{query}")
            while state["done"] is None:
                tab.wait_for_timeout(20)
            cpus.append(cpu_seconds(pid) - cpu)
            script_cpus.append(state["script_cpu"])
            times.append(state["done"] - state["sent"])
            deltas.append(state["deltas"])
            reruns.append(state["reruns"])
            tab.wait_for_timeout(1500)  # let the browser finish drawing before the next view
            context.close()
        browser.close()
    return {
        "p50_s": statistics.median(times),
        "max_s": max(times),
        "deltas": deltas,
        "reruns": max(reruns),
        "cpu_ms_per_view": 1000 * statistics.median(cpus),
        "script_cpu_ms": 1000 * statistics.median(script_cpus),
    }


def versus_browser(data: Path, page: str = "overview", views: int = 5) -> str:
    """The protocol client and a real browser open the same view on one server (already opened once), `views`
    times each: Markdown lines comparing their times, messages and the server's CPU per view."""
    process, url = start_server(data)
    try:
        measure(url, [process.pid], "conference", 1, page, within=0)  # caches filled for both
        client = [measure(url, [process.pid], "conference", 1, page, within=0) for _ in range(views)]
        browser = browser_views(url, process.pid, page, views)
        client_deltas = [r.deltas for r in asyncio.run(crowd(url, page, "lang=zh", 1, 0, 1, 300, None))]
    finally:
        process.terminate()
        process.wait(timeout=30)
    return (
        f"| protocol client | {page} | {views} | {statistics.median(c['p50_s'] for c in client):.3f} | "
        f"{max(c['max_s'] for c in client):.3f} | {client_deltas[0]} | "
        f"{statistics.median(c['cpu_ms_per_view'] for c in client):.0f} |\n"
        f"| chromium | {page} | {views} | {browser['p50_s']:.3f} | {browser['max_s']:.3f} | "
        f"{browser['deltas'][0]} | {browser['script_cpu_ms']:.0f} (with the page's files: "
        f"{browser['cpu_ms_per_view']:.0f}; rerun requests per view: {browser['reruns']}) |"
    )


RUNS = [  # (scenario, sessions, page, within s, views per session, replicas behind nginx; 0: the server alone)
    ("first", 1, "overview", 0, 1, 0),
    ("same", 1, "overview", 0, 5, 0),
    ("new", 1, "overview", 0, 6, 0),
    ("first", 1, "spot_checks", 0, 1, 0),
    ("same", 1, "spot_checks", 0, 5, 0),
    ("new", 1, "spot_checks", 0, 6, 0),
    ("conference", 50, "overview", 10, 1, 0),
    ("conference", 100, "overview", 10, 1, 0),
    ("conference", 200, "overview", 10, 1, 0),
    ("conference", 100, "spot_checks", 10, 1, 0),
    ("office", 25, "overview", 10, 4, 0),
    ("office", 50, "overview", 10, 4, 0),
    ("conference", 200, "overview", 10, 1, 1),
    ("conference", 200, "overview", 10, 1, 2),
    ("conference", 100, "spot_checks", 10, 1, 1),
    ("conference", 100, "spot_checks", 10, 1, 2),
    ("first", 1, "attention", 0, 1, 0),
    ("same", 1, "attention", 0, 5, 0),
    ("new", 1, "attention", 0, 6, 0),
    ("conference", 100, "attention", 10, 1, 0),
]


def scenario_run(
    url: str, pids: list[int], scenario: str, sessions: int, page: str, within: float, repeat: int
) -> dict:
    """One row of the suite on a fresh server. *first*: one session's first view (cold caches). *same*: after a
    first session opened the page, another views it `repeat` times with the same filters. *new*: after that first
    view, one session moves the years slider `repeat` times without pausing: every view a new filter."""
    if scenario == "first":
        return measure(url, pids, "conference", 1, page, within=0)
    if scenario in ("same", "new"):
        measure(url, pids, "conference", 1, page, within=0)  # someone opened the page before
        return alone(url, pids, page, repeat, new_filters=scenario == "new")
    return measure(url, pids, scenario, sessions, page, within=within, repeat=repeat, think=(10.0, 30.0))


SETTINGS = {  # Streamlit settings tried one by one, as environment variables of the server
    "as configured (.streamlit/config.toml)": {},
    "runner.postScriptGC = true (Streamlit's default)": {"STREAMLIT_RUNNER_POST_SCRIPT_GC": "true"},
    "runner.magicEnabled = false": {"STREAMLIT_RUNNER_MAGIC_ENABLED": "false"},
    "global.minCachedMessageSize = 1e12 (no message cache)": {"STREAMLIT_GLOBAL_MIN_CACHED_MESSAGE_SIZE": "1e12"},
    "server.enableWebsocketCompression = true": {"STREAMLIT_SERVER_ENABLE_WEBSOCKET_COMPRESSION": "true"},
}


def settings(data: Path, tries: int = 2) -> str:
    """Server CPU per view of an Overview someone already opened (8 views), under each of SETTINGS, each `tries`
    times on a fresh server: a Markdown section for bench/RESULTS.md."""
    rows = ["| setting | server CPU ms per view, each try |", "|---|---|"]
    for name, env in SETTINGS.items():
        cpus = []
        for _ in range(tries):
            process, url = start_server(data, env)
            try:
                measure(url, [process.pid], "conference", 1, "overview", within=0)
                cpus.append(alone(url, [process.pid], "overview", 8, False)["cpu_ms_per_view"])
            finally:
                process.terminate()
                process.wait(timeout=30)
        rows.append(f"| {name} | {' / '.join(f'{c:.0f}' for c in cpus)} |")
        print(rows[-1], flush=True)
    return "\n".join(
        [
            f"Produced by `python -m bench.protocol --settings` on {date.today()}, {os.cpu_count()} cores, "
            f"data `{data.name}`: one session views an Overview already opened 8 times; the server's CPU "
            "per view, on a fresh server per try. Differences under about 20 ms are this machine's noise.",
            "",
            *rows,
        ]
    )


def fmt(value: float | None, spec: str) -> str:
    return "—" if value is None or value != value else format(value, spec)


def suite(data: Path, runs: list[tuple] = RUNS, browser: bool = True) -> str:
    """The scenarios of issue 15, each against a fresh server, as a Markdown section for bench/RESULTS.md; with
    `browser`, the client against chromium after them."""
    rows = [
        "| scenario | sessions | page | servers | views | p50 s | p95 s | max s | connect p95 s | errors "
        "| views/s | server CPU ms per view |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for scenario, sessions, page, within, repeat, replicas in runs:
        if replicas:  # nothing cached from the previous run
            cluster = deploy_replicas.start(replicas, data=data)
            url, pids, stop = cluster.url, [p.pid for p in cluster.replicas], cluster.stop
        else:
            process, url = start_server(data)
            pids, stop = [process.pid], process.terminate
        try:
            out = scenario_run(url, pids, scenario, sessions, page, within, repeat)
        finally:
            stop()
        figures = [fmt(out[k], ".2f") for k in ("p50_s", "p95_s", "max_s", "connect_p95_s")]
        servers = f"{replicas} behind nginx" if replicas else "1"
        rows.append(
            f"| {scenario} | {sessions} | {page} | {servers} | {out['views']} | {' | '.join(figures)} "
            f"| {out['errors']} | {fmt(out['views_per_s'], '.2f')} | {fmt(out['cpu_ms_per_view'], '.0f')} |"
        )
        print(rows[-1], out["first_error"] or "", flush=True)
    return "\n".join(
        [
            f"Produced by `python -m bench.protocol --suite` on {date.today()}, {os.cpu_count()} cores, data "
            f"`{data.name}`: sessions speak Streamlit's websocket protocol from one process (no browser), each row "
            "against a fresh server. *first*: one session's first view (cold caches). *same*: a page someone already "
            "opened, viewed 5 more times with the same filters. *new*: the years slider moved 6 times in a row, every "
            "view a new filter. *conference*: N sessions open the same link, starts spread over 10 s. *office*: N "
            "sessions each open the Overview and move the years slider 3 times, 10-30 s apart. *servers*: the "
            "Streamlit server alone, or N replicas behind nginx (`python -m deploy.replicas`, sticky sessions). Time: "
            "request to `script_finished`; *server CPU per view*: the Streamlit processes' CPU seconds over the "
            "measured views / views (nginx's not counted).",
            "",
            *rows,
            *(
                [
                    "",
                    "The client against a real browser: the same Overview link opened 5 times (a new session each) by "
                    "the protocol client and by Debian's chromium through Playwright, on one server where the page "
                    "had been opened once. The browser's time is read from its own websocket frames (its "
                    "`rerun_script` to `script_finished`); the server's CPU is read from that request to "
                    "`script_finished`, and in brackets also around the whole page load, which adds serving the "
                    "page's HTML and scripts to a browser without a cache.",
                    "",
                    "| client | page | views | p50 s | max s | messages (deltas) | server CPU ms per view (median) |",
                    "|---|---|---|---|---|---|---|",
                    versus_browser(data),
                ]
                if browser
                else []
            ),
        ]
    )


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
    parser.add_argument(
        "--suite",
        action="store_true",
        help="run every scenario on fresh servers and write "
        "bench/RESULTS.md (data: --data, default bench/cache/rows-10000000)",
    )
    parser.add_argument(
        "--only",
        help="with --suite: just the rows whose scenario or page is one of these "
        "(comma-separated), printed, or written under --heading",
    )
    parser.add_argument("--heading", help="with --only: the bench/RESULTS.md section to write them to")
    parser.add_argument("--settings", action="store_true", help="Streamlit settings one by one, into bench/RESULTS.md")
    parser.add_argument("--data", type=Path, default=ROOT / "bench" / "cache" / "rows-10000000")
    args = parser.parse_args(argv)
    if args.settings:
        replace_section(ROOT / "bench" / "RESULTS.md", SETTINGS_HEADING, settings(args.data))
        return None
    if args.suite:
        if args.only:
            picked = suite(
                args.data, [run for run in RUNS if {run[0], run[2]} & set(args.only.split(","))], browser=False
            )
            if args.heading:
                replace_section(ROOT / "bench" / "RESULTS.md", f"## {args.heading}", picked)
            else:
                print(picked)
        else:
            replace_section(ROOT / "bench" / "RESULTS.md", PROTOCOL_HEADING, suite(args.data))
        return None
    out = measure(
        args.url,
        [args.pid] if args.pid else [],
        args.scenario,
        args.sessions,
        args.page,
        args.query,
        args.within,
        args.repeat,
        tuple(float(x) for x in args.think.split(",")),
        args.timeout,
    )
    print(json.dumps(out))
    return out


if __name__ == "__main__":
    main()
