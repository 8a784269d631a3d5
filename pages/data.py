"""Data: what is loaded and how fresh; the small tables; for analysts, import a file (map, check, commit), edit the
small tables and roll back; for signed-in users, the deliveries and the audit log."""

import pandas as pd
import streamlit as st

from qcity import i18n
from qcity.intake import ingest, readers
from qcity.store import db, schema, versions
from qcity.web import admin, auth, builds, cache, controls, deliveries, guide, tables, upload

f = controls.current()
T = i18n.translator(f.lang)
database = cache.current()

st.title(T("data.title"), help=guide.page("data", f.lang))
st.subheader(T("data.catalog"))
tables.grid(admin.catalog(database, f.lang), key="data_catalog", height="content")
st.caption(T("data.catalog_note", path=database.path))
dictionary = cache.run("test_item_dictionary")
with st.expander(i18n.tn("data.dictionary", len(dictionary), f.lang, n=i18n.fmt_count(len(dictionary), f.lang))):
    st.caption(T("data.dictionary_note"))
    tables.table(
        i18n.localize(dictionary.drop(columns="item_key"), f.lang),
        f,
        T("data.dictionary_source"),
        "test-item-dictionary",
        key="data_dictionary",
    )

user = auth.current()
if user is None:
    admin.sign_in_form(f.lang, database.path)
else:
    admin.signed_in(f.lang, database.path)
admin.small_tables(database, f.lang)
if user is None:
    st.stop()

importable = user.writable(schema.TABLES)
if importable:
    st.subheader(T("data.import_title"))
    uploaded = st.file_uploader(T("data.upload"), type=["csv", "txt", "xlsx", "parquet"], key="data_upload")
    table = st.selectbox(
        T("data.table"),
        importable,
        key="data_table",
        index=importable.index("inspections") if "inspections" in importable else 0,
    )
    mode = st.radio(
        T("data.mode"),
        ["append", "replace"],
        horizontal=True,
        key="data_mode",
        format_func=lambda m: T(f"data.mode_{m}"),
    )
    mapping_file = st.file_uploader(T("data.mapping_upload"), type=["json"], key="data_mapping_upload")
    failures_only = st.checkbox(T("data.failures_only"), key="data_failures_only", help=T("data.failures_only_help"))
else:
    uploaded = None
if uploaded is not None:
    content = uploaded.getvalue()
    try:
        names, _ = upload.read_upload(content, uploaded.name, None)
        sheet_name = st.selectbox(T("data.sheet"), names, key="data_sheet") if names else None
        with st.status(T("progress.reading", file=uploaded.name), state="running") as reading:
            _, sheet = upload.read_upload(content, uploaded.name, sheet_name)
            reading.update(
                label=i18n.tn(
                    "progress.read",
                    len(sheet.rows),
                    f.lang,
                    file=uploaded.name,
                    n=i18n.fmt_count(len(sheet.rows), f.lang),
                ),
                state="complete",
            )
            st.caption(
                T("data.read_as", row=sheet.header_row or "—", encoding=sheet.encoding or "—", rows=len(sheet.rows))
            )
        loaded = ingest.Mapping.from_json(mapping_file.getvalue()) if mapping_file else ingest.Mapping()
        loaded.failures_only = loaded.failures_only or failures_only
    except (readers.ReadError, ValueError, TypeError) as error:
        st.error(str(error))
        st.stop()
    if sheet.notes:
        st.caption(T("data.notes", rows=", ".join(str(n) for n, _ in sheet.notes)))
    mapping = upload.mapping_editor(
        ingest.guess_mapping(schema.TABLES[table], sheet.columns, loaded), table, sheet.columns, f.lang
    )
    with st.status(
        i18n.tn("progress.checking", len(sheet.rows), f.lang, n=i18n.fmt_count(len(sheet.rows), f.lang))
    ) as checking:
        result = upload.prepare_upload(
            content,
            uploaded.name,
            sheet_name,
            table,
            mapping.to_json(),
            mode,
            str(database.path),
            db.data_version(database.path),
        )
        checking.update(
            label=T(
                "progress.checked",
                valid=i18n.fmt_count(result.valid_rows, f.lang),
                rejected=i18n.fmt_count(len(result.rejected_rows), f.lang),
            ),
            state="complete",
        )
    st.info(
        T("data.summary", valid=result.valid_rows, rejected=len(result.rejected_rows), new=len(result.new_enterprises))
    )
    if result.unknown_items:
        st.warning(T("data.unknown_items", n=len(result.unknown_items)))
        unknown = pd.DataFrame(result.unknown_items.items(), columns=["item", "samples"])
        tables.grid(i18n.localize(unknown, f.lang), key="data_unknown_items")
    for key, rows in (
        ("data.outside", result.outside),
        ("data.unplaced", result.unplaced),
        ("data.already", result.already),
    ):
        if rows:
            st.info(i18n.tn(key, len(rows), f.lang, n=i18n.fmt_count(len(rows), f.lang)))
            tables.grid(i18n.localize(pd.DataFrame(rows, columns=["row", "value"]), f.lang), key=f"{key}_rows")
    if result.supersedes:
        st.info(
            i18n.tn("data.supersedes", len(result.supersedes), f.lang, n=i18n.fmt_count(len(result.supersedes), f.lang))
        )
    if result.unknown_categories:
        st.info(T("data.unknown_categories", n=len(result.unknown_categories)))
        tables.grid(
            i18n.localize(pd.DataFrame(result.unknown_categories.items(), columns=["value", "samples"]), f.lang),
            key="data_unknown_categories",
        )
    report = result.problem_table()
    if len(report):
        st.subheader(T("data.problems"))
        tables.grid(i18n.localize(report.drop(columns="file"), f.lang), key="data_problems")
        tables.download_csv(
            report, "import-report", [sheet.file], f.lang, key="data_report_download", label=T("data.download_report")
        )
    st.download_button(
        T("data.download_mapping"),
        result.mapping.to_json(),
        "mapping.json",
        "application/json",
        key="data_mapping_download",
    )
    held = len(report) > 0 or bool(result.unplaced)  # as on the command line: these wait for --accept-valid
    accept = st.checkbox(T("data.accept_valid"), key="data_accept_valid") if held else False
    if st.button(
        T("data.import"), type="primary", key="data_import", disabled=not result.valid_rows or (held and not accept)
    ):
        written = [table, "enterprises"] if len(result.new_enterprises) else [table]
        try:
            actor = auth.require(database.path, "import", *written)
        except PermissionError:
            st.error(T("data.not_allowed", user=auth.actor().user, tables=", ".join(written)))
            st.stop()
        with st.status(T("data.import"), expanded=True) as importing:
            version = ingest.commit(
                result,
                database.path,
                mode,
                sheet.file,
                actor,
                progress=builds.status_progress(importing, f.lang),
                lang=f.lang,
            )
            importing.update(state="complete", expanded=False)
        if len(report):
            ingest.write_rejects(result, sheet, database.path / versions.VERSIONS / str(version))
        st.success(T("data.imported", version=version))

st.subheader(T("data.versions"))
admin.versions_panel(database.path, f.lang)
deliveries.panel(database, f.lang)
admin.audit_panel(database.path, f.lang)
