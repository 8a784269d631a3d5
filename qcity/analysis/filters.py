"""Global filters (years, districts, sectors, language) as values: what a link or a storyline selects.

The sidebar's widgets that set them live in qcity.web.controls; this module has no Streamlit in it.

URL parameters are short because people paste links into messages:
`?from=2020&to=2025&district=430104,430105&sector=food-catering&lang=en`. A value that does not fit the data
(unknown code, year out of range, SQL fragment, control characters) is dropped with a visible notice; it never
reaches SQL as text, since queries only ever receive codes checked against the dimension tables.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date

from qcity import i18n
from qcity.store import db

# Pages' own parameters: the profile's enterprise; the Present page's storyline, slide and auto-advance seconds.
PAGE_KEYS = ("enterprise", "storyline", "slide", "auto")
URL_KEYS = ("from", "to", "district", "sector", "lang", *PAGE_KEYS)
IGNORED_KEYS = ("embed", "embed_options")  # Streamlit's own
MAX_SHOWN = 40  # characters of a rejected value echoed back in a notice
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class Options:
    """What the data allows: year bounds and the known codes."""

    first_year: int
    last_year: int
    districts: tuple[str, ...]
    sectors: tuple[str, ...]


@dataclass(frozen=True)
class Selection:
    """What the user chose; an empty tuple means all."""

    year_from: int
    year_to: int
    districts: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()
    lang: str = i18n.DEFAULT_LANG


@dataclass(frozen=True)
class Notice:
    """A URL value that was dropped, and why (an i18n key with its values)."""

    key: str
    value: str
    reason: str
    values: dict = field(default_factory=dict)

    def text(self, lang: str) -> str:
        reason = i18n.t(self.reason, lang, **self.values)
        return i18n.t("url.notice", lang, key=self.key, value=self.value, reason=reason)


@dataclass(frozen=True)
class Filters:
    """The filters a page queries with. Districts and sectors are code tuples; an empty one means all."""

    year_from: int
    year_to: int
    districts: tuple[str, ...]
    sectors: tuple[str, ...]
    lang: str
    min_samples: int

    @property
    def all_districts(self) -> bool:
        return not self.districts

    @property
    def all_sectors(self) -> bool:
        return not self.sectors

    @property
    def params(self) -> dict:
        """Bound parameters for queries that take the sidebar filters."""
        return {"year_from": self.year_from, "year_to": self.year_to,
                "districts": self.districts, "sectors": self.sectors}


def _shown(value: str) -> str:
    """A rejected value made safe to echo: no control characters or backticks (it is shown as code), bounded length."""
    clean = CONTROL.sub("", value).replace("`", "'")
    return clean if len(clean) <= MAX_SHOWN else clean[:MAX_SHOWN] + "…"


def _items(values: list[str]) -> list[str]:
    """Comma-separated and repeated values as one list."""
    return [part.strip() for value in values for part in str(value).split(",") if part.strip()]


def parse(query: Mapping[str, list[str]], options: Options) -> tuple[Selection, list[Notice]]:
    """A URL's query parameters as a Selection, with a Notice for every value that was dropped."""
    notices: list[Notice] = []
    years = {"from": options.first_year, "to": options.last_year}
    for key in years:
        for value in _items(query.get(key, []))[-1:]:
            if value.isascii() and value.isdigit() and options.first_year <= int(value) <= options.last_year:
                years[key] = int(value)
            else:
                notices.append(Notice(key, _shown(value), "url.bad_year",
                                      {"first": options.first_year, "last": options.last_year}))
    if years["from"] > years["to"]:
        notices.append(Notice("from", f"{years['from']}>{years['to']}", "url.reversed"))
        years = {"from": years["to"], "to": years["from"]}

    def codes(key: str, known: tuple[str, ...], reason: str) -> tuple[str, ...]:
        kept = []
        for value in _items(query.get(key, [])):
            if value not in known:
                notices.append(Notice(key, _shown(value), reason))
            elif value not in kept:
                kept.append(value)
        return tuple(kept)

    districts = codes("district", options.districts, "url.unknown_district")
    sectors = codes("sector", options.sectors, "url.unknown_sector")
    lang = i18n.DEFAULT_LANG
    for value in _items(query.get("lang", []))[-1:]:
        if value in i18n.LANGS:
            lang = value
        else:
            notices.append(Notice("lang", _shown(value), "url.bad_lang"))
    for key in query:
        if key not in URL_KEYS and key not in IGNORED_KEYS:
            notices.append(Notice(_shown(key), _shown(",".join(query[key])), "url.unknown_key"))
    return Selection(years["from"], years["to"], districts, sectors, lang), notices


def to_query(selection: Selection) -> dict[str, str]:
    """The URL parameters for a selection; districts and sectors only when narrowed."""
    query = {"from": str(selection.year_from), "to": str(selection.year_to)}
    if selection.districts:
        query["district"] = ",".join(selection.districts)
    if selection.sectors:
        query["sector"] = ",".join(selection.sectors)
    query["lang"] = selection.lang
    return query


def load_options(run=None) -> tuple[Options, dict, dict]:
    """Year bounds and codes from the data, plus the district and sector dimension frames by code. `run` runs a
    named query: the app's cached db.run unless a command passes its Database's query."""
    run = run or db.run
    years = run("data_years").iloc[0]
    districts = run("districts").set_index("district_code")
    sectors = run("sectors").set_index("sector_code")
    if years.notna().all():
        first, last = int(years.first_year), int(years.last_year)
    else:  # no observations yet: pages show their empty state
        first = last = date.today().year
    return Options(first, last, tuple(districts.index), tuple(sectors.index)), districts, sectors








def without_sectors(f: Filters) -> Filters:
    """The filters for data that have no sector (patents): the same years, districts and language, all sectors."""
    return replace(f, sectors=())


def narrow(selection: Selection, dimension: str, codes: list, known: tuple[str, ...]) -> Selection:
    """The selection narrowed to the chosen codes of a dimension ("districts" or "sectors").

    Codes come from a browser (a chart's selection event), so only known codes are kept; with none left, the
    selection stays as it was.
    """
    kept = tuple(dict.fromkeys(c for c in codes if isinstance(c, str) and c in known))
    return replace(selection, **{dimension: kept}) if kept else selection
