"""The app's navigation, shared by the entry script and the guard that recovers from Streamlit's legacy mode."""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from qcity import i18n
from qcity.analysis.pages import PAGES


def pages(lang: str) -> list:
    """The navigation's pages with titles in `lang`; the first is the default (served at /).

    Each URL path is the file's name, as Streamlit's legacy `pages/` mode would make it, so that a fresh server's
    first request for /spot_checks reaches the same page in both modes. No icons: emoji need a font that office
    machines may lack, and a Material icon as favicon is fetched from Google.
    """
    return [
        st.Page(f"pages/{name}.py", title=i18n.t(f"page.{name}", lang), url_path=name, default=i == 0)
        for i, (name, _) in enumerate(PAGES)
    ]


def legacy_mode() -> bool:
    """True while Streamlit runs in its legacy `pages/` mode, i.e. this run did not go through dashboard.py.

    The card fixes the folder name `pages/`, so a fresh server (and AppTest, on every run) starts in that mode and
    runs a requested page file alone. The flag turns false for the whole process once `st.navigation` is called.
    It is Streamlit's internal class attribute; if it ever disappears, this reads as false.
    """
    return bool(getattr(PagesManager, "uses_pages_directory", False))


def recover_from_legacy_mode() -> None:
    """Declare the navigation (which ends legacy mode for the process) and go to the requested page through it.

    This happens before any sidebar widget exists in the session, so nothing is lost; the link's parameters are
    carried over.
    """
    requested = st.navigation(pages(i18n.DEFAULT_LANG), position="hidden")
    st.switch_page(
        requested, query_params=[(key, value) for key in st.query_params for value in st.query_params.get_all(key)]
    )
