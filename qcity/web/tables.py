"""Tables on a page: every grid the app shows, and the CSV and Excel downloads that go with them."""

from __future__ import annotations

from functools import partial

import pandas as pd
import streamlit as st

from qcity import i18n
from qcity.analysis.filters import Filters
from qcity.documents import downloads
from qcity.web import controls

SHOWN_ROWS = 200  # rows of a long table on screen (the Attention list); the downloads hold them all


def grid(rows: pd.DataFrame, key: str, hide_index: bool = True, **options):
    """Every table the app shows: no index unless asked, a missing value as an empty cell (Streamlit's default
    writes "None"); `options` go to st.dataframe."""
    return st.dataframe(rows, hide_index=hide_index, key=key, placeholder="", **options)


def table(rows: pd.DataFrame, f: Filters, note: str, file_stem: str, key: str, **options) -> None:
    """A table as shown (already in this language) with CSV and Excel downloads; `options` go to st.dataframe."""
    grid(rows, key=key, **options)
    table_downloads(rows, f, note, file_stem, key)


def table_downloads(rows: pd.DataFrame, f: Filters, note: str, file_stem: str, key: str) -> None:
    """CSV and Excel buttons for a table, each file carrying the source (or the synthetic label) and the filters.
    The files are built when clicked, in Streamlit's download thread, not in the page's run."""
    notes = [note, downloads.filter_note(f, *controls.load_options()[1:])]
    months = f"-{f.month_from:02d}-{f.month_to:02d}" if f.partial else ""
    stem = f"{file_stem}-{f.year_from}-{f.year_to}{months}"
    with st.container(horizontal=True):
        download_csv(rows, stem, notes, f.lang, key=f"{key}_download")
        st.download_button(
            i18n.t("table.download_xlsx", f.lang),
            partial(downloads.xlsx_bytes, rows, notes),
            f"{stem}.xlsx",
            downloads.XLSX_MIME,
            key=f"{key}_xlsx",
            icon=":material/download:",
            on_click="ignore",
        )


def download_csv(
    frame: pd.DataFrame, file_stem: str, notes: list[str], lang: str, key: str, label: str | None = None
) -> None:
    """A download button for a table as CSV (UTF-8 with BOM, formulas neutralised, notes on top), built when
    clicked."""
    st.download_button(
        label or i18n.t("spot.download", lang),
        partial(downloads.csv_bytes, frame, notes),
        f"{file_stem}.csv",
        "text/csv",
        key=key,
        icon=":material/download:",
        on_click="ignore",
    )


def long_table(rows: pd.DataFrame, f: Filters, note: str, file_stem: str, key: str) -> None:
    """A table that may run to thousands of rows: the first SHOWN_ROWS on screen (every rerun sends what is
    shown), all of them in the downloads."""
    grid(rows.head(SHOWN_ROWS), key=key)
    if len(rows) > SHOWN_ROWS:
        st.caption(shown_of(SHOWN_ROWS, len(rows), f.lang).strip())
    table_downloads(rows, f, note, file_stem, key)


def shown_of(shown: int, total: int, lang: str) -> str:
    """ "Showing the first 200 of 9,314; the downloads hold them all", or nothing when all are shown."""
    return i18n.t("attention.shown", lang, shown=shown, n=i18n.fmt_count(total, lang)) if total > shown else ""


def rows_table(frame: pd.DataFrame, f: Filters, note: str, file_stem: str, key: str) -> None:
    """The rows behind a page's charts, shown in this language, with their count and downloads."""
    rows = i18n.localize(frame, f.lang)
    st.caption(i18n.tn("spot.rows", len(rows), f.lang, n=i18n.fmt_count(len(rows), f.lang)))
    table(rows, f, note, file_stem, key)
