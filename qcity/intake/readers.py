"""Reading the files agencies send, before any mapping or validation.

CSV in UTF-8 (with or without BOM), UTF-16 (Excel's "Unicode text"), GBK/GB18030 or Windows-1252; Excel .xlsx with
title rows above the header, merged cells and notes below the data; Parquet. Every cell comes back as text (null
when empty) in an Arrow table, one column per header, together with the file's own row number of each data row
(`_row`), so that validation can say exactly where a problem is. Anything unreadable raises ReadError naming the
file and, where it can, the row and column.

Small CSV files are parsed by Python's csv module, cell by cell; large regular ones (no blank lines, no value
beyond the header's columns) by DuckDB's CSV reader, which gives the same cells in a fraction of the time and
memory (a non-UTF-8 file is first rewritten as UTF-8, in chunks). .xlsx files are read by calamine (a Rust reader:
fastexcel for the cells as Arrow, python-calamine for the merged ranges), Parquet by Arrow.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

MAX_FILE_BYTES = 200 * 2**20  # what the Data page takes; the command line sets its own (ingest --max-mb)
MAX_XLSX_EXPANDED_BYTES = 2 * 2**30  # an .xlsx is a zip: refuse one that would expand beyond this
HEADER_SEARCH_ROWS = 30
SAMPLE_BYTES = 2**20  # what encoding detection, dialect sniffing and the header search read of a large CSV
SMALL_CSV_BYTES = 8 * 2**20  # up to this, CSV files are parsed by Python's csv module (exactly, cell by cell)
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")
SPACES = re.compile(r"[\s\u3000]+")
BLANK_LINE = re.compile(rb"\n[ \t\r]*\n")


class ReadError(ValueError):
    """A file that cannot be read as a table; says where when it can."""

    def __init__(self, file: str, message: str, row: int | None = None, column: str | None = None):
        self.file, self.row, self.column, self.message = file, row, column, message
        where = "".join([f", row {row}" if row else "", f", column {column}" if column else ""])
        super().__init__(f"{file}{where}: {message}")


@dataclass
class Sheet:
    """A table as read: header names, and its cells as text in Arrow (columns c0, c1, ... in header order, and
    `_row`: where each data row stands in the file)."""

    file: str
    columns: list[str]
    table: pa.Table
    header_row: int | None  # 1-based row of the header; None for Parquet
    encoding: str | None = None
    sheet: str | None = None
    notes: tuple[tuple[int, str], ...] = ()  # rows below the table left out as notes: (file row, text); shown to users

    @classmethod
    def of_rows(
        cls,
        file: str,
        columns: list[str],
        rows: list[list[str | None]],
        row_numbers: list[int],
        header_row: int | None,
        **details,
    ) -> Sheet:
        """A sheet from rows of text cells (small tables: what Python's csv module and the table editor give)."""
        cells = {f"c{i}": pa.array([row[i] for row in rows], pa.string()) for i in range(len(columns))}
        return cls(file, columns, pa.table({**cells, "_row": pa.array(row_numbers, pa.int64())}), header_row, **details)

    def __len__(self) -> int:
        return self.table.num_rows

    @property
    def row_numbers(self) -> list[int]:
        return self.table.column("_row").to_pylist()

    @property
    def rows(self) -> list[list[str | None]]:
        """The cells row by row (for small sheets: every cell becomes a Python string)."""
        columns = [self.table.column(f"c{i}").to_pylist() for i in range(len(self.columns))]
        return [list(row) for row in zip(*columns)] if columns else [[] for _ in range(len(self))]

    def frame(self) -> pd.DataFrame:
        """The cells as a DataFrame of text, indexed by file row number."""
        return pd.DataFrame(
            {name: self.table.column(f"c{i}").to_pylist() for i, name in enumerate(self.columns)},
            index=pd.Index(self.row_numbers, name="row"),
            dtype=object,
        )


def normalise_header(text: str) -> str:
    """A header cell in comparable form: no spaces, lower case, ASCII brackets."""
    return SPACES.sub("", text).lower().replace("（", "(").replace("）", ")")


def read(
    path: Path,
    sheet: str | None = None,
    encoding: str | None = None,
    known_headers: set[str] = frozenset(),
    max_expanded_bytes: int = MAX_XLSX_EXPANDED_BYTES,
    max_bytes: int | None = None,
) -> Sheet:
    """Read CSV, .xlsx or Parquet. `known_headers` (normalised) helps find the header row below title rows;
    `max_bytes` (default MAX_FILE_BYTES) refuses larger files before reading them."""
    path = Path(path)
    name = path.name
    if not path.is_file():
        raise ReadError(name, "no such file")
    size = path.stat().st_size
    if size == 0:
        raise ReadError(name, "the file is empty")
    limit = MAX_FILE_BYTES if max_bytes is None else max_bytes
    if size > limit:
        raise ReadError(name, f"the file is {size / 2**20:.0f} MB; the limit is {limit / 2**20:.0f} MB")
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt", ".tsv"):
        return _csv(path, encoding, known_headers)
    if suffix == ".xlsx":
        return _xlsx(path, sheet, known_headers, max_expanded_bytes)
    if suffix == ".parquet":
        return _parquet(path)
    raise ReadError(name, f"unsupported file type '{suffix}': use .csv, .xlsx or .parquet")


def sheet_names(path: Path) -> list[str]:
    """The worksheets of an .xlsx file, for the user to choose from."""
    import python_calamine

    _check_zip(Path(path), MAX_XLSX_EXPANDED_BYTES)
    try:
        return python_calamine.CalamineWorkbook.from_path(str(path)).sheet_names
    except Exception as error:  # calamine raises several kinds for damaged files
        raise ReadError(Path(path).name, f"not a readable .xlsx file: {error}") from None


# --- CSV ------------------------------------------------------------------------------------------------------------


def _decode(name: str, data: bytes, encoding: str | None, complete: bool = True) -> tuple[str, str]:
    """Bytes to text: the given encoding, else UTF-8/UTF-16 (BOM), GB18030 when it reads as Chinese, Windows-1252.
    With `complete` false, `data` is the start of a file: a character cut at its end is no reason to reject it."""
    if encoding:
        try:
            return _decoded(data, encoding, complete), encoding
        except (UnicodeDecodeError, LookupError) as error:
            raise ReadError(name, f"cannot be read as {encoding}: {error}") from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _decoded(data, "utf-16", complete), "utf-16"
    if b"\x00" in data[:65536]:
        raise ReadError(name, "contains binary data; it is not a text CSV file")
    try:
        return _decoded(data, "utf-8-sig", complete), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = _decoded(data, "gb18030", complete)
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


def _decoded(data: bytes, encoding: str, complete: bool) -> str:
    """`data` decoded; when it is only the start of a file, an incomplete last character is left out."""
    decoder = codecs.getincrementaldecoder(encoding)()
    return decoder.decode(data, final=complete)


def _csv(path: Path, encoding: str | None, known_headers: set[str]) -> Sheet:
    name, size = path.name, path.stat().st_size
    if size <= SMALL_CSV_BYTES:
        text, used = _decode(name, path.read_bytes(), encoding)
        return _table(name, _csv_rows(name, text), known_headers, encoding=used)
    with path.open("rb") as handle:
        head = handle.read(SAMPLE_BYTES)
    _, used = _decode(name, head, encoding, complete=False)
    staging = Path(tempfile.mkdtemp(prefix="qcity-read-"))
    try:
        utf8 = path if used == "utf-8" else _transcode(path, used, staging / "utf8.csv")
        try:
            return _csv_fast(name, utf8, known_headers, used)
        except _Irregular:
            text = utf8.read_text(encoding="utf-8-sig")
            return _table(name, _csv_rows(name, text), known_headers, encoding=used)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


class _Irregular(Exception):
    """A large CSV file the fast reader cannot take exactly as Python's csv module would: read it cell by cell."""


def _transcode(path: Path, encoding: str, target: Path) -> Path:
    """The file rewritten as UTF-8, a chunk at a time (memory stays small however large the file)."""
    decoder = codecs.getincrementaldecoder(encoding)()
    line = 1
    with path.open("rb") as source, target.open("w", encoding="utf-8", newline="") as out:
        while chunk := source.read(SAMPLE_BYTES * 8):
            try:
                out.write(decoder.decode(chunk))
            except UnicodeDecodeError as error:
                line += chunk[: error.start].count(b"\n")
                raise ReadError(path.name, f"cannot be read as {encoding}: {error.reason}", row=line) from None
            line += chunk.count(b"\n")
        out.write(decoder.decode(b"", final=True))
    return target


def _csv_fast(name: str, utf8: Path, known_headers: set[str], encoding: str) -> Sheet:
    """A large CSV file through DuckDB: the dialect, title rows and header from its first MB, the rest in bulk."""
    import duckdb

    _refuse_blank_lines(utf8)
    dialect, header_row, header, skip = _csv_head(utf8, known_headers)
    width = max(i + 1 for i, c in enumerate(header) if c is not None)
    columns = _unique([c or f"column_{i + 1}" for i, c in enumerate(header[:width])])
    types = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(width))
    quote = dialect.quotechar or '"'
    # a memory limit, or a streamed read keeps the buffers it is done with: 1.5 GB for a 1.3 GB file, not 0.5
    con = duckdb.connect(config={"threads": 2, "memory_limit": "256MB"})
    try:  # parallel = false: DuckDB pads short rows with nulls only when it reads in one go
        read = con.sql(
            f"select * from read_csv($file, auto_detect = false, header = false, delim = $delim, "
            f"quote = $quote, escape = $quote, skip = $skip, null_padding = true, parallel = false, "
            f"columns = {{{types}}})",
            params={"file": str(utf8), "delim": dialect.delimiter, "quote": quote, "skip": skip},
        )
        batches = []  # a batch at a time: the raw and the trimmed cells of the whole file never coexist
        for batch in read.to_arrow_reader(batch_size=100_000):
            batches.append(
                pa.record_batch([_text(batch.column(i)) for i in range(width)], names=[f"c{i}" for i in range(width)])
            )
    except duckdb.Error:  # a row wider than the header, a field DuckDB will not take: read it cell by cell
        raise _Irregular from None
    finally:
        con.close()
    cells = pa.Table.from_batches(batches, schema=pa.schema([(f"c{i}", pa.string()) for i in range(width)]))
    table = cells.append_column(
        "_row", pa.array(range(header_row + 1, header_row + 1 + cells.num_rows), pa.int64())
    )  # DuckDB keeps the file's order
    pa.default_memory_pool().release_unused()
    return _trimmed(name, columns, table, header_row, encoding=encoding)


