"""A Streamlit session without a browser: the app's websocket, asked for page views the way a browser asks.

A browser opens `/_stcore/stream` (subprotocol `streamlit`), sends a `BackMsg` `rerun_script` with the page's name
and the link's query string (and, after a widget moved, every widget's state), and reads `ForwardMsg`s until
`script_finished`. The server warms itself with one such view before it takes readers (qcity.web.serve), and
bench/protocol.py holds hundreds of these sessions in one process to load a server.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from urllib.parse import urlsplit

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg


class ViewError(RuntimeError):
    """A view that did not finish as the app's script does: an exception shown, or a run that failed."""


def stream_url(url: str) -> str:
    parts = urlsplit(url)
    scheme = "wss" if parts.scheme == "https" else "ws"
    return f"{scheme}://{parts.netloc}{parts.path.rstrip('/')}/_stcore/stream"


def connect(url: str, timeout: float):
    """Streamlit's websocket as a browser opens it. No keepalive pings: browsers send none, and a server busy with
    script runs answered them too late (a load client then dropped 99 of 100 conference sessions as timed out)."""
    return websockets.connect(
        stream_url(url), subprotocols=["streamlit"], max_size=None, open_timeout=timeout, ping_interval=None
    )


def rerun(page: str, query: str, slider: tuple[str, list[float]] | None = None) -> bytes:
    """A `rerun_script` for a page ("overview" is the entry page) and a link's query string; with `slider` (a
    slider's widget id and its new value), the message a browser sends when that slider moved."""
    message = BackMsg()
    message.rerun_script.query_string = query
    message.rerun_script.page_name = "" if page == "overview" else page
    if slider:
        state = message.rerun_script.widget_states.widgets.add()
        state.id = slider[0]
        state.double_array_value.data.extend(slider[1])
    return message.SerializeToString()


async def view(socket, request: bytes, timeout: float, seen: Callable[[ForwardMsg], None] | None = None) -> int:
    """Send one request and read until its run has finished; `seen` is called with every message on the way.
    Returns the run's end (`ForwardMsg.FINISHED_SUCCESSFULLY` or another status); a run the app itself ended to
    run again (a page switch) is followed to the end of the next one."""
    await socket.send(request)
    while True:
        message = ForwardMsg()
        message.ParseFromString(await asyncio.wait_for(socket.recv(), timeout))
        if seen:
            seen(message)
        if (
            message.WhichOneof("type") == "script_finished"
            and message.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN
        ):
            return message.script_finished


def shown_exception(message: ForwardMsg) -> str | None:
    """The text of an exception the app shows in this message, if it shows one."""
    if message.WhichOneof("type") == "delta" and message.delta.new_element.WhichOneof("type") == "exception":
        return message.delta.new_element.exception.message[:200]
    return None


def open_view(url: str, page: str = "overview", query: str = "", timeout: float = 300) -> float:
    """One page view in a new session; returns its seconds. Raises ViewError when the page showed an exception or
    its run failed, OSError or TimeoutError when the server could not be reached in time."""
    problems: list[str] = []

    def check(message: ForwardMsg) -> None:
        if text := shown_exception(message):
            problems.append(text)

    async def run() -> float:
        async with connect(url, timeout) as socket:
            start = time.perf_counter()
            end = await view(socket, rerun(page, query), timeout, check)
            if end != ForwardMsg.FINISHED_SUCCESSFULLY:
                problems.append(ForwardMsg.ScriptFinishedStatus.Name(end))
            return time.perf_counter() - start

    seconds = asyncio.run(run())
    if problems:
        raise ViewError(f"{url} {page}?{query}: {problems[0]}")
    return seconds
