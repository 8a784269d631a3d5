"""Global filters (period, districts, sectors, language) as values: what a link or a storyline selects.

The sidebar's widgets that set them live in qcity.web.controls; this module has no Streamlit in it.

URL parameters are short because people paste links into messages:
`?from=2020&to=2025&district=430104,430105&sector=food-catering&lang=en`. A value that does not fit the data
(unknown code, year out of range, SQL fragment, control characters) is dropped with a visible notice; it never
reaches SQL as text, since queries only ever receive codes checked against the dimension tables.

A period is a range of years and a window of months read in every one of them, so that each year is compared
with the same months of the others: whole years (`period=year`, months 1-12), a quarter (`period=q&quarter=2026Q3`,
months 7-9) or the year to date (`period=ytd&through=2026-09`, months 1-9). The data's as-of date (the latest dated
record, or city.json `as_of` within that year or later) says how far the last year goes; whole years stop at the
last complete one, and while a year is in progress the default is its year to date.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date

import pandas as pd

from qcity import i18n

# Pages' own parameters: the profile's enterprise; the Present page's storyline, slide and auto-advance seconds.
PAGE_KEYS = ("enterprise", "storyline", "slide", "auto")
PERIOD_KEYS = ("period", "through", "quarter")
URL_KEYS = ("from", "to", *PERIOD_KEYS, "district", "sector", "lang", *PAGE_KEYS)
PERIODS = ("year", "ytd", "q")  # whole years, year to date, quarter
THROUGH = re.compile(r"^(\d{4})-(\d{1,2})$")
QUARTER = re.compile(r"^(\d{4})Q([1-4])$")
IGNORED_KEYS = ("embed", "embed_options")  # Streamlit's own
MAX_SHOWN = 40  # characters of a rejected value echoed back in a notice
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class Options:
    """What the data allows: year bounds, the known codes and the as-of date."""

    first_year: int
    last_year: int
    districts: tuple[str, ...]
    sectors: tuple[str, ...]
    as_of: date | None = None  # the data's as-of date; None: whole years up to last_year

    @property
    def through(self) -> tuple[int, int]:
        """The last month with data (year, month): the as-of date's, within the data's years."""
        if self.as_of is None or not self.first_year <= self.as_of.year <= self.last_year:
            return self.last_year, 12
        return self.as_of.year, self.as_of.month

    @property
    def last_full_year(self) -> int:
        """The last complete year: whole-year views stop there."""
        year, month = self.through
        return year if month == 12 else year - 1

    def default(self, lang: str = i18n.DEFAULT_LANG) -> Selection:
        """Everything, over the whole years; while the last year is in progress, its year to date instead."""
        year, month = self.through
        if month < 12 or self.last_full_year < self.first_year:
            return Selection(self.first_year, year, lang=lang, period="ytd", month_to=month)
        return Selection(self.first_year, year, lang=lang)


@dataclass(frozen=True)
class Selection:
    """What the user chose; an empty tuple means all. The months are read in every year of the range: 1-12 for
    whole years, 1-m for the year to date through month m, a quarter's three months."""

    year_from: int
    year_to: int
    districts: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()
    lang: str = i18n.DEFAULT_LANG
    period: str = "year"  # one of PERIODS
    month_from: int = 1
    month_to: int = 12