def _refuse_blank_lines(utf8: Path) -> None:
    """Python's csv counts a blank line as a row and DuckDB skips it, so row numbers would differ: such a file is
    read cell by cell instead (raises _Irregular)."""
    with utf8.open("rb") as handle:
        carried = b"\n"  # the file's start, then the previous chunk's last line
        while chunk := handle.read(SAMPLE_BYTES * 8):
            if BLANK_LINE.search(carried + chunk):
                raise _Irregular
            carried = chunk[chunk.rfind(b"\n") :] if b"\n" in chunk else carried + chunk


def _csv_head(utf8: Path, known_headers: set[str]) -> tuple[type[csv.Dialect], int, list, int]:
    """From a file's first MB: its dialect, the header's row number and cells (below any title rows), and how
    many physical lines come before the data (raises _Irregular when no header is found)."""
    with utf8.open("rb") as handle:
        head = handle.read(SAMPLE_BYTES)
    sample = head[: head.rfind(b"\n") + 1].decode("utf-8-sig", errors="ignore")
    try:
        dialect = csv.Sniffer().sniff(sample[:65536], delimiters=",\t;|")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(sample, newline=""), dialect)
    records, lines = [], []
    for row in reader:
        records.append([_cell(value) for value in row])
        lines.append(reader.line_num)
        if len(records) >= HEADER_SEARCH_ROWS:
            break
    numbered = [(i + 1, row) for i, row in enumerate(records) if any(c is not None for c in row)]
    header_at = _find_header([row for _, row in numbered], known_headers) if numbered else None
    if header_at is None:
        raise _Irregular
    header_row, header = numbered[header_at]
    return dialect, header_row, header, lines[header_row - 1]


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


