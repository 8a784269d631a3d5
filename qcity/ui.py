"""Streamlit pieces shared by pages: the demo banner, KPI cards, source notes and table downloads."""

from __future__ import annotations

import shutil
import tempfile
from datetime import datetime
from pathlib import Path

import pandas as pd
import streamlit as st

from qcity import auth, db, export, i18n, ingest, readers, schema
from qcity.filters import Filters
from qcity.indicators import Kpi


def source_note(city: dict, lang: str) -> str:
    """The footnote for charts and exports: the synthetic label for demo data, else the configured source."""
    if city.get("synthetic"):
        return i18n.t("note.synthetic", lang)
    return i18n.t("note.source", lang, source=city.get(f"source_{lang}", city.get(i18n.name_column(lang), "")))


def banner(city: dict, lang: str) -> None:
    """A visible label on every page whenever the loaded data is the synthetic demo."""
    if city.get("synthetic"):
        st.warning(i18n.t("app.synthetic_banner", lang, city=city[i18n.name_column(lang)]), icon=":material/science:")


def kpi_cards(cards: list[Kpi], lang: str, per_row: int = 3) -> None:
    """A card per indicator: value, change on last year (green when it moves the right way), target, base."""
    T = i18n.translator(lang)
    for start in range(0, len(cards), per_row):
        for column, card in zip(st.columns(per_row), cards[start:start + per_row]):
            ind = card.indicator
            with column.container(border=True):
                if card.value is None:
                    st.metric(T(f"ind.{ind.id}.short"), T("kpi.no_data"), help=T(f"ind.{ind.id}"))
                    continue
                st.metric(
                    T(f"ind.{ind.id}.short"), i18n.fmt_value(card.value, ind.unit, lang, ind.digits),
                    help=T(f"ind.{ind.id}"),
                    delta=i18n.fmt_change(card.change, ind.unit, lang, ind.digits) if card.change is not None else None,
                    delta_color="off" if card.improved is None else "normal" if ind.higher_is_better else "inverse",
                    delta_arrow="off" if card.improved is None else "auto",
                    delta_description=T("kpi.vs_last_year"))
                if card.target is None:
                    target = T("kpi.no_target")
                else:
                    verdict = {"met": T("kpi.met"),
                               "missed": T("kpi.missed") if ind.higher_is_better else T("kpi.missed_ceiling")}
                    colour = "green" if card.status == "met" else "red"
                    target = (f"{T('kpi.target', target=i18n.fmt_value(card.target, ind.unit, lang, ind.digits))} · "
                              f":{colour}[{verdict[card.status]}]")
                base = T("kpi.base", base_label=T(f"base.{ind.base}"), n=i18n.fmt_count(card.base, lang))
                st.markdown(f"{target} · {base}")


def filter_note(f: Filters, districts: pd.DataFrame, sectors: pd.DataFrame) -> str:
    """The filters in words, for exports."""
    T = i18n.translator(f.lang)
    names = i18n.name_column(f.lang)
    joiner = "、" if f.lang == "zh" else ", "
    chosen_districts = T("export.all") if f.all_districts else joiner.join(districts.loc[list(f.districts), names])
    chosen_sectors = T("export.all") if f.all_sectors else joiner.join(sectors.loc[list(f.sectors), names])
    return T("export.filters", years=f"{f.year_from}–{f.year_to}", districts=chosen_districts, sectors=chosen_sectors)


def download_csv(frame: pd.DataFrame, file_stem: str, notes: list[str], lang: str, key: str,
                 label: str | None = None) -> None:
    """A download button for a table as CSV (UTF-8 with BOM, formulas neutralised, notes on top)."""
    st.download_button(label or i18n.t("spot.download", lang), export.csv_bytes(frame, notes), f"{file_stem}.csv",
                       "text/csv", key=key, icon=":material/download:")


