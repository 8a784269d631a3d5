"""What several test files share: the tiny hand-made city whose figures the tests work out by hand, the pages and
their charts on the demo, AppTest started as a server starts, and small file helpers. Test files import from here,
never from conftest or from one another."""

import hashlib
import json
from pathlib import Path

import pandas as pd
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest, app_test

from qcity.analysis import filters
from qcity.store import schema

ROOT = Path(__file__).resolve().parent.parent
D1, D2, D3 = "100001", "100002", "100003"
WHOLE = {"month_from": 1, "month_to": 12}  # the month window of whole-year queries

# (year, district, sector, kind, passed, failed items): one inspection row per pass and per failed item.
# Expected figures (see test_queries):
#   food 2024: D1 8/10 + 10/10, D2 19/20, D3 3/4 -> 40/44 = 90.909091%
#   food 2025: D1 9/10, D2 20/20, D3 5/5        -> 34/35 = 97.142857%, change +6.233766 points
#   agri monitoring 2024 counts only routine monitoring: 9/10 = 90%; all agri samples 9/15 = 60%
INSPECTIONS = [
    (2024, D1, "food-a", "supervision", 8, ["microbial", "microbial"]),
    (2024, D1, "food-b", "supervision", 10, []),
    (2024, D2, "food-a", "supervision", 19, ["additive"]),
    (2024, D3, "food-a", "supervision", 3, [None]),
    (2024, D1, "mfg-a", "supervision", 9, ["performance"]),
    (2024, D1, "agri-a", "routine_monitoring", 9, ["pesticide_residue"]),
    (2024, D1, "agri-a", "supervision", 0, ["heavy_metal"] * 5),
    (2025, D1, "food-a", "supervision", 9, ["microbial"]),
    (2025, D2, "food-a", "supervision", 20, []),
    (2025, D3, "food-a", "supervision", 5, []),
]

# The failed items as the result files wrote them, per row of INSPECTIONS (in its order of failures); rows not
# listed have no item text (the D3 failure has no reason at all). Expected item counts 2024-25 (test_items.py):
#   镉 4 (3 alone + 1 with 铅), 菌落总数 3 (the 2025 batch names three items and counts once for each), 大肠菌群 2,
#   铅 2 (one written with full-width brackets), 霉菌, 二氧化硫残留量, 毒死蜱 1 each, and one unknown item (other);
#   11 of the 12 failed samples name their items.
FAILED_ITEMS_AS_WRITTEN = {
    (2024, D1, "food-a", "supervision"): ["菌落总数", "菌落总数；大肠菌群"],
    (2024, D2, "food-a", "supervision"): ["二氧化硫残留量"],
    (2024, D1, "mfg-a", "supervision"): ["某未知项目"],
    (2024, D1, "agri-a", "routine_monitoring"): ["毒死蜱"],
    (2024, D1, "agri-a", "supervision"): ["镉(以Cd计)"] * 3 + ["铅（以Pb计）", "镉(以Cd计)、铅(以Pb计)"],
    (2025, D1, "food-a", "supervision"): ["菌落总数、大肠菌群、霉菌"],
}

ENTERPRISE_OF = {D1: "E1", D2: "E2", D3: "E3"}  # who was sampled in each district