# --- .xlsx ----------------------------------------------------------------------------------------------------------


def _check_zip(path: Path, max_expanded_bytes: int) -> None:
    if not zipfile.is_zipfile(path):
        raise ReadError(path.name, "not a valid .xlsx file (it is not a zip archive); save it again from Excel")
    with zipfile.ZipFile(path) as archive:
        expanded = sum(info.file_size for info in archive.infolist())
    if expanded > max_expanded_bytes:
        raise ReadError(
            path.name,
            f"expands to {expanded / 2**20:.0f} MB when unpacked, over the limit of "
            f"{max_expanded_bytes / 2**20:.0f} MB; refusing it",
        )


def _xlsx(path: Path, sheet: str | None, known_headers: set[str], max_expanded_bytes: int) -> Sheet:
    """One worksheet: its cells as text (calamine, through fastexcel's Arrow), merged ranges filled with their
    top-left value, then title rows, header and notes below as in CSV files."""
    import fastexcel
    import python_calamine

    _check_zip(path, max_expanded_bytes)
    try:
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
        names = workbook.sheet_names
    except Exception as error:  # calamine raises several kinds for damaged files
        raise ReadError(path.name, f"not a readable .xlsx file: {error}") from None
    if sheet is not None and sheet not in names:
        raise ReadError(path.name, f"no sheet '{sheet}'; the sheets are {', '.join(names)}")
    chosen = sheet if sheet is not None else names[0]
    try:
        table = fastexcel.read_excel(str(path)).load_sheet(chosen, header_row=None, dtypes="string").to_arrow()
        start, end, merged = _layout(path, chosen)
        if start is None or (end[0] - start[0] + 1, end[1] - start[1] + 1) != (table.num_rows, table.num_columns):
            loaded = workbook.get_sheet_by_name(chosen)  # no or another used range than the cells': ask calamine
            start, merged = loaded.start, loaded.merged_cell_ranges or []
    except ReadError:
        raise
    except Exception as error:
        raise ReadError(path.name, f"not a readable .xlsx file: {error}") from None
    if table.num_rows == 0 or start is None:
        raise ReadError(path.name, "the file has no cells with content")
    first_row, first_column = start
    columns = _fill_merged(
        [_excel_text(table.column(i)) for i in range(table.num_columns)], merged, first_row, first_column
    )
    if first_column:  # the columns left of the first filled one are empty
        columns = [pa.nulls(table.num_rows, pa.string())] * first_column + columns
    grid = pa.table({f"c{i}": c for i, c in enumerate(columns)}).append_column(
        "_row", pa.array(range(first_row + 1, first_row + 1 + table.num_rows), pa.int64())
    )
    return _grid_table(path.name, grid, known_headers, sheet=chosen)


