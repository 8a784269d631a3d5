"""Progress of long work, told to whoever shows it: a status box on a page, a bar on a terminal, or no one.

Work that takes more than a moment (an import, a deck, ten million demo rows) takes a `progress` callable and calls
`progress(stage, done, total)`: `stage` says what it is doing, in the user's language ("正在绘制图表" / "Drawing the
charts"); `done` of `total` says how far (total 0 when it is not counted). The Data and Present pages pass one that
updates st.status and st.progress (qcity.web.ui), the commands a Terminal. Imports nothing of qcity.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TextIO

Progress = Callable[[str, int, int], None]


def silent(stage: str, done: int = 0, total: int = 0) -> None:
    """Progress told to no one: tests, and callers that show nothing."""


class Terminal:
    """One bar per stage on standard error (tqdm) when it is a terminal; nothing at all when it is a file or a pipe,
    so that logs and scripts read only the command's own lines."""

    def __init__(self, stream: TextIO | None = None):
        self.stream = stream or sys.stderr
        self.shown = self.stream.isatty()
        self.stage: str | None = None
        self.bar = None

    def __call__(self, stage: str, done: int = 0, total: int = 0) -> None:
        if not self.shown:
            return
        if stage != self.stage:
            from tqdm import tqdm  # imported by the commands only, never by a page

            self.close()
            self.stage = stage
            self.bar = tqdm(total=total or None, desc=stage, file=self.stream, unit="", dynamic_ncols=True, leave=True)
        if total and self.bar.total != total:
            self.bar.total = total
        self.bar.update(done - self.bar.n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar, self.stage = None, None

    def __enter__(self) -> Terminal:
        return self

    def __exit__(self, *_) -> None:
        self.close()