# The other tables; expected figures (see test_areas):
#   standards led 2025: S-1, S-2 = 2 (S-3 only participated); 2024: 1.   brands 2025: 3; 2024: 1
#   enforcement 2025: 3 cases, fines 20,000 + 8,000 + 12,000 yuan = 4.0 (10,000 yuan), closed or transferred 2/3
#   awards 2025: 3 applicants, 1 winner, mean score (850 + 780) / 2 = 815; funnel 3 > 2 > 2 > 2 > winner 1
#   diagnosis 2025: E1 and E2 served; problems solved (3 + 2 + 1) / found (4 + 2 + 4) = 60%; satisfaction 4.5
#   innovation 2025: invention patents (120 + 330) / population (10 + 20) = 15.0 per 10,000; 2024: 400 / 30
ENTERPRISES = [
    ("E1", "【示例】甲食品有限公司", D1, "food-a", "large"),
    ("E2", "【示例】乙食品有限公司", D2, "food-a", "medium"),
    ("E3", "【示例】丙机械有限公司", D3, "mfg-a", "small"),
]
STANDARDS = [
    ("S-1", "甲标准", "national", "lead", 2025, "E1"),
    ("S-2", "乙标准", "local", "lead", 2025, "E2"),
    ("S-3", "丙标准", "group", "participate", 2025, "E1"),
    ("S-4", "丁标准", "group", "lead", 2024, "E1"),
]
BRANDS = [
    (2025, "E1", "well_known_trademark"),
    (2025, "E2", "time_honoured"),
    (2025, "E3", "provincial_famous"),
    (2024, "E1", "geographical_indication"),
]
CASES = [
    ("C1", "2025-03-01", D1, "food-a", "counterfeit", 10000.0, 20000.0, "closed", "E1"),
    ("C2", "2025-05-01", D1, "food-b", "substandard", 5000.0, 8000.0, "open", None),
    ("C3", "2025-07-01", D2, "mfg-a", "unlicensed", 0.0, 12000.0, "transferred", "E2"),
    ("C4", "2024-06-01", D2, "food-a", "counterfeit", 3000.0, 4000.0, "closed", None),
]
AWARDS = [
    (2025, 3, "E1", "winner", 850.0, 100.0),
    (2025, 3, "E2", "nominee", 780.0, 10.0),
    (2025, 3, "E3", "applied", None, None),
    (2024, 2, "E1", "nominee", 700.0, 10.0),
    (2024, 2, "E2", "material_review", 600.0, None),
]
VISITS = [
    ("V1", "2025-02-01", "E1", 4, 3, 5),
    ("V2", "2025-06-01", "E1", 2, 2, 4),
    ("V3", "2025-03-01", "E2", 4, 1, None),
]
INNOVATION = [(2024, D1, 100, 40, 10), (2024, D2, 300, 100, 20), (2025, D1, 120, 50, 12), (2025, D2, 330, 120, 25)]


# The test items of D1's 2025 food-a samples (the other samples came without items): 菌落总数 and 大肠菌群 for each
# of the 10, 霉菌 too for the failed one. Expected (test_queries): 菌落总数 failed 1 of 10 tested (10%), 2.0 times
# its limit; 大肠菌群 1 of 10, 2.3 times; 霉菌 1 of 1 (100%), 2.0 times.
PASSING_ITEMS = [("菌落总数", "50", None, "≤1×10⁵", 1e5, True), ("大肠菌群", "<10", None, "≤100", 100.0, True)]
FAILING_ITEMS = [
    ("菌落总数", "2.0×10⁵", 2e5, "≤1×10⁵", 1e5, False),
    ("大肠菌群", "230", 230.0, "≤100", 100.0, False),
    ("霉菌", "300", 300.0, "≤150", 150.0, False),
]


def _items(row: dict) -> list[tuple]:
    if (row["sample_date"].year, row["district_code"], row["sector_code"]) != (2025, D1, "food-a"):
        return []
    written = PASSING_ITEMS if row["passed"] else FAILING_ITEMS
    return [
        (row["sample_id"], seq, item, result, value, "CFU/g", limit, limit_value, "le", ok)
        for seq, (item, result, value, limit, limit_value, ok) in enumerate(written, start=1)
    ]


def _frame(table: str, rows: list, dates: tuple[str, ...] = ()) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=list(schema.TABLES[table].column_names))
    for column in dates:
        frame[column] = pd.to_datetime(frame[column]).dt.date
    return frame


def _square(code: str, x: float) -> dict:
    ring = [[x, 28.0], [x + 0.1, 28.0], [x + 0.1, 28.1], [x, 28.1], [x, 28.0]]
    return {
        "type": "Feature",
        "properties": {"district_code": code},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }


