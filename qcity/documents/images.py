"""Static chart images (PNG, SVG) from Plotly's own renderer, kaleido, driving the system's Chromium.

Kaleido loads plotly.js from the installed plotly package; MathJax is switched off because kaleido would fetch it
from a CDN. One Chromium is started on first use and kept for the process (the first image takes about 3.5 s,
later ones about 0.25 s); a lock serialises callers, since the app may export from several sessions at once.
"""

from __future__ import annotations

import atexit
import os
import shutil
import threading

import kaleido
import plotly.graph_objects as go

# How every headless Chromium of ours starts (the PDF report, the browser tests, the screenshots, the load bench):
# no sandbox (containers), no GPU, and nothing sent anywhere on its own
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SLIDE = (1200, 675)  # CSS pixels of a 16:9 chart; scale 2 makes a 2400 x 1350 image
_lock = threading.Lock()
_started = False


class ImageError(RuntimeError):
    """No browser to draw with, or the browser failed; the message says what to install or check."""


def chromium() -> str | None:
    """The Chromium kaleido drives: $QCITY_CHROMIUM, $BROWSER_PATH, else `chromium` on the PATH."""
    for path in (
        os.environ.get("QCITY_CHROMIUM"),
        os.environ.get("BROWSER_PATH"),
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
        shutil.which("google-chrome"),
    ):
        if path and os.path.isfile(path):
            return path
    return None


def _start() -> None:
    global _started
    browser = chromium()
    if browser is None:
        raise ImageError(
            "Chart images need Chromium: install Debian's `chromium` (apt-get install chromium "
            "fonts-noto-cjk) or set QCITY_CHROMIUM to a Chromium binary."
        )
    os.environ["BROWSER_PATH"] = browser  # what kaleido's browser finder reads
    kaleido.start_sync_server(mathjax=False, silence_warnings=True)
    atexit.register(kaleido.stop_sync_server, silence_warnings=True)
    _started = True


def render(fig: go.Figure, fmt: str = "png", size: tuple[int, int] = SLIDE, scale: float = 2) -> bytes:
    """The figure as PNG or SVG bytes at `size` CSS pixels (PNG at `scale` times that)."""
    if fmt not in ("png", "svg"):
        raise ValueError(f"image format must be png or svg, not {fmt!r}")
    with _lock:
        if not _started:
            _start()
        try:
            return kaleido.calc_fig_sync(
                fig, opts={"format": fmt, "width": size[0], "height": size[1], "scale": scale if fmt == "png" else 1}
            )
        except Exception as error:  # kaleido wraps browser failures in several types
            raise ImageError(f"Chromium could not draw the chart: {error}") from error