@dataclass(frozen=True)
class Period:
    """One year's window of months, as a card, a takeaway or a title names it: "2026年1–9月" / "Jan–Sep 2026"."""

    year: int
    month_from: int = 1
    month_to: int = 12
    kind: str = "year"  # one of PERIODS

    @property
    def partial(self) -> bool:
        return (self.month_from, self.month_to) != (1, 12)

    def months(self, lang: str) -> str:
        """The window without the year: "1–9月" / "Jan–Sep", "第三季度" / "Q3"; empty for a whole year."""
        if not self.partial:
            return ""
        if self.kind == "q":
            return i18n.t("period.quarter", lang, q=i18n.t(f"period.q{self.month_to // 3}", lang))
        a, b = (i18n.t(f"month.{m}", lang) for m in (self.month_from, self.month_to))
        return i18n.t("period.month", lang, a=a) if a == b else i18n.t("period.range", lang, a=a, b=b)

    def label(self, lang: str, yearly: bool = False) -> str:
        """The period with its year: "2025年" / "2025", "2026年1–9月" / "Jan–Sep 2026"; `yearly` marks figures from
        tables kept by year only: "2025年（年度数据）"."""
        note = i18n.t("period.yearly", lang) if yearly else ""
        if not self.partial:
            return i18n.t("period.year", lang, year=self.year) + note
        return i18n.t("period.in_year", lang, year=self.year, months=self.months(lang)) + note

    def span(self, first_year: int, lang: str) -> str:
        """The years first..this, each read over the window: "2016–2025年", "2016–2026年各年1–9月"."""
        if first_year >= self.year:
            return self.label(lang)
        years = i18n.t("period.years", lang, first=first_year, last=self.year)
        return i18n.t("period.each_year", lang, years=years, months=self.months(lang)) if self.partial else years

    def versus(self, lang: str) -> str:
        """What a change compares with: "比上年" / "on last year", or "同比" / "year on year" for part of a year."""
        return i18n.t("period.versus_same", lang) if self.partial else i18n.t("period.versus_last", lang)


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
    period: str = "year"
    month_from: int = 1
    month_to: int = 12

    @classmethod
    def of(cls, selection: Selection, min_samples: int) -> Filters:
        return cls(
            selection.year_from,
            selection.year_to,
            selection.districts,
            selection.sectors,
            selection.lang,
            min_samples,
            selection.period,
            selection.month_from,
            selection.month_to,
        )

    @property
    def partial(self) -> bool:
        """Whether the period is part of a year (a quarter, or the year to date before December)."""
        return (self.month_from, self.month_to) != (1, 12)

    def at(self, year: int | None = None) -> Period:
        """The period of one year of the range (default: the last)."""
        return Period(self.year_to if year is None else year, self.month_from, self.month_to, self.period)

    @property
    def yearly(self) -> Period:
        """The period yearly-only tables are shown for: the last whole year of the range."""
        return Period(self.yearly_to)

    def period_of(self, indicator) -> Period:
        """The period an indicator is shown for: its yearly one when it comes from a table kept by year only."""
        return self.yearly if indicator.yearly else self.at()

    @property
    def yearly_to(self) -> int:
        """The last year tables kept by year only (special equipment, construction, standards, brands, awards,
        patents) are shown for: the last year itself only when the period runs to December."""
        return self.year_to if self.month_to == 12 else self.year_to - 1

    @property
    def all_districts(self) -> bool:
        return not self.districts

    @property
    def all_sectors(self) -> bool:
        return not self.sectors

    @property
    def params(self) -> dict:
        """Bound parameters for queries that take the sidebar filters over dated records."""
        return {
            "year_from": self.year_from,
            "year_to": self.year_to,
            "month_from": self.month_from,
            "month_to": self.month_to,
            "districts": self.districts,
            "sectors": self.sectors,
        }

    @property
    def last_year_params(self) -> dict:
        """Bound parameters for queries over one year's months (the last of the range)."""
        return {
            "year": self.year_to,
            "month_from": self.month_from,
            "month_to": self.month_to,
            "districts": self.districts,
            "sectors": self.sectors,
        }

    @property
    def months_params(self) -> dict:
        """Bound parameters for the month-by-month queries: the last year up to the period's last month."""
        return {"year": self.year_to, "month_to": self.month_to, "districts": self.districts, "sectors": self.sectors}

    @property
    def yearly_params(self) -> dict:
        """Bound parameters for queries over tables kept by year only: whole years, up to yearly_to."""
        return {
            "year_from": min(self.year_from, self.yearly_to),
            "year_to": self.yearly_to,
            "districts": self.districts,
            "sectors": self.sectors,
        }


def _shown(value: str) -> str:
    """A rejected value made safe to echo: no control characters or backticks (it is shown as code), bounded length."""
    clean = CONTROL.sub("", value).replace("`", "'")
    return clean if len(clean) <= MAX_SHOWN else clean[:MAX_SHOWN] + "…"


def _items(values: list[str]) -> list[str]:
    """Comma-separated and repeated values as one list."""
    return [part.strip() for value in values for part in str(value).split(",") if part.strip()]