def write_tiny_city(out: Path) -> Path:
    """Write the hand-made data directory: every table of the data model."""
    out.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(
        [
            (D1, "甲区", "District A", "district", 10.0),
            (D2, "乙区", "District B", "district", 20.0),
            (D3, "丙县", "County C", "county", 5.0),
        ],
        columns=["district_code", "name_zh", "name_en", "kind", "population_10k"],
    ).to_csv(out / "districts.csv", index=False)
    pd.DataFrame(
        [
            ("food-a", "食品甲", "Food A", "food"),
            ("food-b", "食品乙", "Food B", "food"),
            ("mfg-a", "工业甲", "Manufacturing A", "manufacturing"),
            ("agri-a", "农产品甲", "Agri A", "agri"),
            ("special-equipment", "特种设备", "Special equipment", "special_equipment"),
            ("construction", "建设工程", "Construction", "construction"),
        ],
        columns=["sector_code", "name_zh", "name_en", "domain"],
    ).to_csv(out / "sectors.csv", index=False)
    rows = []
    for year, district, sector, kind, passed, failures in INSPECTIONS:
        written = FAILED_ITEMS_AS_WRITTEN.get((year, district, sector, kind), [None] * len(failures))
        outcomes = [(True, None, None)] * passed + [(False, item, text) for item, text in zip(failures, written)]
        for i, (ok, item, text) in enumerate(outcomes):
            rows.append(
                {
                    "sample_id": f"S{len(rows) + 1:04d}",
                    "sample_date": pd.Timestamp(year, 1 + i % 12, 15).date(),
                    "district_code": district,
                    "sector_code": sector,
                    "product": "p",
                    "enterprise_id": ENTERPRISE_OF[district],
                    "level": "municipal",
                    "kind": kind,
                    "passed": ok,
                    "failed_item": item,
                    "failed_items": text,
                }
            )
    pd.DataFrame(rows).to_parquet(out / "inspections.parquet", index=False)
    _frame("inspection_items", [item for row in rows for item in _items(row)]).to_parquet(
        out / "inspection_items.parquet", index=False
    )
    # special equipment: 2024 2 deaths / 50,000 units = 0.4 per 10k; 2025 1 / 50,000 = 0.2 per 10k
    pd.DataFrame(
        [
            (2024, D1, "elevator", 20000, 3, 2),
            (2024, D2, "elevator", 30000, 0, 0),
            (2025, D1, "elevator", 20000, 1, 1),
            (2025, D2, "elevator", 30000, 0, 0),
        ],
        columns=list(schema.TABLES["special_equipment"].column_names),
    ).to_parquet(out / "special_equipment.parquet", index=False)
    # construction 2025: (99 + 48) / (100 + 50) = 98%
    pd.DataFrame(
        [(2025, D1, 100, 99, 3), (2025, D2, 50, 48, 1)], columns=list(schema.TABLES["construction"].column_names)
    ).to_parquet(out / "construction.parquet", index=False)
    _frame("enterprises", ENTERPRISES).to_parquet(out / "enterprises.parquet", index=False)
    _frame("standards", STANDARDS).to_parquet(out / "standards.parquet", index=False)
    _frame("brands", BRANDS).to_parquet(out / "brands.parquet", index=False)
    _frame("enforcement", CASES, ("opened",)).to_parquet(out / "enforcement.parquet", index=False)
    _frame("awards", AWARDS).to_parquet(out / "awards.parquet", index=False)
    _frame("diagnosis", VISITS, ("date",)).astype({"satisfaction": "Int64"}).to_parquet(
        out / "diagnosis.parquet", index=False
    )
    _frame("innovation", INNOVATION).to_parquet(out / "innovation.parquet", index=False)
    pd.DataFrame(
        [
            ("food_pass_rate", 2025, 98.0, None),
            ("se_deaths_per_10k", 2025, 0.3, None),
            ("food_pass_rate", 2025, 90.0, D1),
        ],
        columns=["indicator", "year", "target", "district_code"],
    ).to_csv(out / "targets.csv", index=False)
    pd.DataFrame([("2024-09-14", "质量月", "Quality Month")], columns=["date", "title_zh", "title_en"]).to_csv(
        out / "events.csv", index=False
    )
    (out / "boundaries.geojson").write_text(
        json.dumps(
            {"type": "FeatureCollection", "features": [_square(D1, 112.0), _square(D2, 112.1), _square(D3, 112.2)]}
        )
    )
    (out / "city.json").write_text(
        json.dumps(
            {
                "code": "100000",
                "name_zh": "测试市",
                "name_en": "Test City",
                "boundaries": "boundaries.geojson",
                "min_samples": 10,
            }
        )
    )
    return out


ENTRY = str(ROOT / "dashboard.py")
CHARTS = {
    "overview": 2,
    "attention": 1,
    "spot_checks": 7,
    "safety": 4,
    "standards_brands": 5,
    "enforcement": 5,
    "award": 4,
    "diagnosis": 3,
    "innovation": 2,
    "quality_index": 2,
    "enterprise": 0,
    "glossary": 0,
    "present": 1,
}  # on the demo
PAGES = {page: (f"pages/{page}.py", charts) for page, charts in CHARTS.items()}  # file, charts
AREA_PAGES = ["safety", "standards_brands", "enforcement", "award", "diagnosis", "innovation", "quality_index"]


