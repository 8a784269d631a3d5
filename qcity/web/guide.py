"""Links from the app into its documentation site: docs/, built by MkDocs into static/docs/ and served by the
dashboard itself (Streamlit's static serving, `app/static/docs/`), so they work with or without nginx.

Every page title's "?" opens the page's section of the user guide; an indicator's "?" its entry in the indicator
reference. tests/test_docs.py checks that every address here exists in the built site, anchor included.
"""

from __future__ import annotations

from qcity import i18n
from qcity.analysis import pages

# Relative to the page's own address (/spot_checks?…), so a server behind a path prefix keeps working
DOCS = "app/static/docs/"
PAGE_SECTIONS = {name: f"user-guide/pages.html#{name}" for name, _ in pages.PAGES}
AREA_PAGES = {"standards": "standards_brands"}  # an area's page, where its name differs


def address(target: str) -> str:
    """The address of a page of the built site (`user-guide/pages.html#overview`) as the app links to it."""
    return DOCS + target


def link(target: str, lang: str) -> str:
    """Markdown for a link to a page of the built site, labelled as the user guide (which is in English)."""
    return f"[{i18n.t('help.guide', lang)}]({address(target)})"


def page(name: str, lang: str) -> str:
    """Markdown for a page title's "?": a link to the page's section of the user guide."""
    return link(PAGE_SECTIONS[name], lang)


def area(area_name: str, lang: str) -> str:
    """`page` for an area page, by its area."""
    return page(AREA_PAGES.get(area_name, area_name), lang)


def indicator(indicator_id: str, lang: str) -> str:
    """Markdown for an indicator's link to its entry in the indicator reference."""
    return f"[{i18n.t('help.indicator', lang)}]({address(f'user-guide/indicators.html#{indicator_id}')})"