def _period(query: Mapping[str, list[str]], options: Options, notices: list[Notice]) -> dict:
    """The period a link asks for, as Selection fields (period, year_to, month_from, month_to); without one, the
    whole years when the link names years, else the data's default."""
    kind = None
    for value in _items(query.get("period", []))[-1:]:
        if value in PERIODS:
            kind = value
        else:
            notices.append(Notice("period", _shown(value), "url.bad_period"))
    if kind is None:
        kind = "year" if query.get("from") or query.get("to") else options.default().period
    last_year, last_month = options.through
    last = f"{last_year}-{last_month:02d}"
    if kind == "ytd":
        year, month = last_year, last_month
        for value in _items(query.get("through", []))[-1:]:
            match = THROUGH.match(value)
            asked = (int(match[1]), int(match[2])) if match else None
            if asked and options.first_year <= asked[0] and 1 <= asked[1] <= 12 and asked <= options.through:
                year, month = asked
            else:
                notices.append(Notice("through", _shown(value), "url.bad_through", {"last": last}))
        return {"period": "ytd", "year_to": year, "month_from": 1, "month_to": month}
    if kind == "q":
        year, quarter = (last_year, last_month // 3) if last_month >= 3 else (last_year - 1, 4)
        for value in _items(query.get("quarter", []))[-1:]:
            match = QUARTER.match(value.upper())
            asked = (int(match[1]), int(match[2])) if match else None
            if asked and options.first_year <= asked[0] and (asked[0], 3 * asked[1]) <= options.through:
                year, quarter = asked
            else:
                notices.append(Notice("quarter", _shown(value), "url.bad_quarter", {"last": last}))
        return {"period": "q", "year_to": year, "month_from": 3 * quarter - 2, "month_to": 3 * quarter}
    return {"period": "year", "year_to": options.last_full_year, "month_from": 1, "month_to": 12}


def parse(query: Mapping[str, list[str]], options: Options) -> tuple[Selection, list[Notice]]:
    """A URL's query parameters as a Selection, with a Notice for every value that was dropped."""
    notices: list[Notice] = []
    period = _period(query, options, notices)
    whole = period["period"] == "year"
    last = period["year_to"]
    years = {"from": options.first_year, "to": last}
    for key in ("from", "to") if whole else ("from",):
        for value in _items(query.get(key, []))[-1:]:
            if value.isascii() and value.isdigit() and options.first_year <= int(value) <= last:
                years[key] = int(value)
            elif whole and value.isascii() and value.isdigit() and last < int(value) <= options.through[0]:
                notices.append(
                    Notice(
                        key,
                        _shown(value),
                        "url.incomplete_year",
                        {"year": value, "through": "{}-{:02d}".format(*options.through)},
                    )
                )
            else:
                notices.append(Notice(key, _shown(value), "url.bad_year", {"first": options.first_year, "last": last}))
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
    return Selection(
        years["from"], years["to"], districts, sectors, lang, period["period"], period["month_from"], period["month_to"]
    ), notices


def fit(selection: Selection, options: Options) -> Selection:
    """The selection made to fit the data: whole years up to the last complete one, a year to date or a quarter
    that ends by the last month with data, a start year inside the range (data change under an open session)."""
    last_year, last_month = options.through
    if selection.period == "year" and options.last_full_year < options.first_year:
        selection = replace(selection, period="ytd", year_to=last_year, month_from=1, month_to=last_month)
    if selection.period == "year":
        selection = replace(
            selection,
            year_to=min(max(selection.year_to, options.first_year), options.last_full_year),
            month_from=1,
            month_to=12,
        )
    else:
        year = min(max(selection.year_to, options.first_year), last_year)
        month = selection.month_to if year < last_year else min(selection.month_to, last_month)
        if selection.period == "q":
            month -= month % 3
            if month == 0:  # no complete quarter yet in this year: the last one of the year before
                year, month = year - 1, 12
        selection = replace(
            selection, year_to=year, month_to=month, month_from=month - 2 if selection.period == "q" else 1
        )
    return replace(selection, year_from=min(max(selection.year_from, options.first_year), selection.year_to))


def switch(selection: Selection, period: str, options: Options) -> Selection:
    """The selection in another kind of period: whole years, or the latest year to date or quarter."""
    if period == "year":
        return fit(replace(selection, period="year"), options)
    last_year, last_month = options.through
    return fit(replace(selection, period=period, year_to=last_year, month_to=last_month), options)


def months_of(checked: Mapping) -> dict:
    """The period fields of a link already checked by parse (a storyline view's filters, as to_query wrote them)."""
    if checked.get("period") == "ytd":
        year, month = (int(part) for part in str(checked["through"]).split("-"))
        return {"period": "ytd", "year_to": year, "month_from": 1, "month_to": month}
    if checked.get("period") == "q":
        year, quarter = (int(part) for part in str(checked["quarter"]).split("Q"))
        return {"period": "q", "year_to": year, "month_from": 3 * quarter - 2, "month_to": 3 * quarter}
    return {"period": "year", "year_to": int(checked["to"]), "month_from": 1, "month_to": 12}


def to_query(selection: Selection) -> dict[str, str]:
    """The URL parameters for a selection; districts and sectors only when narrowed."""
    query = {"from": str(selection.year_from)}
    if selection.period == "ytd":
        query.update(period="ytd", through=f"{selection.year_to}-{selection.month_to:02d}")
    elif selection.period == "q":
        query.update(period="q", quarter=f"{selection.year_to}Q{selection.month_to // 3}")
    else:
        query["to"] = str(selection.year_to)
    if selection.districts:
        query["district"] = ",".join(selection.districts)
    if selection.sectors:
        query["sector"] = ",".join(selection.sectors)
    query["lang"] = selection.lang
    return query


def load_options(run: Callable[..., pd.DataFrame], city: dict) -> tuple[Options, dict, dict]:
    """Year bounds, codes and as-of date from the data, plus the district and sector dimension frames by code.
    `run` runs a named query and `city` is the city config: the app's cached ones, or a command's Database's."""
    years = run("data_years").iloc[0]
    districts = run("districts").set_index("district_code")
    sectors = run("sectors").set_index("sector_code")
    if pd.notna(years.first_year):
        first, last = int(years.first_year), int(years.last_year)
    else:  # no observations yet: pages show their empty state
        first = last = date.today().year
    latest = pd.Timestamp(years.as_of).date() if pd.notna(years.as_of) else None
    stated = as_of_date(city.get("as_of"))
    # city.json's as_of may hold back the last months of the data's latest year (provisional samples), but never
    # hides a newer year, as a stale date would after an import
    as_of = stated if stated and (latest is None or stated.year >= latest.year) else latest
    return Options(first, last, tuple(districts.index), tuple(sectors.index), as_of), districts, sectors


def as_of_date(value) -> date | None:
    """city.json's `as_of` (YYYY-MM-DD) as a date; None when it is absent or not a date."""
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


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
