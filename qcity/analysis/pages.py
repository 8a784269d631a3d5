"""The dashboard's pages and the tables each reads.

Plain data, shared by the web app's navigation, the storylines (a view names its page) and the notices about
damaged files (reported on the pages that read them).
"""

from __future__ import annotations

from qcity.store import schema

ALL = tuple(schema.TABLES)
BY_ENTERPRISE = ("enterprises", "districts", "sectors")
# name (pages/<name>.py, title `page.<name>`, URL /<name>) and the tables it reads: a damaged file is reported on
# the pages that read it. The first page is the entry page.
PAGES = (
    ("overview", ALL),
    ("attention", ALL),
    ("spot_checks", ("inspections",)),
    ("safety", ("inspections", "special_equipment", "construction", "targets")),
    ("standards_brands", ("standards", "brands", *BY_ENTERPRISE)),
    ("enforcement", ("enforcement",)),
    ("award", ("awards", *BY_ENTERPRISE)),
    ("diagnosis", ("diagnosis", "inspections", *BY_ENTERPRISE)),
    ("innovation", ("innovation",)),
    (
        "quality_index",
        ("inspections", "special_equipment", "construction", "enforcement", "diagnosis", "innovation", *BY_ENTERPRISE),
    ),
    ("enterprise", ("inspections", "standards", "brands", "awards", "enforcement", "diagnosis", *BY_ENTERPRISE)),
    ("glossary", ALL),
    ("present", ALL),
    ("data", ALL),
)


def tables_read_by(url_path: str) -> tuple[str, ...]:
    """The tables a page reads (the entry page's URL path is empty)."""
    return dict(PAGES).get(url_path or PAGES[0][0], ALL)
