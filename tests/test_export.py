"""CSV downloads open in Excel with Chinese intact and cannot run formulas."""

import io

import pandas as pd

from qcity import export


def test_csv_has_bom_notes_and_neutralised_formulas():
    frame = pd.DataFrame({"name": ["=HYPERLINK(\"http://x\")", "+1", "-cmd", "@SUM(A1)", "岳麓区", "a-b"],
                          "value": [-1.5, 2, 3, 4, 5, 6]})
    data = export.csv_bytes(frame, ["合成演示数据，非真实统计", "=evil note"])
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert text.splitlines()[:2] == ["# 合成演示数据，非真实统计", "# '=evil note"]
    back = pd.read_csv(io.StringIO(text), comment="#")
    assert back.name.tolist() == ["'=HYPERLINK(\"http://x\")", "'+1", "'-cmd", "'@SUM(A1)", "岳麓区", "a-b"]
    assert back.value.tolist() == [-1.5, 2, 3, 4, 5, 6]  # numbers stay numbers, negative ones too
