"""The Present page's edition panel: the address and QR code of the storyline's edition for the sidebar's period,
for anyone, and for an analyst the button that publishes it (qcity.documents.edition), checked and audit-logged."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

import streamlit as st

from qcity import i18n
from qcity.analysis import filters
from qcity.analysis.filters import Filters
from qcity.documents import edition, story
from qcity.web import auth


def panel(storyline: story.Storyline, ctx: story.Context, f: Filters, options: filters.Options) -> None:
    T = i18n.translator(f.lang)
    st.caption(T("edition.help"))
    try:
        period = _period(f, options)
    except edition.EditionError as error:
        st.caption(str(error))
        return
    if auth.may("publish"):
        langs = [f.lang, *(other for other in i18n.LANGS if other != f.lang)]
        st.button(
            T("edition.publish", period=period.label(f.lang)),
            key="present_publish",
            icon=":material/public:",
            on_click=_publish,
            args=(storyline, ctx, langs, period),
        )
    if error := st.session_state.pop("present_publish_error", None):
        st.error(T("edition.not_published", error=error))
    about = edition.archive_folder(ctx.data_dir, storyline.name, period) / "edition.json"
    if not about.is_file():
        st.caption(T("edition.none", period=period.label(f.lang)))
        return
    published = json.loads(about.read_text(encoding="utf-8"))
    url = edition.address(storyline.name, period.name, _origin())
    st.markdown(T("edition.at", url=url, published=published["published"], version=published["data_version"]))
    st.image(edition.qr_png(url), width=360, caption=url)


def published_url(storyline: str, data_dir: Path, f: Filters, options: filters.Options) -> str | None:
    """The address of the storyline's published edition of the sidebar's period, for the QR code on the deck's and
    the report's cover and the bulletin's last page; None when none is published."""
    try:
        return edition.published_address(data_dir, storyline, _period(f, options), _origin())
    except edition.EditionError:
        return None


def _period(f: Filters, options: filters.Options) -> edition.Period:
    query = {key: value for key, value in filters.to_query(f).items() if key in edition.PERIOD_KEYS}
    return edition.period_of(query, options)


def _publish(storyline: story.Storyline, ctx: story.Context, langs: list[str], period: edition.Period) -> None:
    """The button's action, run before the page: the signed-in user is checked (a refusal is logged), then the
    edition is built into the archive."""
    try:
        edition.publish(Path(ctx.data_dir), storyline, ctx, langs, period, auth.require(ctx.data_dir, "publish"))
    except (PermissionError, edition.EditionError, story.StorylineError) as error:
        st.session_state["present_publish_error"] = str(error)


def _origin() -> str:
    """The server as this browser reached it (scheme and host), for an address a phone can open."""
    parts = urlsplit(st.context.url or "")
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else "http://localhost:8501"
