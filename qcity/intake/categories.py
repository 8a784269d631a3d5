"""The national food classification against a city's sectors: which sector a sample counts under when its file
names a food category (食品大类 / 亚类, or a path such as 蛋及蛋制品-->再制蛋) instead of a sector.

The classification is data/reference/food_categories.csv (its header says which edition). A category counts under
the city's sector of the same name (its own, or its 大类's); else under the sector the reference names for it when
the city has that sector (the shipped catalogue); else under `<domain>-other`, the domain's catch-all, which the
import adds to the city's sectors when it is missing. A name the classification does not know is reported with its
count and counted as other food: never a reason to reject a row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

REFERENCE = Path(__file__).resolve().parents[2] / "data" / "reference" / "food_categories.csv"
PATH_SEPARATOR = re.compile(r"\s*(?:-+>|>+|》|→)\s*")  # 水产及其制品-->生鲜（冻）水产品
OTHER_NAMES = {"food": ("其他食品", "Other food"), "agri": ("其他食用农产品", "Other edible agricultural products")}


@dataclass(frozen=True)
class Category:
    name: str
    major: str  # its 大类 (itself for a 大类)
    domain: str
    sector: str  # the shipped catalogue's sector for it
    code: str  # its sector code in a national-food catalogue


@lru_cache(maxsize=1)
def reference() -> pd.DataFrame:
    return pd.read_csv(REFERENCE, comment="#", dtype=str).fillna("")


@lru_cache(maxsize=1)
def categories() -> dict[str, Category]:
    """Every name the classification knows (aliases too) -> the category it is."""
    frame = reference()
    own = frame[frame.kind != "alias"]
    majors = {r.name: r for r in own[own.kind == "major"].itertuples()}
    out = {}
    for r in own.itertuples():
        major = majors[r.name if r.kind == "major" else r.parent]
        out[_key(r.name)] = Category(r.name, major.name, r.domain, r.sector, r.code or major.code)
    for r in frame[frame.kind == "alias"].itertuples():
        out[_key(r.name)] = out[_key(r.parent)]
    return out


def national_food_sectors(catalogue: pd.DataFrame) -> pd.DataFrame:
    """Sectors for a city that counts food by the national classification: `catalogue`'s sectors outside food and
    edible agricultural products, then one per 大类 (and per 亚类 of 食用农产品), in the classification's order."""
    frame = reference()
    own = frame[(frame.kind != "alias") & (frame.code != "")]
    national = pd.DataFrame(
        {"sector_code": own.code, "name_zh": own.name, "name_en": own.name_en, "domain": own.domain}
    )
    kept = catalogue[~catalogue.domain.isin(set(own.domain))]
    return pd.concat([kept, national], ignore_index=True)


def _key(name: str) -> str:
    return re.sub(r"\s+", "", name).replace("（", "(").replace("）", ")")


def read(texts: list[str | None]) -> Category | None:
    """The category of a sample from its category cells, most specific first (细类, 品种, 亚类, 大类, or the parts of
    a path, last first): the first the classification knows."""
    known = categories()
    for text in texts:
        for part in reversed(PATH_SEPARATOR.split(text) if text else []):
            if (found := known.get(_key(part))) is not None:
                return found
    return None


class Sectors:
    """A city's sectors, for samples named by category."""

    def __init__(self, sectors: pd.DataFrame):
        self.codes = set(sectors.sector_code)
        self.by_name = {_key(n): c for n, c in zip(sectors.name_zh, sectors.sector_code)}

    def of(self, category: Category | None) -> str:
        """The sector a category counts under (unknown categories: other food)."""
        if category is None:
            return "food-other"
        for name in (category.name, category.major):
            if _key(name) in self.by_name:
                return self.by_name[_key(name)]
        for code in (category.sector, category.code):
            if code in self.codes:
                return code
        return f"{category.domain}-other"