CELL_REF = re.compile(r"([A-Z]+)(\d+)")


def _cell_index(ref: str) -> tuple[int, int]:
    """A1-style reference -> (row, column), 0-based."""
    letters, digits = CELL_REF.fullmatch(ref).groups()
    column = 0
    for letter in letters:
        column = column * 26 + ord(letter) - 64
    return int(digits) - 1, column - 1


def _layout(path: Path, sheet: str) -> tuple[tuple[int, int] | None, tuple[int, int] | None, list]:
    """The sheet's used range (its <dimension>) and merged ranges (<mergeCell>s), read from its XML in the zip as a
    stream: calamine would load every cell into Python objects to say them (10 s for a million rows)."""
    import html

    with zipfile.ZipFile(path) as archive:
        book = archive.read("xl/workbook.xml").decode("utf-8")
        links = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8")
        ids = {
            html.unescape(re.search(r'name="([^"]*)"', tag).group(1)): re.search(r'r:id="([^"]*)"', tag).group(1)
            for tag in re.findall(r"<sheet\b[^>]*>", book)
        }
        target = next(
            re.search(r'Target="([^"]*)"', tag).group(1)
            for tag in re.findall(r"<Relationship\b[^>]*>", links)
            if f'Id="{ids[sheet]}"' in tag
        )
        member = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        merged, dimension, carried = [], None, b""
        with archive.open(member) as xml:
            while chunk := xml.read(1 << 22):
                text = carried + chunk
                if dimension is None and (found := re.search(rb'<dimension ref="([A-Z]+\d+)(?::([A-Z]+\d+))?"', text)):
                    dimension = found.groups()
                merged += re.findall(rb'<mergeCell ref="([A-Z]+\d+):([A-Z]+\d+)"', text)
                carried = text[text.rfind(b"<") :]  # a tag cut by the chunk's end (one found twice counts once)
    ranges = sorted({(_cell_index(a.decode()), _cell_index(b.decode())) for a, b in merged})
    if dimension is None:
        return None, None, ranges
    top_left = _cell_index(dimension[0].decode())
    return top_left, _cell_index((dimension[1] or dimension[0]).decode()), ranges


def _text(column: pa.ChunkedArray) -> pa.Array:
    """Cells as the csv module's reading gives them: stripped (Unicode spaces too), empty as null."""
    column = pc.utf8_trim_whitespace(column)
    text = pc.if_else(pc.equal(column, ""), pa.scalar(None, pa.string()), column)
    return text.combine_chunks() if isinstance(text, pa.ChunkedArray) else text


