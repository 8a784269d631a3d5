"""The Data page's import form: an uploaded file read and checked once per content and mapping (not on every
rerun), and the table where an analyst says which file column feeds which field."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from qcity import i18n
from qcity.intake import ingest, readers
from qcity.store import schema
from qcity.web import cache


def mapping_editor(mapping, table_name: str, headers: list[str], lang: str):
    """Review and change where each field comes from (a file column or a default); returns the new mapping."""
    T = i18n.translator(lang)
    table = schema.TABLES[table_name]
    fields = [c.name for c in table.columns] + (["enterprise"] if "enterprise_id" in table.column_names else [])
    required = {c.name for c in table.columns if c.required}
    labels = [f"{T(f'field.{f}')} ({f})" if i18n.has(f"field.{f}") else f for f in fields]
    frame = pd.DataFrame(
        {
            "field": labels,
            "required": [f in required for f in fields],
            "source": [mapping.columns.get(f, "") for f in fields],
            "default": [mapping.defaults.get(f, "") for f in fields],
        }
    )
    st.caption(T("data.mapping"))
    edited = st.data_editor(
        frame,
        hide_index=True,
        placeholder="",
        key=f"data_mapping_{table_name}_{hash(tuple(headers))}",
        disabled=["field", "required"],
        column_config={
            "field": st.column_config.TextColumn(T("data.field")),
            "required": st.column_config.CheckboxColumn(T("data.required")),
            "source": st.column_config.SelectboxColumn(T("data.source"), options=["", *headers]),
            "default": st.column_config.TextColumn(T("data.default")),
        },
    )
    rows = list(zip(fields, edited.source, edited.default, strict=True))  # the editor keeps the row order
    columns = {f: source for f, source, _ in rows if isinstance(source, str) and source}
    defaults = {f: default for f, _, default in rows if isinstance(default, str) and default}
    return ingest.Mapping(
        columns,
        defaults,
        dict(mapping.values),
        mapping.pass_rule,
        mapping.date_format,
        mapping.grain,
        mapping.failures_only,
    )


@st.cache_data(max_entries=4, show_spinner=False)
def read_upload(content: bytes, name: str, sheet: str | None):
    """An uploaded file read once per content (not on every rerun), from a temp folder outside the data directory.

    Returns (sheet names for .xlsx or [], the Sheet); raises readers.ReadError naming the uploaded file.
    """
    staging = Path(tempfile.mkdtemp(prefix="qcity-upload-"))
    path = staging / f"upload{Path(name).suffix.lower()}"  # our own name: the uploaded one never becomes a path
    path.write_bytes(content)
    try:
        names = readers.sheet_names(path) if path.suffix == ".xlsx" else []
        table = readers.read(path, sheet=sheet, known_headers=ingest.known_headers())
    except readers.ReadError as error:
        raise readers.ReadError(Path(name).name, error.message, error.row, error.column) from None
    finally:
        shutil.rmtree(staging)
    table.file = Path(name).name
    return names, table


@st.cache_data(max_entries=4, show_spinner=False)
def prepare_upload(
    content: bytes, name: str, sheet: str | None, table: str, mapping_json: str, mode: str, data_path: str, version: str
):
    """Validation of an upload, once per file, mapping, mode and data version rather than on every rerun."""
    _, read = read_upload(content, name, sheet)
    mapping = ingest.Mapping.from_json(mapping_json)
    return ingest.prepare(read, table, cache.database(data_path, version), mapping, mode)
