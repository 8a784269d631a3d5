"""Real public data that no one here wrote: San Francisco restaurant inspections (2015-2018) imported as another
city with mapping files (postal codes as districts, a score of 86 or more as a pass), then every page runs on it."""

import csv
import json
import re
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
from helpers import ENTRY, WHOLE, ServerLikePagesManager
from streamlit.testing.v1 import AppTest, app_test

from qcity.intake import ingest
from qcity.store import db, versions

REALDATA = Path(__file__).resolve().parent / "realdata" / "sf-restaurant-inspections"
MAPPINGS = Path(__file__).resolve().parent / "mappings"
POSTAL = re.compile(r"94\d{3}")


def raw(name: str) -> list[dict]:
    with open(REALDATA / name, encoding="cp1252", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def sf(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("sf")
    codes = sorted({b["postal_code"] for b in raw("businesses.csv") if POSTAL.fullmatch(b["postal_code"])})
    pd.DataFrame(
        {"district_code": codes, "name_zh": codes, "name_en": codes, "kind": "district", "population_10k": None}
    ).to_csv(out / "districts.csv", index=False)
    pd.DataFrame(
        [("restaurant", "餐饮服务", "Restaurants", "food")], columns=["sector_code", "name_zh", "name_en", "domain"]
    ).to_csv(out / "sectors.csv", index=False)
    (out / "city.json").write_text(
        json.dumps(
            {
                "code": "SF",
                "name_zh": "旧金山",
                "name_en": "San Francisco",
                "min_samples": 30,
                "source_zh": "旧金山公共卫生局餐馆检查公开数据 2015–2018",
                "source_en": "San Francisco DPH restaurant inspections, 2015-2018",
            }
        )
    )
    for name, table in (("businesses", "enterprises"), ("inspections", "inspections")):
        code = ingest.main(
            [
                str(REALDATA / f"{name}.csv"),
                "--table",
                table,
                "--data-dir",
                str(out),
                "--mapping",
                str(MAPPINGS / f"sf-{name}.json"),
                "--accept-valid",
            ]
        )
        assert code == 0, name
    return out


def test_businesses_with_a_postal_code_become_enterprises(sf):
    expected = sum(1 for b in raw("businesses.csv") if POSTAL.fullmatch(b["postal_code"]))
    count = db.Database(sf).con.execute("select count(*) from enterprises").fetchone()[0]
    assert count == expected
    entries = versions.versions(sf)
    assert entries[0]["rows"] == expected and entries[0]["rejected"] == 6399 - expected


def test_pass_rates_equal_a_count_by_hand_of_the_raw_file(sf):
    district = {b["business_id"]: b["postal_code"] for b in raw("businesses.csv") if POSTAL.fullmatch(b["postal_code"])}
    kept = [i for i in raw("inspections.csv") if i["business_id"] in district and i["score"]]
    samples = Counter(i["date"][:4] for i in kept)
    passed = Counter(i["date"][:4] for i in kept if float(i["score"]) >= 86)
    by_year = db.Database(sf).query(
        "indicator_by_year", year_from=2015, year_to=2018, **WHOLE, districts=[], sectors=[]
    )
    food = by_year[by_year.indicator == "food_pass_rate"].set_index("year")
    for year in ("2016", "2017"):
        assert food.loc[int(year)].denominator == samples[year]
        assert food.loc[int(year)].value == pytest.approx(100 * passed[year] / samples[year])


@pytest.mark.parametrize("page", ["pages/overview.py", "pages/spot_checks.py"])
def test_every_page_runs_on_the_real_data(sf, monkeypatch, page):
    monkeypatch.setenv("QCITY_DATA_DIR", str(sf))
    monkeypatch.setattr(app_test, "PagesManager", ServerLikePagesManager)
    at = AppTest.from_file(ENTRY, default_timeout=60)
    at.query_params.update({"lang": "en"})
    at.run()
    if page != "pages/overview.py":
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    assert not any("synthetic" in w.value for w in at.warning)  # real data is not labelled as demo data
    assert at.get("plotly_chart")
    if page == "pages/overview.py":
        assert any("no district boundary file" in i.value for i in at.info)