def _excel_text(column: pa.ChunkedArray) -> pa.Array:
    """Excel's cells as the CSV reader gives them: dates at midnight as YYYY-MM-DD, times of day without the date
    Excel counts them from, stripped, empty as null."""
    column = pc.replace_substring_regex(column, r"^(\d{4}-\d{2}-\d{2}) 00:00:00$", r"\1")
    return _text(pc.replace_substring_regex(column, r"^1899-12-3[01] (\d{2}:\d{2}:\d{2})$", r"\1"))


def _fill_merged(columns: list[pa.Array], merged: list, first_row: int, first_column: int) -> list[pa.Array]:
    """Every cell of a merged range takes the range's top-left value: a batch over several rows under one merged
    序号, a title or a note across the row. `merged` holds calamine's ((top, left), (bottom, right)), 0-based in the
    sheet; the columns start at its first filled cell."""
    changed: dict[int, list] = {}
    for (top, left), (bottom, right) in merged:
        top, bottom = top - first_row, bottom - first_row
        left, right = left - first_column, right - first_column
        if not 0 <= top < len(columns[0]) or not 0 <= left < len(columns):
            continue
        value = changed[left][top] if left in changed else columns[left][top].as_py()
        for j in range(left, min(right, len(columns) - 1) + 1):
            cells = changed.setdefault(j, columns[j].to_pylist())
            for r in range(top, min(bottom, len(cells) - 1) + 1):
                cells[r] = value
    return [pa.array(changed[j], pa.string()) if j in changed else c for j, c in enumerate(columns)]


# --- Parquet --------------------------------------------------------------------------------------------------------


def _parquet(path: Path) -> Sheet:
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
    except Exception as error:  # pyarrow raises several kinds for damaged files
        raise ReadError(path.name, f"not a readable Parquet file: {error}") from None
    cells = {}
    for i, column in enumerate(table.columns):
        if pa.types.is_boolean(column.type):
            text = pc.if_else(column, "True", "False")
        elif pa.types.is_floating(column.type):
            whole = pc.equal(column, pc.floor(column))
            text = pc.if_else(
                whole, pc.cast(pc.cast(column, pa.int64(), safe=False), pa.string()), pc.cast(column, pa.string())
            )
        elif pa.types.is_timestamp(column.type):
            text = pc.strftime(column, format="%Y-%m-%d %H:%M:%S")
        else:
            text = pc.cast(column, pa.string())
        cells[f"c{i}"] = text
    out = pa.table({**cells, "_row": pa.array(range(1, table.num_rows + 1), pa.int64())})
    return Sheet(path.name, [str(c) for c in table.column_names], out, None)


# --- header, body and notes -----------------------------------------------------------------------------------------


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


def _header(
    name: str, numbered: list[tuple[int, list[str | None]]], known_headers: set[str]
) -> tuple[int, int, int, list[str]]:
    """The header among the non-empty rows (file row number, cells): its position there, its file row, its width
    (up to its last filled cell) and the column names it gives."""
    if not numbered:
        raise ReadError(name, "the file has no cells with content")
    header_at = _find_header([row for _, row in numbered], known_headers)
    if header_at is None:
        raise ReadError(name, "no header row found: the first rows have fewer than two filled cells")
    header_row, header = numbered[header_at]
    width = max(i + 1 for i, c in enumerate(header) if c is not None)
    return header_at, header_row, width, _unique([c or f"column_{i + 1}" for i, c in enumerate(header[:width])])


def _table(
    name: str,
    grid: list[list[str | None]],
    known_headers: set[str],
    encoding: str | None = None,
    sheet: str | None = None,
) -> Sheet:
    """Header, data rows and their file row numbers from a grid of cells; notes below the data are left out."""
    numbered = [(i + 1, row) for i, row in enumerate(grid) if any(c is not None for c in row)]
    header_at, header_row, width, columns = _header(name, numbered, known_headers)
    body = numbered[header_at + 1 :]
    last = max((k for k, (_, row) in enumerate(body) if _distinct(row) >= 2), default=-1)
    notes = tuple((n, next(c for c in row if c is not None)) for n, row in body[last + 1 :])
    body = body[: last + 1]  # notes below the table hold one value, even when merged across the row
    if not body:
        left_out = f" (left out as notes: {', '.join(f'row {n}' for n, _ in notes)})" if notes else ""
        raise ReadError(name, f"no data rows below the header{left_out}", row=header_row)
    rows = []
    for number, row in body:
        extra = next((i for i, c in enumerate(row[width:]) if c is not None), None)
        if extra is not None:
            raise ReadError(
                name,
                f"a value outside the header's {width} columns: '{row[width + extra][:40]}'",
                row=number,
                column=str(width + extra + 1),
            )
        rows.append((row + [None] * width)[:width])
    return Sheet.of_rows(
        name, columns, rows, [n for n, _ in body], header_row, encoding=encoding, sheet=sheet, notes=notes
    )


