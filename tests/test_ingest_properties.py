"""Property: whatever rows a file holds, an import with --accept-valid stores exactly the valid ones, unchanged.

The oracle below decides validity on its own, from the tiny city's facts, without the importer's code."""

import csv
import shutil
from datetime import date, timedelta

from helpers import D1, D2, D3, write_tiny_city
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qcity.intake import ingest
from qcity.store import db, rollups

DISTRICTS = {D1: D1, "甲区": D1, "甲": D1, "District A": D1, D2: D2, "乙区": D2, "District B": D2, D3: D3, "丙县": D3}
SECTORS = {"food-a": "food-a", "食品甲": "food-a", "Food A": "food-a", "mfg-a": "mfg-a", "工业甲": "mfg-a"}
VERDICTS = {"合格": True, "不合格": False, "pass": True, "FAIL": False, "true": True, "0": False}

rows = st.lists(
    st.fixed_dictionaries(
        {
            "id": st.sampled_from([f"H{i}" for i in range(12)]),
            "district": st.one_of(st.sampled_from(sorted(DISTRICTS)), st.sampled_from(["火星区", "999999", "'; drop"])),
            "sector": st.one_of(st.sampled_from(sorted(SECTORS)), st.just("不存在")),
            "date": st.one_of(
                st.dates(date(1985, 1, 1), date.today() + timedelta(days=400)).map(date.isoformat),
                st.sampled_from(["2024-02-30", "昨天", "2024/13/01"]),
            ),
            "verdict": st.one_of(st.sampled_from(sorted(VERDICTS)), st.just("也许")),
        }
    ),
    min_size=1,
    max_size=25,
)


def expected(generated: list[dict]) -> set[tuple]:
    """The rows the import should keep: every field valid and the id not used by an earlier row of the file."""
    keep, seen = set(), set()
    for row in generated:
        valid_date = _date(row["date"])
        if (
            row["district"] in DISTRICTS
            and row["sector"] in SECTORS
            and row["verdict"] in VERDICTS
            and valid_date
            and date(1990, 1, 1) <= valid_date <= date.today()
            and row["id"] not in seen
        ):
            keep.add(
                (row["id"], DISTRICTS[row["district"]], SECTORS[row["sector"]], valid_date, VERDICTS[row["verdict"]])
            )
        seen.add(row["id"])
    return keep


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(generated=rows)
def test_an_import_keeps_exactly_the_valid_rows(tmp_path_factory, generated):
    folder = tmp_path_factory.mktemp("prop")
    data = write_tiny_city(folder / "data")
    rollups.build(data)
    path = folder / "generated.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["样品编号", "区县", "行业", "抽样日期", "检验结论"])
        writer.writerows([r["id"], r["district"], r["sector"], r["date"], r["verdict"]] for r in generated)
    ingest.main(
        [
            str(path),
            "--table",
            "inspections",
            "--data-dir",
            str(data),
            "--accept-valid",
            "--set",
            "level=municipal",
            "--set",
            "kind=supervision",
        ]
    )
    stored = (
        db.Database(data)
        .con.execute(
            "select sample_id, district_code, sector_code, sample_date, passed from inspections "
            "where sample_id like 'H%'"
        )
        .fetchall()
    )
    assert set(stored) == expected(generated) and len(stored) == len(set(stored))
    shutil.rmtree(folder)
