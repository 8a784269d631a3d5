"""Reading the files agencies send, before any mapping or validation.

CSV in UTF-8 (with or without BOM), UTF-16 (Excel's "Unicode text"), GBK/GB18030 or Windows-1252; Excel .xlsx with
title rows above the header, merged cells and notes below the data; Parquet. Every cell comes back as text (None
when empty) together with the file's own row number of each data row, so that validation can say exactly where a
problem is. Anything unreadable raises ReadError naming the file and, where it can, the row and column.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

import pandas as pd

MAX_FILE_BYTES = 200 * 2**20
MAX_XLSX_EXPANDED_BYTES = 500 * 2**20  # an .xlsx is a zip: refuse one that would expand beyond this
HEADER_SEARCH_ROWS = 30
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")
SPACES = re.compile(r"[\s\u3000]+")


class ReadError(ValueError):
    """A file that cannot be read as a table; says where when it can."""

    def __init__(self, file: str, message: str, row: int | None = None, column: str | None = None):
        self.file, self.row, self.column, self.message = file, row, column, message
        where = "".join([f", row {row}" if row else "", f", column {column}" if column else ""])
        super().__init__(f"{file}{where}: {message}")


@dataclass
class Sheet:
    """A table as read: header names, text cells, and where each data row stands in the file."""

    file: str
    columns: list[str]
    rows: list[list[str | None]]
    row_numbers: list[int]  # 1-based row (line) of each data row in the file
    header_row: int | None  # 1-based row of the header; None for Parquet
    encoding: str | None = None
    sheet: str | None = None
    notes: tuple[tuple[int, str], ...] = ()  # rows below the table left out as notes: (file row, text); shown to users

    def frame(self) -> pd.DataFrame:
        """The cells as a DataFrame of text, indexed by file row number."""
        return pd.DataFrame(self.rows, columns=self.columns, index=pd.Index(self.row_numbers, name="row"), dtype=object)


def normalise_header(text: str) -> str:
    """A header cell in comparable form: no spaces, lower case, ASCII brackets."""
    return SPACES.sub("", text).lower().replace("（", "(").replace("）", ")")


def read(path: Path, sheet: str | None = None, encoding: str | None = None, known_headers: set[str] = frozenset(),
         max_expanded_bytes: int = MAX_XLSX_EXPANDED_BYTES) -> Sheet:
    """Read CSV, .xlsx or Parquet. `known_headers` (normalised) helps find the header row below title rows."""
    path = Path(path)
    name = path.name
    if not path.is_file():
        raise ReadError(name, "no such file")
    size = path.stat().st_size
    if size == 0:
        raise ReadError(name, "the file is empty")
    if size > MAX_FILE_BYTES:
        raise ReadError(name, f"the file is {size / 2**20:.0f} MB; the limit is {MAX_FILE_BYTES / 2**20:.0f} MB")
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt", ".tsv"):
        text, used = _decode(name, path.read_bytes(), encoding)
        return _table(name, _csv_rows(name, text), known_headers, encoding=used)
    if suffix == ".xlsx":
        grid, chosen = _xlsx_rows(path, sheet, max_expanded_bytes)
        return _table(name, grid, known_headers, sheet=chosen)
    if suffix == ".parquet":
        return _parquet(path)
    raise ReadError(name, f"unsupported file type '{suffix}': use .csv, .xlsx or .parquet")


def sheet_names(path: Path) -> list[str]:
    """The worksheets of an .xlsx file, for the user to choose from."""
    import openpyxl

    _check_zip(Path(path), MAX_XLSX_EXPANDED_BYTES)
    return openpyxl.load_workbook(path, read_only=True).sheetnames


def _decode(name: str, data: bytes, encoding: str | None) -> tuple[str, str]:
    """Bytes to text: the given encoding, else UTF-8/UTF-16 (BOM), GB18030 when it reads as Chinese, Windows-1252."""
    if encoding:
        try:
            return data.decode(encoding), encoding
        except (UnicodeDecodeError, LookupError) as error:
            raise ReadError(name, f"cannot be read as {encoding}: {error}") from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    if b"\x00" in data[:65536]:
        raise ReadError(name, "contains binary data; it is not a text CSV file")
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
        wide = [c for c in text if ord(c) > 127]
        if sum(bool(CJK.match(c)) for c in wide) >= 0.9 * len(wide):
            return text, "gb18030"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ReadError(name, "unknown text encoding (not UTF-8, GBK/GB18030 or Windows-1252)", row=line) from None


def _csv_rows(name: str, text: str) -> list[list[str | None]]:
    sample = text[:65536]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",\t;|")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    rows = []
    try:
        for row in reader:
            rows.append([_cell(value) for value in row])
    except csv.Error as error:
        raise ReadError(name, f"not valid CSV: {error}", row=reader.line_num) from None
    return rows


def _cell(value) -> str | None:
    """A cell as text: stripped, empty as None, dates in ISO form, whole numbers without '.0'."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    return text or None


