"""Downloads: tables as CSV that Excel opens correctly in Chinese and that cannot run formulas.

CSV is UTF-8 with a byte-order mark (Excel otherwise guesses GBK and garbles Chinese), preceded by `#` lines
that say where the numbers come from, whether they are synthetic, and which filters made them. Text cells that
start with = + - @ (or a tab or carriage return) get a leading apostrophe so spreadsheets show them as text.
"""

from __future__ import annotations

import io

import pandas as pd
from openpyxl import Workbook

from qcity import i18n

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise(value):
    """A text cell that a spreadsheet would run as a formula, made inert; other values unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_bytes(frame: pd.DataFrame, notes: list[str]) -> bytes:
    """The table as UTF-8-with-BOM CSV, with each note as a leading `# ` line."""
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(neutralise)
    header = "".join(f"# {neutralise(note)}\n" for note in notes)
    return ("\ufeff" + header + safe.to_csv(index=False, lineterminator="\n")).encode("utf-8")


def xlsx_bytes(frame: pd.DataFrame, notes: list[str]) -> bytes:
    """The table as an Excel workbook: the notes in the first rows, a blank row, then the header and the rows.

    Text is stored as text: a cell starting with = stays a string (openpyxl would otherwise write it as a formula).
    """
    book = Workbook()
    sheet = book.active
    sheet.title = "data"
    for note in notes:
        sheet.append([note])
    sheet.append([])
    sheet.append([str(c) for c in frame.columns])
    for row in frame.itertuples(index=False):
        sheet.append(
            [
                None
                if pd.isna(v)
                else v.to_pydatetime()
                if isinstance(v, pd.Timestamp)
                else v.item()
                if hasattr(v, "item")
                else v
                for v in row
            ]
        )
    for cells in sheet.iter_rows():
        for cell in cells:
            if cell.data_type == "f":
                cell.data_type = "s"
    sheet.freeze_panes = sheet.cell(row=len(notes) + 3, column=1)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def source_note(city: dict, lang: str) -> str:
    """The footnote for charts and exports: the synthetic label for demo data, else the configured source."""
    if city.get("synthetic"):
        return i18n.t("note.synthetic", lang)
    return i18n.t("note.source", lang, source=city.get(f"source_{lang}", city.get(i18n.name_column(lang), "")))


def filter_note(f, districts: pd.DataFrame, sectors: pd.DataFrame) -> str:
    """The filters (a qcity.analysis.filters.Filters) in words, for exports; the frames are the dimensions by code."""
    T = i18n.translator(f.lang)
    names = i18n.name_column(f.lang)
    joiner = "、" if f.lang == "zh" else ", "
    chosen_districts = T("export.all") if f.all_districts else joiner.join(districts.loc[list(f.districts), names])
    chosen_sectors = T("export.all") if f.all_sectors else joiner.join(sectors.loc[list(f.sectors), names])
    return T(
        "export.filters", years=f.at().span(f.year_from, f.lang), districts=chosen_districts, sectors=chosen_sectors
    )
