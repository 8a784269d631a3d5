"""CSV and Excel downloads open with Chinese intact, say where they come from, and cannot run formulas."""

import io
from datetime import datetime

import pandas as pd
from openpyxl import load_workbook

from qcity.documents import downloads as export


def test_csv_has_bom_notes_and_neutralised_formulas():
    frame = pd.DataFrame(
        {"name": ['=HYPERLINK("http://x")', "+1", "-cmd", "@SUM(A1)", "岳麓区", "a-b"], "value": [-1.5, 2, 3, 4, 5, 6]}
    )
    data = export.csv_bytes(frame, ["合成演示数据，非真实统计", "=evil note"])
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert text.splitlines()[:2] == ["# 合成演示数据，非真实统计", "# '=evil note"]
    back = pd.read_csv(io.StringIO(text), comment="#")
    assert back.name.tolist() == ['\'=HYPERLINK("http://x")', "'+1", "'-cmd", "'@SUM(A1)", "岳麓区", "a-b"]
    assert back.value.tolist() == [-1.5, 2, 3, 4, 5, 6]  # numbers stay numbers, negative ones too


def test_xlsx_has_notes_header_and_formulas_kept_as_text():
    frame = pd.DataFrame(
        {
            "区县": ['=HYPERLINK("http://x")', "岳麓区"],
            "value": [-1.5, 2],
            "date": pd.to_datetime(["2025-03-01", None]),
            "n": pd.array([3, None], dtype="Int64"),
        }
    )
    sheet = load_workbook(io.BytesIO(export.xlsx_bytes(frame, ["合成演示数据，非真实统计", "=evil note"]))).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][0] == "合成演示数据，非真实统计" and rows[1][0] == "=evil note"
    assert sheet["A2"].data_type == "s" and sheet["A5"].data_type == "s"  # text, not a formula Excel would run
    assert rows[3] == ["区县", "value", "date", "n"]
    assert rows[4] == ['=HYPERLINK("http://x")', -1.5, datetime(2025, 3, 1), 3]
    assert rows[5] == ["岳麓区", 2, None, None]
    assert sheet.freeze_panes == "A5"
