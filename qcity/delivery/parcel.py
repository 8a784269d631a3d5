"""What an entry of the plan sends for a period, made by the code behind the app's pages and downloads: the
bulletin (qcity.documents.bulletin), the deck and the report of the storyline for the period (deck, edition.in_period),
the early-warning worklist as the Attention page's Excel download, the edition published into the archive, and a
short markdown message with the headline cards in the Overview's words, the early warnings in a sentence that
names nobody, the edition's link, and the source or the synthetic label.

A district's entry reads that district only: its cards, its signals, its worklist, its bulletin.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from qcity import i18n
from qcity.analysis import attention, filters, narrative
from qcity.delivery.channels import Parcel
from qcity.delivery.plan import CITY_WIDE, FILES, Entry
from qcity.documents import bulletin, deck, downloads, edition, story
from qcity.store import audit


@dataclass(frozen=True)
class Source:
    """The data a parcel is made from: the directory, its named queries, the city and the data's options."""

    data_dir: Path
    run: object  # run(name, **params) -> DataFrame
    city: dict
    options: filters.Options
    dimensions: tuple[pd.DataFrame, pd.DataFrame]  # districts and sectors by code, for the files' filter notes

    @property
    def story(self) -> story.Context:
        return story.Context(self.run, self.city, self.data_dir)


def title(entry: Entry, period: edition.Period, source: Source) -> str:
    """The subject line: the city (and the district), the period, and the synthetic label for demo data."""
    lang = entry.lang
    place = source.city.get(i18n.name_column(lang), "")
    if entry.district:
        place += (" · " if lang == "en" else "") + source.dimensions[0].loc[entry.district, i18n.name_column(lang)]
    text = i18n.t("deliver.title", lang, place=place, period=period.label(lang))
    return i18n.t("deliver.synthetic_title", lang, title=text) if source.city.get("synthetic") else text


def build(
    entry: Entry, period: edition.Period, source: Source, version: str, public_url: str | None, actor: audit.Actor
) -> Parcel:
    """The parcel; publishing its edition first when the entry sends one, so that every file and the message can
    carry its address."""
    ctx = source.story
    districts = (entry.district,) if entry.district else ()
    headline = edition.Headline.of(ctx, period, districts)
    f = replace(headline.selected, lang=entry.lang)
    wide = [kind for kind in entry.what if kind in CITY_WIDE]  # the storyline's: read once for all of them
    storyline = story.load(source.data_dir, entry.storyline, source.options) if wide else None
    url = None
    if "edition" in entry.what:
        langs = [entry.lang, *(other for other in i18n.LANGS if other != entry.lang)]
        edition.publish(source.data_dir, storyline, ctx, langs, period, actor)
        url = edition.address(storyline.name, period.name, public_url or "")
    elif not entry.district:  # a district's reader is not sent the city's page
        url = edition.published_address(source.data_dir, entry.storyline, period, public_url)
    slides = None
    if {"deck", "report"} & set(wide):  # drawn once, when both are sent
        slides = deck.drawn(edition.in_period(storyline, period), ctx, f.lang, edition_url=url)
    files = {}
    for kind in (k for k in entry.what if k in FILES):
        name = f"{kind}-{period.name}{'-' + entry.district if entry.district else ''}-{entry.lang}{FILES[kind]}"
        files[name] = deck.write(kind, *slides) if kind in CITY_WIDE else _file(kind, f, headline, source, url)
    return Parcel(
        title(entry, period, source),
        message(headline, f, source.city, url, version),
        f"{entry.name}-{period.name}",
        files,
        text_is_sent="message" in entry.what or "edition" in entry.what,
    )


def _file(kind: str, f: filters.Filters, headline: edition.Headline, source: Source, url: str | None) -> bytes:
    """A district's or the city's own file: the bulletin, or the early-warning worklist."""
    if kind == "bulletin":
        return bulletin.build(f, source.run, source.city, source.options.as_of, edition_url=url)
    rows = attention.worklist(headline.signals, f.lang) if headline.signals is not None else pd.DataFrame()
    notes = [downloads.source_note(source.city, f.lang), downloads.filter_note(f, *source.dimensions)]
    return downloads.xlsx_bytes(rows, notes)


def message(headline: edition.Headline, f: filters.Filters, city: dict, url: str | None, version: str) -> str:
    """The message in markdown: one line per headline card, the early warnings, the edition's link, the source."""
    lang, T = f.lang, i18n.translator(f.lang)
    lines = [f"> {downloads.source_note(city, lang)}", ""] if city.get("synthetic") else []
    for kpi in headline.cards:
        words = narrative.card(kpi, lang)
        parts = [words.value, f"{words.change} {words.versus}" if words.change else "", words.period]
        if words.verdict:
            parts.append(f"{words.target} {words.verdict}")
        lines.append(f"- **{words.label}** " + " · ".join(p for p in parts if p))
    if headline.config_error is not None:
        lines += ["", T("attention.bad_config", error=headline.config_error)]
    else:
        lines += ["", f"**{T('bulletin.attention')}** {narrative.attention(headline.signals, f.at(), lang, False)}"]
    if url:
        link_text = T("edition.scan_link")
        lines += ["", f"[{link_text}]({url})"]
    as_of = headline.as_of.isoformat() if headline.as_of else "—"
    facts = (downloads.source_note(city, lang), T("deck.as_of", date=as_of), T("edition.version", version=version))
    lines += ["", " · ".join(facts)]
    return "\n".join(lines)