def _check_zip(path: Path, max_expanded_bytes: int) -> None:
    if not zipfile.is_zipfile(path):
        raise ReadError(path.name, "not a valid .xlsx file (it is not a zip archive); save it again from Excel")
    with zipfile.ZipFile(path) as archive:
        expanded = sum(info.file_size for info in archive.infolist())
    if expanded > max_expanded_bytes:
        raise ReadError(path.name, f"expands to {expanded / 2**20:.0f} MB when unpacked, over the limit of "
                                   f"{max_expanded_bytes / 2**20:.0f} MB; refusing it")


def _xlsx_rows(path: Path, sheet: str | None, max_expanded_bytes: int) -> tuple[list[list[str | None]], str]:
    """The cells of one worksheet, with every merged range filled with its top-left value."""
    import openpyxl

    _check_zip(path, max_expanded_bytes)
    try:
        workbook = openpyxl.load_workbook(path, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for damaged files
        raise ReadError(path.name, f"not a readable .xlsx file: {error}") from None
    if sheet is not None and sheet not in workbook.sheetnames:
        raise ReadError(path.name, f"no sheet '{sheet}'; the sheets are {', '.join(workbook.sheetnames)}")
    worksheet = workbook[sheet] if sheet is not None else workbook.worksheets[0]
    grid = [[_cell(value) for value in row] for row in worksheet.iter_rows(values_only=True)]
    for merged in worksheet.merged_cells.ranges:
        value = grid[merged.min_row - 1][merged.min_col - 1]
        for r in range(merged.min_row - 1, merged.max_row):
            for c in range(merged.min_col - 1, merged.max_col):
                grid[r][c] = value
    return grid, worksheet.title


def _find_header(rows: list[list[str | None]], known_headers: set[str]) -> int | None:
    """Index of the header row: the one naming the most known headers, else the first that is mostly filled."""
    candidates = rows[:HEADER_SEARCH_ROWS]
    if known_headers:
        scores = [sum(normalise_header(c) in known_headers for c in row if c) for row in candidates]
        if scores and max(scores) >= 2:
            return scores.index(max(scores))
    widths = [_distinct(row) for row in candidates]
    widest = max(widths, default=0)
    return next((i for i, w in enumerate(widths) if w >= max(2, widest / 2)), None)


def _table(name: str, grid: list[list[str | None]], known_headers: set[str], encoding: str | None = None,
           sheet: str | None = None) -> Sheet:
    """Header, data rows and their file row numbers from a grid of cells; notes below the data are left out."""
    numbered = [(i + 1, row) for i, row in enumerate(grid) if any(c is not None for c in row)]
    if not numbered:
        raise ReadError(name, "the file has no cells with content")
    header_at = _find_header([row for _, row in numbered], known_headers)
    if header_at is None:
        raise ReadError(name, "no header row found: the first rows have fewer than two filled cells")
    header_row, header = numbered[header_at]
    width = max(i + 1 for i, c in enumerate(header) if c is not None)
    columns = _unique([c or f"column_{i + 1}" for i, c in enumerate(header[:width])])
    body = numbered[header_at + 1:]
    last = max((k for k, (_, row) in enumerate(body) if _distinct(row) >= 2), default=-1)
    notes = tuple((n, next(c for c in row if c is not None)) for n, row in body[last + 1:])
    body = body[: last + 1]  # notes below the table hold one value, even when merged across the row
    if not body:
        left_out = f" (left out as notes: {', '.join(f'row {n}' for n, _ in notes)})" if notes else ""
        raise ReadError(name, f"no data rows below the header{left_out}", row=header_row)
    rows = []
    for number, row in body:
        extra = next((i for i, c in enumerate(row[width:]) if c is not None), None)
        if extra is not None:
            raise ReadError(name, f"a value outside the header's {width} columns: '{row[width + extra][:40]}'",
                            row=number, column=str(width + extra + 1))
        rows.append((row + [None] * width)[:width])
    return Sheet(name, columns, rows, [n for n, _ in body], header_row, encoding, sheet, notes)


def _distinct(row: list[str | None]) -> int:
    """How many different values a row holds: a title or note merged across the row holds one."""
    return len({c for c in row if c is not None})


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name}_{seen[name]}")
    return out


def _parquet(path: Path) -> Sheet:
    import pyarrow.parquet as pq

    try:
        frame = pq.read_table(path).to_pandas()
    except Exception as error:  # pyarrow raises several kinds for damaged files
        raise ReadError(path.name, f"not a readable Parquet file: {error}") from None
    rows = [[_cell(v) if not pd.isna(v) else None for v in row] for row in frame.itertuples(index=False)]
    return Sheet(path.name, [str(c) for c in frame.columns], rows, list(range(1, len(rows) + 1)), None)
