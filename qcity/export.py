"""Downloads: tables as CSV that Excel opens correctly in Chinese and that cannot run formulas.

CSV is UTF-8 with a byte-order mark (Excel otherwise guesses GBK and garbles Chinese), preceded by `#` lines
that say where the numbers come from, whether they are synthetic, and which filters made them. Text cells that
start with = + - @ (or a tab or carriage return) get a leading apostrophe so spreadsheets show them as text.
"""

from __future__ import annotations

import pandas as pd

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


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
