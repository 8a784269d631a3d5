"""The documentation site: it builds with `mkdocs build --strict` (every link and anchor resolves, every page is in
the navigation), it asks no other host for anything, the app's "?" links land on existing anchors, and what it says
about the code (indicators, tables, settings, commands) is the code's."""

import importlib.util
import re
from pathlib import Path

import pytest

from deploy import bundle
from qcity.analysis import indicators, pages
from qcity.web import guide

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
WRITTEN = [ROOT / "README.md", *sorted(DOCS.rglob("*.md"))]


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The site, built strictly into a folder of its own (a warning, a broken link or anchor fails the build)."""
    out = tmp_path_factory.mktemp("site")
    bundle.build_docs(out)  # as the offline bundle builds it: --strict, so a warning raises
    return out


def ids_in(html: Path) -> set[str]:
    return set(re.findall(r'\bid="([^"]+)"', html.read_text(encoding="utf-8")))


def test_every_link_the_app_makes_lands_on_a_page_and_anchor_of_the_site(site):
    targets = [guide.PAGE_SECTIONS[name] for name, _ in pages.PAGES]
    targets += [f"user-guide/indicators.html#{i}" for i in [*indicators.INDICATORS, indicators.QUALITY_INDEX.id]]
    assert len(targets) == len(pages.PAGES) + len(indicators.INDICATORS) + 1
    for target in targets:
        file, anchor = target.split("#")
        assert (site / file).is_file(), target
        assert anchor in ids_in(site / file), target
    assert guide.address(targets[0]) == "app/static/docs/user-guide/pages.html#overview"


def test_the_site_asks_no_other_host_for_anything(site):
    """Scripts, styles, images and fonts come from the site itself: an intranet reader's browser reaches nothing
    else (links a reader may follow are not requests, and none of ours points outside either)."""
    pages_built = sorted(site.rglob("*.html"))
    assert len(pages_built) >= 18
    for html in pages_built:
        text = html.read_text(encoding="utf-8")
        loads = re.findall(r'<(?:script|link|img|iframe|source)\b[^>]*\b(?:src|href)="([^"]+)"', text)
        assert loads and not [url for url in loads if re.match(r"(https?:)?//", url)], html
        assert "fonts.googleapis" not in text and "fonts.gstatic" not in text, html


def test_the_indicator_reference_is_generated_from_the_code():
    assert (DOCS / "user-guide" / "indicators.md").read_text(encoding="utf-8") == indicators.markdown(), (
        "run: python -m qcity.analysis.indicators > docs/user-guide/indicators.md"
    )


def test_every_setting_the_code_reads_is_in_the_settings_page():
    code = [*(ROOT / "qcity").rglob("*.py"), *(ROOT / "deploy").glob("*.py"), *(ROOT / "scripts").glob("*.py")]
    code += [ROOT / "tests" / "conftest.py"]
    read = set()
    for file in code:
        read |= set(re.findall(r"\bQCITY_[A-Z_]+\b", file.read_text(encoding="utf-8")))
    settings = (DOCS / "operations" / "settings.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `(QCITY_[A-Z_]+)`", settings, re.M))
    assert len(read) >= 12
    assert read <= documented, f"not in docs/operations/settings.md: {sorted(read - documented)}"
    assert documented <= read, f"documented but read nowhere: {sorted(documented - read)}"


def test_every_command_the_docs_name_exists():
    command = re.compile(r"python3? -m ((?:qcity|deploy|bench)(?:\.[a-z_]+)+)")
    named = set()
    for file in WRITTEN:
        named |= set(command.findall(file.read_text(encoding="utf-8")))
    assert {"qcity.demo", "qcity.ingest", "qcity.export", "qcity.city", "qcity.serve"} <= named
    missing = [name for name in sorted(named) if importlib.util.find_spec(name) is None]
    assert missing == []


def test_the_readme_is_short_and_every_link_of_it_exists():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= 150
    links = re.findall(r"\]\(((?:docs|deploy|tests|data)/[^)#]+)", readme)
    assert len(links) >= 20
    assert [link for link in links if not (ROOT / link).exists()] == []
    assert "python3 scripts/dev.py start" in readme and "python3 scripts/dev.py test" in readme
