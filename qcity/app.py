"""The app's page list, shared by the entry script and the guard that recovers from Streamlit's legacy mode."""

from __future__ import annotations

import streamlit as st

from qcity import i18n

PAGES = (  # file, title key, icon, url path. Emoji icons: a :material/...: favicon is fetched from Google
    ("pages/overview.py", "page.overview", "📊", "overview"),
    ("pages/spot_checks.py", "page.spot_checks", "🔬", "spot-checks"),
)


def pages(lang: str) -> list:
    """The navigation's pages with titles in `lang`; the first is the default."""
    return [st.Page(file, title=i18n.t(title, lang), icon=icon, url_path=url, default=i == 0)
            for i, (file, title, icon, url) in enumerate(PAGES)]


def recover_from_legacy_mode() -> None:
    """Start over through dashboard.py when a page was run without it.

    Because the card fixes the folder name `pages/`, a fresh Streamlit server starts in its legacy multipage mode
    and, if its very first request is a deep link such as /spot-checks, runs that page file alone. Declaring the
    navigation switches the whole process to `st.navigation` for good; the rerun then goes through the entry script.
    """
    st.navigation(pages(i18n.DEFAULT_LANG), position="hidden")
    st.rerun()
