"""Files built when their download button is clicked (a deck, a report, a bulletin), and how far they are.

They run in Streamlit's download thread, where no st.* call shows; they report here, per session, and
build_progress shows it on the page. Imports and other long work in the page's own run use status_progress.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable

import streamlit as st

from qcity import i18n
from qcity.progress import Progress

# per session: (stage, done, total) while building, None once done
_BUILDS: dict[str, tuple[str, int, int] | None] = {}
_BUILDS_LOCK = threading.Lock()


def status_progress(box, lang: str) -> Progress:
    """Progress shown in an st.status box: the box's label says the stage, a bar under it how far."""
    bar = box.progress(0.0)

    def report(stage: str, done: int = 0, total: int = 0) -> None:
        box.update(label=stage)
        bar.progress(
            min(done / total, 1.0) if total else 0.0,
            text=i18n.t("progress.step", lang, stage=stage, done=done, total=total) if total else stage,
        )

    return report


def _session_token() -> str:
    return st.session_state.setdefault("_build_token", secrets.token_hex(8))


def tracked(build: Callable[[Progress], bytes]) -> Callable[[], bytes]:
    """A download's build, made to report to this session's build_progress while it runs (in another thread)."""
    token = _session_token()

    def run() -> bytes:
        def report(stage: str, done: int = 0, total: int = 0) -> None:
            with _BUILDS_LOCK:
                _BUILDS[token] = (stage, done, total)

        try:
            return build(report)
        finally:
            with _BUILDS_LOCK:
                _BUILDS[token] = None

    return run


def build_started(lang: str) -> None:
    """A tracked download's on_click: the rerun it brings shows the build's progress (unless it is already done)."""
    with _BUILDS_LOCK:
        _BUILDS.setdefault(_session_token(), (i18n.t("progress.views", lang), 0, 0))


def build_progress(lang: str) -> None:
    """While this session's download is being built, a bar that says what it is drawing ("Drawing the charts: 4 of
    13"), read twice a second; once the file is done, a rerun stops the reading."""
    token = _session_token()
    if token not in _BUILDS:
        return

    @st.fragment(run_every=0.5)
    def bar() -> None:
        with _BUILDS_LOCK:
            state = _BUILDS.get(token)
            if state is None:
                _BUILDS.pop(token, None)
        if state is None:
            st.rerun()
        stage, done, total = state
        st.progress(
            min(done / total, 1.0) if total else 0.0,
            text=i18n.t("progress.step", lang, stage=stage, done=done, total=total) if total else stage,
        )

    bar()
