"""Readers: the shapes agencies' files come in are read right, and unreadable files say what and where."""

import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from qcity.intake.readers import ReadError, normalise_header, read, sheet_names

REALDATA = Path(__file__).resolve().parent / "realdata" / "sf-restaurant-inspections"
KNOWN = {normalise_header(h) for h in ("区县", "行业", "抽样日期", "检验结论", "企业名称")}
TITLE = "2024年第三季度食品安全监督抽检结果"
CSV_BODY = "区县,行业,抽样日期,检验结论\n岳麓区,餐饮食品,2024-07-02,合格\n芙蓉区,乳制品,2024-07-03,不合格\n"


def test_utf8_csv_with_bom_and_chinese_headers(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes("\ufeff".encode() + CSV_BODY.encode("utf-8"))
    sheet = read(path)
    assert sheet.columns == ["区县", "行业", "抽样日期", "检验结论"]  # no BOM left on the first name
    assert sheet.rows[1] == ["芙蓉区", "乳制品", "2024-07-03", "不合格"]
    assert (sheet.header_row, sheet.row_numbers, sheet.encoding) == (1, [2, 3], "utf-8")


def test_gbk_csv_with_a_title_row_and_notes_below(tmp_path):
    path = tmp_path / "gbk.csv"
    text = f"{TITLE},,,\n{CSV_BODY}\n注：本表数据为示例,,,\n填报单位：示例局,,,\n"
    path.write_bytes(text.encode("gbk"))
    sheet = read(path, known_headers=KNOWN)
    assert sheet.encoding == "gb18030" and sheet.header_row == 2
    assert [row[0] for row in sheet.rows] == ["岳麓区", "芙蓉区"]
    assert sheet.row_numbers == [3, 4]
    assert sheet.notes == ((6, "注：本表数据为示例"), (7, "填报单位：示例局"))  # line 5 is blank


def test_utf16_tab_separated_text_from_excel(tmp_path):
    path = tmp_path / "unicode.txt"
    path.write_bytes(CSV_BODY.replace(",", "\t").encode("utf-16"))
    sheet = read(path)
    assert sheet.encoding == "utf-16" and sheet.columns[3] == "检验结论" and len(sheet.rows) == 2


def test_real_windows_1252_file_is_not_read_as_chinese():
    sheet = read(REALDATA / "businesses.csv")
    assert sheet.encoding == "cp1252"
    assert len(sheet.rows) == 6399 and sheet.notes == ()
    frame = sheet.frame()
    assert (frame["name"] == "TROPISUEÑO").any()
    assert frame["postal_code"].isna().any()  # blank cells stay empty, not "" or "nan"
    assert not frame.isin(["", "nan", "None"]).any().any()


def test_real_inspections_file():
    frame = read(REALDATA / "inspections.csv").frame()
    assert frame.columns.tolist() == ["business_id", "score", "date", "type"]
    assert len(frame) == 14233 and frame.index[0] == 2 and frame.index[-1] == 14234
    assert frame.loc[2].tolist() == ["19", "94", "20171211", "routine"]


def xlsx(path: Path, rows: list, merges: tuple = (), sheet: str = "抽检结果", extra_sheet: str | None = None) -> Path:
    workbook = openpyxl.Workbook()
    worksheet = workbook.active
    worksheet.title = sheet
    for row in rows:
        worksheet.append(row)
    for cells in merges:
        worksheet.merge_cells(cells)
    if extra_sheet:
        workbook.create_sheet(extra_sheet).append(["说明"])
    workbook.save(path)
    return path


def test_xlsx_with_merged_title_merged_cells_dates_and_a_merged_note(tmp_path):
    path = xlsx(
        tmp_path / "q3.xlsx",
        [
            [TITLE, None, None, None],
            ["区县", "行业", "抽样日期", "检验结论"],
            ["岳麓区", "餐饮食品", datetime(2024, 7, 2), "合格"],
            [None, "乳制品", date(2024, 7, 3), "不合格"],
            [None, None, None, None],
            ["注：本表数据为示例", None, None, None],
        ],
        merges=("A1:D1", "A3:A4", "A6:D6"),
        extra_sheet="说明",
    )
    sheet = read(path, known_headers=KNOWN)
    assert (sheet.header_row, sheet.sheet) == (2, "抽检结果")
    assert sheet.rows == [["岳麓区", "餐饮食品", "2024-07-02", "合格"], ["岳麓区", "乳制品", "2024-07-03", "不合格"]]
    assert sheet.row_numbers == [3, 4]
    assert sheet.notes == ((6, "注：本表数据为示例"),)
    assert sheet_names(path) == ["抽检结果", "说明"]


def test_xlsx_header_found_without_known_names_and_sheet_by_name(tmp_path):
    path = xlsx(tmp_path / "s.xlsx", [["标题"], ["a", "b", "c"], [1, 2.5, 3.0]], extra_sheet="其他")
    sheet = read(path, sheet="抽检结果")
    assert sheet.columns == ["a", "b", "c"] and sheet.rows == [["1", "2.5", "3"]]
    with pytest.raises(ReadError, match="no sheet 'x'; the sheets are 抽检结果, 其他"):
        read(path, sheet="x")


def test_parquet_cells_come_back_as_text(tmp_path):
    path = tmp_path / "p.parquet"
    pd.DataFrame({"d": [date(2024, 1, 5), None], "n": [3, 4], "ok": [True, False]}).to_parquet(path)
    sheet = read(path)
    assert sheet.rows == [["2024-01-05", "3", "True"], [None, "4", "False"]]
    assert sheet.header_row is None and sheet.row_numbers == [1, 2]


def test_duplicate_and_blank_headers_get_names(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("a,a,,b\n1,2,3,4\n")
    assert read(path).columns == ["a", "a_2", "column_3", "b"]


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "the file is empty"),
        (b"\n\n,,\n", "no cells with content"),
        ("区县,行业,抽样日期\n".encode(), "no data rows below the header"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200), "contains binary data"),
        (b"only,one\n" + b"x" * 10, "no data rows below the header \\(left out as notes: row 2\\)"),
    ],
)
def test_bad_csv_files_say_what_is_wrong(tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(ReadError, match=message):
        read(path)


def test_a_huge_field_names_its_row(tmp_path):
    path = tmp_path / "huge.csv"
    path.write_text("a,b\n1,2\n3," + "x" * 200_000 + "\n")
    with pytest.raises(ReadError, match="row 3: not valid CSV: field larger than field limit"):
        read(path)


def test_a_value_beyond_the_header_names_row_and_column(tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text("a,b\n1,2\n3,4,surprise\n")
    with pytest.raises(ReadError, match="wide.csv, row 3, column 3: a value outside the header's 2 columns"):
        read(path)


def test_an_xlsx_that_is_not_a_zip(tmp_path):
    path = tmp_path / "fake.xlsx"
    path.write_text("区县,行业\n岳麓区,餐饮\n")
    with pytest.raises(ReadError, match="not a valid .xlsx file \\(it is not a zip archive\\)"):
        read(path)


def test_a_zip_bomb_posing_as_xlsx_is_refused_before_unpacking(tmp_path):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", bytes(20 * 2**20))
    assert path.stat().st_size < 100_000
    with pytest.raises(ReadError, match="expands to 20 MB when unpacked, over the limit of 10 MB"):
        read(path, max_expanded_bytes=10 * 2**20)


def test_an_oversized_file_is_refused_before_it_is_read(tmp_path, monkeypatch):
    from qcity.intake import readers

    monkeypatch.setattr(readers, "MAX_FILE_BYTES", 2**20)
    path = tmp_path / "big.csv"
    path.write_bytes(b"a,b\n" + b"1,2\n" * 600_000)  # 2.3 MB
    with pytest.raises(ReadError, match="big.csv: the file is 2 MB; the limit is 1 MB"):
        read(path)


def test_a_damaged_xlsx(tmp_path):
    path = tmp_path / "damaged.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    with pytest.raises(ReadError, match="not a readable .xlsx file"):
        read(path)


def test_wrong_encoding_given_and_unsupported_type(tmp_path):
    path = tmp_path / "g.csv"
    path.write_bytes(CSV_BODY.encode("gbk"))
    with pytest.raises(ReadError, match="cannot be read as utf-8"):
        read(path, encoding="utf-8")
    other = tmp_path / "table.json"
    other.write_text("{}")
    with pytest.raises(ReadError, match="unsupported file type '.json'"):
        read(other)
