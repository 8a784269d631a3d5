"""Where a sampled unit lies: in one of the data's units (a city's districts and counties, or a province's cities),
somewhere else (outside), or nobody can tell (unplaced). Never a guess.

A row's place is read from, in order: the county column (被抽样单位所在县), the city and province columns, a
publisher, the sampled unit's address, its name, and the producer's address; the first that names a place inside
the data's area, or outside it, decides (湖南省 alone, for Changsha, says neither). A text names a place when it
holds the full name of a division (芙蓉区, 长沙县, 浏阳市, 长沙市, 湖南省; a renamed unit under its old name, 望城县,
and X县 for a county-level X市 or X区, 祁阳县), or, at its very start, a province's or city's short name
(湖南长沙…). A name several divisions share (鼓楼区: four cities) counts only with its city or province beside it.
长沙县 is not 长沙市: names match whole.
The producer's address only places a row inside the data's area: a product made elsewhere says nothing of where it
was sampled. China's divisions come from data/reference/divisions.csv (scripts/build_divisions.py), renamed units
from data/reference/renamed_divisions.csv.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

REFERENCE = Path(__file__).resolve().parents[2] / "data" / "reference"
UNPLACED = "000000"  # the district code of rows imported without a place (only with --accept-valid)
# the order a row's texts are read in: its county, city and province columns, a re-publication's publisher
# (国内监督抽查(山东市场监管局)), the sampled unit's address and name, the producer's address
SOURCES = ("district", "city", "province", "publisher", "address", "unit", "producer_address")
PLACE_ONLY = {"unit", "producer_address"}  # texts that may place a row inside, never put it outside
PROVINCE_SHORT = {  # the short forms provinces go by at the start of an address
    "内蒙古自治区": "内蒙古",
    "广西壮族自治区": "广西",
    "西藏自治区": "西藏",
    "宁夏回族自治区": "宁夏",
    "新疆维吾尔自治区": "新疆",
    "香港特别行政区": "香港",
    "澳门特别行政区": "澳门",
}
SUFFIX = re.compile(r"(省|市|自治州|地区|盟)$")
NOISE = re.compile(r"[\s\u3000]+")


@dataclass(frozen=True)
class Division:
    code: str
    name: str
    level: str  # province, city or county
    province: str  # its province's code
    city: str  # its city's code (itself for a city)


@dataclass(frozen=True)
class Place:
    """Where a row lies: `status` placed (in `code`, one of the data's units), outside, or unplaced; `text` is what
    decided it, for the report."""

    status: str
    code: str | None = None
    text: str | None = None


@lru_cache(maxsize=1)
def divisions() -> tuple[Division, ...]:
    frame = pd.read_csv(REFERENCE / "divisions.csv", comment="#", dtype=str)
    return tuple(Division(*row) for row in frame.itertuples(index=False))


@lru_cache(maxsize=1)
def renamed() -> dict[str, str]:
    """Former names of county-level units -> their code today (望城县 -> 430112)."""
    frame = pd.read_csv(REFERENCE / "renamed_divisions.csv", comment="#", dtype=str)
    return dict(zip(frame.former_name, frame.code))


@lru_cache(maxsize=1)
def former_counties() -> dict[str, set[tuple[str, str]]]:
    """X县 for each county-level X市 and X区, the name most became a city or district from (祁阳县 -> 祁阳市, 2021;
    邵东县 -> 邵东市, 2019): older files and addresses still write it. A name some division bears today is not
    taken (divisions() keeps it), and one several units may have been is left to the city beside it."""
    current = {_clean(d.name) for d in divisions()}
    former: dict[str, set[tuple[str, str]]] = {}
    for d in divisions():
        if d.level == "county" and d.name[-1] in "市区" and len(d.name) >= 3:
            name = _clean(d.name[:-1] + "县")
            if name not in current:
                former.setdefault(name, set()).add((d.code, "county"))
    return former


class Gazetteer:
    """The names of China's divisions, read against one data directory's units."""

    def __init__(self, units: pd.DataFrame, area_code: str, area_level: str):
        """`units`: the data directory's districts (district_code, name_zh); `area_code`, `area_level`: what the
        data directory covers (city.json code and level: a city, or a province)."""
        self.units = dict(zip(units.district_code.astype(str), units.name_zh))
        self.area, self.province_area = area_code, area_level == "province"
        self.by_code: dict[tuple[str, str], Division] = {(d.code, d.level): d for d in divisions()}
        full: dict[str, set[tuple[str, str]]] = {}
        for d in divisions():
            full.setdefault(_clean(d.name), set()).add((d.code, d.level))
        for name, code in renamed().items():
            full.setdefault(_clean(name), set()).add((code, "county"))
        for name, codes in former_counties().items():
            if name not in full:
                full[name] = codes
        for code, name in self.units.items():  # the data's own units, by their names in districts.csv
            level = "city" if self.province_area else "county"
            if (code, level) in self.by_code:
                full.setdefault(_clean(name), set()).add((code, level))
        self.full = full
        self.lengths: dict[str, list[int]] = {}  # the lengths of the full names starting with each character
        for name in full:
            self.lengths.setdefault(name[0], []).append(len(name))
        self.lengths = {c: sorted(set(n), reverse=True) for c, n in self.lengths.items()}
        short: dict[str, set[tuple[str, str]]] = {}
        for d in divisions():
            if d.level in ("province", "city"):
                stem = PROVINCE_SHORT.get(d.name) or SUFFIX.sub("", d.name)
                if len(stem) >= 2 and stem != d.name:
                    short.setdefault(stem, set()).add((d.code, d.level))
        self.short = short

    # --- reading one text -------------------------------------------------------------------------------------

    def names_in(self, text: str, short_anywhere: bool = False) -> list[set[tuple[str, str]]]:
        """The divisions each name in `text` may be, in order: full names anywhere (the longest at each place);
        short province and city names where they lead the text after nothing but a province (湖南长沙…, not the
        中山 of 南京市鼓楼区中山路), or anywhere with `short_anywhere` (a publisher: 国内监督抽查(山东市场监管局)).
        A county's short name is never read: 长沙宁乡… would be 宁乡市, but 长沙市芙蓉北路 is in 开福区, not 芙蓉区,
        and 芙蓉兴盛 is a chain of shops."""
        text = _clean(text)
        found, i, lead = [], 0, 0
        while i < len(text):
            name = next((text[i : i + n] for n in self.lengths.get(text[i], ()) if text[i : i + n] in self.full), None)
            stem = None if name else next((text[i : i + n] for n in (3, 2) if text[i : i + n] in self.short), None)
            provinces_only = all(level == "province" for group in found for _, level in group)
            if name or (stem and (short_anywhere or (i == lead and provinces_only))):
                found.append(self.full[name] if name else self.short[stem])
                lead = i + len(name or stem) if i == lead else lead  # the names leading the text end here
                i += len(name or stem)
            else:
                i += 1
        return found

    def where(self, text: str | None, short_anywhere: bool = False) -> Division | str | None:
        """The division a text names: the most specific one its names settle (鼓楼区 with 南京市 beside it), or
        "outside" when every reading lies outside the data's area, or None when it names none or cannot say."""
        if text and (code := text.strip()).isdigit() and len(code) == 6:  # an administrative code (GB/T 2260)
            found = [
                self.by_code[(code, level)] for level in ("county", "city", "province") if (code, level) in self.by_code
            ]
            return found[0] if found else None
        names = self.names_in(text, short_anywhere) if text else []
        if not names:
            return None
        fixed = [
            self.by_code[next(iter(group))] for group in names if len({c for c, _ in group}) == 1 and len(group) == 1
        ]
        for level in ("county", "city", "province"):
            options = {self.by_code[c] for group in names for c in group if c[1] == level}
            options = {d for d in options if all(_within(d, f) or _within(f, d) for f in fixed)}
            if len(options) == 1:
                return options.pop()
            if len(options) > 1:
                return "outside" if not any(self.inside(d) for d in options) else None
        return None

    def inside(self, division: Division) -> bool:
        """Whether a division lies within the data's area."""
        if self.province_area:
            return division.province == self.area
        return division.city == self.area

    def covers_area(self, division: Division) -> bool:
        """Whether a division is the data's area or holds it (湖南省 for Changsha): true of every row, so it
        places none."""
        if division.level == "province":
            return self.area[:2] == division.code[:2]
        return division.level == "city" and division.code == self.area

    def unit_of(self, division: Division) -> str | None:
        """The data's unit a division is (or lies in): a county of the city, or a city of the province."""
        if self.province_area:
            return division.city if division.level in ("city", "county") and division.city in self.units else None
        return division.code if division.level == "county" and division.code in self.units else None

    # --- a row ------------------------------------------------------------------------------------------------

    def place(self, texts: dict[str, str | None]) -> Place:
        """A row's place from its texts (keys: SOURCES), read in order; the first that names a place decides. The
        unit's name and the producer's address only ever place a row inside the area: 沙县小吃 is a shop sign,
        not a county, and a product made elsewhere says nothing of where it was sampled."""
        for source in SOURCES:
            text = texts.get(source)
            found = self.where(text, short_anywhere=source == "publisher")
            if found is None or (found != "outside" and self.covers_area(found)):  # 湖南省 says no more than that
                continue
            if found == "outside" or not self.inside(found):
                if source in PLACE_ONLY:
                    continue
                return Place("outside", text=text)
            unit = self.unit_of(found)
            if unit is not None:
                return Place("placed", unit, text)
        return Place("unplaced", text="; ".join(t for t in (texts.get(s) for s in SOURCES) if t) or None)


def _clean(text: str) -> str:
    return NOISE.sub("", str(text)).replace("（", "(").replace("）", ")")


def _within(inner: Division, outer: Division) -> bool:
    """Whether `inner` lies in `outer` (a county in its city or province, a city in its province)."""
    if outer.level == "province":
        return inner.province == outer.code
    if outer.level == "city":
        return inner.city == outer.code
    return inner.code == outer.code
