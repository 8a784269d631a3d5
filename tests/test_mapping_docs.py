"""A US county's food-service inspections (Louisville-style: zip codes as districts, a letter grade as the verdict,
a fiscal year that straddles two calendar years) import with the mapping file printed in the
docs (docs/data/import.md)."""

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from helpers import WHOLE

from qcity.intake import ingest
from qcity.store import db

GUIDE = Path(__file__).resolve().parent.parent / "docs" / "data" / "import.md"
# EstablishmentID, InspectionID, EstablishmentName, Zip, InspectionDate, Grade, FiscalYear, as a county publishes
ROWS = [
    (101, 9001, "BLUEGRASS DINER", "40202", "08/14/2017", "A", "2017-2018"),
    (101, 9002, "BLUEGRASS DINER", "40202", "02/03/2018", "B", "2017-2018"),
    (102, 9003, "RIVER CITY TACOS", "40203", "09/01/2017", "A", "2017-2018"),
    (102, 9004, "RIVER CITY TACOS", "40203", "03/12/2018", "A", "2017-2018"),
    (103, 9005, "DERBY GRILL", "40202", "11/30/2017", "C", "2017-2018"),
    (103, 9006, "DERBY GRILL", "40202", "05/21/2018", "A", "2017-2018"),
    (104, 9007, "OHIO VALLEY BBQ", "40203", "12/29/2017", "A", "2017-2018"),
    (104, 9008, "OHIO VALLEY BBQ", "40203", "06/30/2018", "A", "2017-2018"),
]


def guide_mapping() -> str:
    """The JSON example the import guide gives for this case (the mapping a newcomer would copy)."""
    blocks = re.findall(r"```json\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.S)
    return next(b for b in blocks if '"Grade"' in b)


@pytest.fixture
def county(tmp_path) -> Path:
    out = tmp_path / "county"
    out.mkdir()
    pd.DataFrame(
        {
            "district_code": ["40202", "40203"],
            "name_zh": ["40202", "40203"],
            "name_en": ["40202", "40203"],
            "kind": "district",
            "population_10k": None,
        }
    ).to_csv(out / "districts.csv", index=False)
    pd.DataFrame(
        [("restaurant", "餐饮服务", "Food service", "food")], columns=["sector_code", "name_zh", "name_en", "domain"]
    ).to_csv(out / "sectors.csv", index=False)
    (out / "city.json").write_text(
        json.dumps({"code": "LOU", "name_zh": "路易斯维尔", "name_en": "Louisville", "min_samples": 1})
    )
    return out


def test_the_documented_mapping_imports_a_county_file_by_calendar_year(county, tmp_path, capsys):
    mapping = tmp_path / "mapping.json"
    mapping.write_text(guide_mapping(), encoding="utf-8")
    source = tmp_path / "FoodServiceData.csv"
    pd.DataFrame(
        ROWS,
        columns=[
            "EstablishmentID",
            "InspectionID",
            "EstablishmentName",
            "Zip",
            "InspectionDate",
            "Grade",
            "FiscalYear",
        ],
    ).to_csv(source, index=False)
    code = ingest.main([str(source), "--table", "inspections", "--data-dir", str(county), "--mapping", str(mapping)])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "8 valid rows, 0 rejected, 4 new enterprises" in out
    rows = db.Database(county).query(
        "indicator_by_year", year_from=2017, year_to=2018, **WHOLE, districts=[], sectors=[]
    )
    food = rows[rows.indicator == "food_pass_rate"].set_index("year")
    # fiscal 2017-2018 split by date: 2017 has 4 inspections, 3 graded A; 2018 has 4, 3 graded A
    assert (food.loc[2017].numerator, food.loc[2017].denominator) == (3, 4)
    assert (food.loc[2018].numerator, food.loc[2018].denominator) == (3, 4)
    league = (
        db.Database(county)
        .query(
            "district_league",
            **WHOLE,
            year=2018,
            indicator="food_pass_rate",
            districts=[],
            sectors=[],
            min_samples=1,
            higher_is_better=True,
        )
        .set_index("district_code")
    )
    assert league.loc["40202", "value"] == pytest.approx(50.0) and league.loc["40203", "value"] == pytest.approx(100.0)