def catalog(database, lang: str) -> pd.DataFrame:
    """Every table of the data model: its file, rows, last change and whether it is loaded."""
    T = i18n.translator(lang)
    counts = database.row_counts()
    rows = []
    for table in schema.TABLES.values():
        file = database.path / table.file
        folder = database.path / table.name
        source = file if file.exists() else folder if folder.is_dir() else None
        modified = datetime.fromtimestamp(source.stat().st_mtime).strftime("%Y-%m-%d %H:%M") if source else "—"
        rows.append({T("col.table"): table.name, T("col.file"): table.file, T("col.rows"): counts[table.name],
                     T("col.modified"): modified,
                     T("col.status"): T("data.present") if source else T("data.missing")})
    return pd.DataFrame(rows)


def sign_in_form(lang: str) -> None:
    """The analyst sign-in: OIDC where configured, else the password; a clear note when neither is set up."""
    T = i18n.translator(lang)
    st.subheader(T("data.sign_in"))
    if auth.oidc_configured():
        st.button(T("data.oidc"), on_click=st.login, key="data_oidc")
    if not auth.password_configured():
        if not auth.oidc_configured():
            st.info(T("data.no_password"))
        return
    with st.form("data_sign_in", clear_on_submit=True):  # the typed password does not stay in the session
        password = st.text_input(T("data.password"), type="password", key="data_password")
        if st.form_submit_button(T("data.sign_in_button")) and not auth.sign_in(password):
            st.error(T("data.wrong_password"))
    if auth.is_analyst():
        st.rerun()


def mapping_editor(mapping, table_name: str, headers: list[str], lang: str):
    """Review and change where each field comes from (a file column or a default); returns the new mapping."""
    T = i18n.translator(lang)
    table = schema.TABLES[table_name]
    fields = [c.name for c in table.columns] + (["enterprise"] if "enterprise_id" in table.column_names else [])
    required = {c.name for c in table.columns if c.required}
    labels = [f"{T(f'field.{f}')} ({f})" if f"field.{f}" in i18n.MESSAGES else f for f in fields]
    frame = pd.DataFrame({"field": labels, "required": [f in required for f in fields],
                          "source": [mapping.columns.get(f, "") for f in fields],
                          "default": [mapping.defaults.get(f, "") for f in fields]})
    st.caption(T("data.mapping"))
    edited = st.data_editor(frame, hide_index=True, key=f"data_mapping_{table_name}_{hash(tuple(headers))}",
                            disabled=["field", "required"], column_config={
                                "field": st.column_config.TextColumn(T("data.field")),
                                "required": st.column_config.CheckboxColumn(T("data.required")),
                                "source": st.column_config.SelectboxColumn(T("data.source"), options=["", *headers]),
                                "default": st.column_config.TextColumn(T("data.default"))})
    rows = list(zip(fields, edited.source, edited.default, strict=True))  # the editor keeps the row order
    columns = {f: source for f, source, _ in rows if isinstance(source, str) and source}
    defaults = {f: default for f, _, default in rows if isinstance(default, str) and default}
    return ingest.Mapping(columns, defaults, dict(mapping.values), mapping.pass_rule)


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
def prepare_upload(content: bytes, name: str, sheet: str | None, table: str, mapping_json: str, mode: str,
                   data_path: str, version: str):
    """Validation of an upload, once per file, mapping, mode and data version rather than on every rerun."""
    _, read = read_upload(content, name, sheet)
    mapping = ingest.Mapping.from_json(mapping_json)
    return ingest.prepare(read, table, db.database(data_path, version), mapping, mode)


def versions_panel(path, lang: str) -> None:
    """The import log, and a rollback to any earlier version."""
    T = i18n.translator(lang)
    entries = ingest.versions(path)
    if not entries:
        st.caption(T("data.no_versions"))
        return
    st.dataframe(pd.DataFrame(entries), hide_index=True, key="data_versions")
    choices = [0] + [e["version"] for e in entries[:-1]]
    target = st.selectbox(T("data.rollback_to"), choices, index=len(choices) - 1, key="data_rollback_to")
    if st.button(T("data.rollback"), key="data_rollback"):
        st.success(T("data.rolled_back", version=target, new=ingest.rollback(path, target)))