def _grid_table(name: str, grid: pa.Table, known_headers: set[str], sheet: str | None = None) -> Sheet:
    """What _table does for a grid already in Arrow (an .xlsx sheet of any size): the header among the first rows,
    the body below it, notes after the last row with two different values; a value right of the header fails."""
    width_all = grid.num_columns - 1
    head = grid.slice(0, HEADER_SEARCH_ROWS * 4).to_pylist()
    numbered = [(r["_row"], [r[f"c{i}"] for i in range(width_all)]) for r in head]
    numbered = [(n, row) for n, row in numbered if any(c is not None for c in row)]
    _, header_row, width, columns = _header(name, numbered, known_headers)
    body = grid.filter(pc.greater(grid.column("_row"), header_row))
    extra = [i for i in range(width, width_all) if body.column(f"c{i}").null_count < body.num_rows]
    trimmed = _trimmed(name, columns, body.select([*(f"c{i}" for i in range(width)), "_row"]), header_row, sheet=sheet)
    if extra:  # a value outside the header's columns, above the notes
        last = trimmed.table.column("_row")[-1].as_py() if len(trimmed) else header_row
        for i in extra:
            filled = pc.and_(pc.is_valid(body.column(f"c{i}")), pc.less_equal(body.column("_row"), last))
            rows = body.filter(filled)
            if rows.num_rows:
                value = rows.column(f"c{i}")[0].as_py()
                raise ReadError(
                    name,
                    f"a value outside the header's {width} columns: '{value[:40]}'",
                    row=rows.column("_row")[0].as_py(),
                    column=str(i + 1),
                )
    return trimmed


def _trimmed(name: str, columns: list[str], body: pa.Table, header_row: int, **details) -> Sheet:
    """The body without empty rows, and without the notes below it: the rows after the last one that holds two
    different values (a note holds one, even when merged across the row)."""
    cells = [body.column(f"c{i}") for i in range(len(columns))]
    filled = _filled_count(cells, body.num_rows)
    distinct = _distinct_count(cells, body.num_rows) if cells else filled
    rows = body.column("_row")
    two = pc.greater_equal(distinct, 2)
    last = pc.max(pc.if_else(two, rows, pa.scalar(None, pa.int64()))).as_py()
    after = pc.greater(rows, last if last is not None else header_row)
    note_rows = body.filter(pc.and_(after, pc.greater(filled, 0)))
    notes = tuple(
        (r["_row"], next(r[f"c{i}"] for i in range(len(columns)) if r[f"c{i}"] is not None))
        for r in note_rows.to_pylist()
    )
    if last is None:
        left_out = f" (left out as notes: {', '.join(f'row {n}' for n, _ in notes)})" if notes else ""
        raise ReadError(name, f"no data rows below the header{left_out}", row=header_row)
    keep = pc.and_(pc.less_equal(rows, last), pc.greater(filled, 0))
    kept = body if pc.all(keep).as_py() else body.filter(keep)  # no second copy of a file with nothing to drop
    return Sheet(name, columns, kept, header_row, notes=notes, **details)


def _filled_count(cells: list, rows: int) -> pa.Array:
    total = pa.repeat(pa.scalar(0, pa.int64()), rows)
    for cell in cells:
        total = pc.add(total, pc.cast(pc.is_valid(cell), pa.int64()))
    return total


def _distinct_count(cells: list, rows: int) -> pa.Array:
    """How many different values each row holds (0, 1 or 2: 2 stands for two or more)."""
    first = pc.coalesce(*cells)
    different = pa.repeat(pa.scalar(False), rows)
    for cell in cells:
        different = pc.or_(different, pc.fill_null(pc.not_equal(cell, first), False))
    return pc.add(pc.cast(pc.is_valid(first), pa.int64()), pc.cast(different, pa.int64()))


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