class ServerLikePagesManager(PagesManager):
    """AppTest puts Streamlit back into legacy `pages/` mode on every run; a server leaves it after its first
    `st.navigation` call, before any widget exists. Keep AppTest in the server's mode so that widget changes
    carry over between runs as they do in a browser (the first-request recovery has its own test below)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        PagesManager.uses_pages_directory = False


def starter(data_dir: Path, monkeypatch):
    """Start the app on a data directory, optionally with URL parameters and on another page."""
    monkeypatch.setenv("QCITY_DATA_DIR", str(data_dir))
    monkeypatch.setattr(app_test, "PagesManager", ServerLikePagesManager)

    def start(query: dict | None = None, page: str = "overview") -> AppTest:
        at = AppTest.from_file(ENTRY, default_timeout=60)
        at.query_params.update(query or {})
        at.run()
        if page != "overview":
            at.switch_page(PAGES[page][0]).run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    return start


# An agency's result file as the tests write it (title row, header) and the tiny city's inspection rows
HEADER = "区县,行业,抽样日期,检验结论,企业名称,不合格项目"
TITLE = "2025年第一季度食品安全监督抽检结果,,,,,"
LOADED = sum(passed + len(failed) for *_, passed, failed in INSPECTIONS)  # rows in the tiny city: 104


def fingerprint(folder: Path) -> dict:
    """Every file of a folder with a hash of its bytes."""
    return {
        str(p.relative_to(folder)): hashlib.sha1(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


GRAIN = {  # the columns that identify a row of each query; every query file must be listed here (test_queries)
    "indicator_by_year": ["indicator", "year"],
    "pass_rate_by_month": ["year", "month"],
    "cases_by_month": ["year", "month"],
    "district_league": ["district_code"],
    "pass_rate_by_domain_year": ["domain", "year"],
    "pass_rate_by_district_year": ["district_code", "year"],
    "pass_rate_by_sector": ["sector_code"],
    "failures_by_item": ["failed_item"],
    "failed_items_top": ["item_key"],
    "failed_items_by_year": ["item_key", "year"],
    "failed_item_categories": ["text"],
    "test_item_dictionary": ["item_key"],
    "pass_rate_by_district_sector_year": ["year", "district_code", "sector_code"],
    "events_between": ["date", "title_en"],
    "districts": ["district_code"],
    "sectors": ["sector_code"],
    "data_years": [],
    "special_equipment_by_kind_year": ["equipment", "year"],
    "standards_by_level_year": ["standard_level", "role", "year"],
    "brands_by_kind_district": ["brand_kind", "district_code"],
    "enforcement_by_violation_year": ["violation", "year"],
    "enforcement_by_sector": ["sector_code"],
    "award_funnel": ["stage"],
    "award_applicants": ["year", "enterprise_id"],
    "award_by_year": ["year"],
    "diagnosis_by_sector": ["sector_code"],
    "diagnosis_effect_by_year": ["year", "grp"],
    "indicator_coverage": ["indicator"],
    "quality_index_by_district_year": ["district_code", "year"],
    "quality_index_contributions": ["district_code", "indicator"],
    "enterprise_search": ["enterprise_id"],
    "enterprise_inspections": ["year"],
    "enterprise_failed_items": ["sample_date", "item"],
    "item_failure_rates": ["item_key"],
    "notice_batches": ["year", "domain", "sector_code"],
    "notice_pass_rates": ["year", "month", "domain", "sector_code", "district_code"],
    "enterprise_standards": ["standard_code"],
    "enterprise_brands": ["year", "brand_kind"],
    "enterprise_awards": ["year"],
    "enterprise_cases": ["case_id"],
    "enterprise_diagnosis": ["service_id"],
    "standards_leaders": ["enterprise_id"],
    "standards_by_sector": ["sector_code", "standard_level"],
    "award_winners_by_district": ["district_code", "domain"],
    "index_weights": ["indicator"],
    "attention_months": ["year", "month", "district_code", "sector_code"],
    "attention_items": ["domain", "item_key"],
    "repeat_offenders": ["enterprise_id"],
}

OPTIONS = filters.Options(2024, 2025, (D1, D2, D3), ("food-a", "food-b", "mfg-a", "agri-a"))  # the tiny city's
