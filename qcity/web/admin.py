"""The Data page's writing parts: sign-in, the small tables' editors, versions with rollback, the audit log.

Every write goes through auth.require just before it happens, so what a page shows or hides is convenience only:
a viewer's or another agency's crafted request meets the same refusal, and the refusal is logged.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import streamlit as st

from qcity import i18n
from qcity.intake import ingest, readers
from qcity.store import audit, db, schema, versions
from qcity.web import accounts, auth, tables

EDITABLE = ("targets", "events", "benchmarks", "awards")  # the small tables officials change every year
SHOWN_AUDIT = 500  # audit lines on screen, newest first (only they are parsed on a rerun); the download has all


def sign_in_form(lang: str, data_dir) -> None:
    """Sign-in by OIDC where configured, else by name and password; a clear note when neither is set up, and the
    time to wait after repeated failures."""
    T = i18n.translator(lang)
    st.subheader(T("data.sign_in"))
    if auth.oidc_configured():
        st.button(T("data.oidc"), on_click=st.login, key="data_oidc")
    try:
        named = auth.named_accounts()
    except accounts.AccountError as error:
        st.error(T("data.accounts_broken", error=str(error)))
        return
    if not auth.password_configured():
        if not auth.oidc_configured():
            st.info(T("data.no_password"))
        return
    with st.form("data_sign_in", clear_on_submit=True):  # the typed password does not stay in the session
        name = st.text_input(T("data.user_name"), key="data_user_name") if named else ""
        password = st.text_input(T("data.password"), type="password", key="data_password")
        submitted = st.form_submit_button(T("data.sign_in_button"))
    if not submitted:
        return
    try:
        user = auth.sign_in(data_dir, name, password)
    except auth.TryLater as refused:
        st.error(_wait_message(refused.wait, lang))
        return
    if user:
        st.rerun()
    st.error(T("data.wrong_password"))
    if (wait := auth.retry_in(data_dir)).total_seconds() > 0:
        st.warning(_wait_message(wait, lang))


def _wait_message(wait, lang: str) -> str:
    until = (datetime.now() + wait).strftime("%H:%M:%S")
    return i18n.t("data.locked", lang, time=until, seconds=math.ceil(wait.total_seconds()))


def signed_in(lang: str, data_dir) -> None:
    """Who is signed in, with which role and tables, and the sign-out button."""
    T = i18n.translator(lang)
    user = auth.current()
    tables = T("data.all_tables") if user.tables is None else ", ".join(sorted(user.tables))
    left, right = st.columns([4, 1])
    left.caption(
        T(
            "data.signed_in",
            user=user.name,
            role=T(f"data.role_{user.role}"),
            tables=tables if user.role == "analyst" else "—",
        )
    )
    right.button(T("data.sign_out"), on_click=auth.sign_out, args=(data_dir,), key="data_sign_out")


def small_tables(database: db.Database, lang: str) -> None:
    """Targets, events, benchmarks and awards: an editor for those the user may edit, a read-only table otherwise."""
    T = i18n.translator(lang)
    st.subheader(T("data.small_tables"))
    st.caption(T("data.small_tables_note"))
    choices = (
        {
            "district_code": list(database.table("districts").district_code),  # once for all the editors
            "sector_code": list(database.table("sectors").sector_code),
        }
        if any(auth.may("edit", n) for n in EDITABLE)
        else {}
    )
    for tab, name in zip(st.tabs([T(f"data.table_{n}") for n in EDITABLE]), EDITABLE, strict=True):
        with tab:
            if auth.may("edit", name):
                table_editor(name, database, choices, lang)
            else:
                tables.grid(i18n.localize(database.table(name), lang), key=f"data_view_{name}")
                st.caption(T("data.read_only"))


EDITOR_COLUMN_WIDTH = "medium"  # 200 px in Streamlit's grid


def _column_config(table: schema.Table, choices: dict[str, list[str]], lang: str) -> dict:
    """An editor column per schema column: choices for codes (`choices`: column -> codes) and enumerations, number
    and date inputs, every column EDITOR_COLUMN_WIDTH wide (a cell's place in the grid is then known: the browser
    test edits by it, as Streamlit's own tests do)."""
    T = i18n.translator(lang)
    config = {}
    for column in table.columns:
        label = T(f"col.{column.name}") if i18n.has(f"col.{column.name}") else column.name
        options = dict(label=label, help=column.doc, required=column.required, width=EDITOR_COLUMN_WIDTH)
        if column.enum or column.name in choices:
            config[column.name] = st.column_config.SelectboxColumn(
                options=list(column.values) if column.enum else choices[column.name], **options
            )
        elif column.type in ("INTEGER", "DOUBLE"):
            config[column.name] = st.column_config.NumberColumn(
                min_value=column.min, max_value=column.max, step=1 if column.type == "INTEGER" else None, **options
            )
        elif column.type == "DATE":
            config[column.name] = st.column_config.DateColumn(format="YYYY-MM-DD", **options)
        else:
            config[column.name] = st.column_config.TextColumn(**options)
    return config


def table_editor(name: str, database: db.Database, choices: dict[str, list[str]], lang: str) -> None:
    """Edit a small table; Save checks it as an import does and writes a version only when every cell is valid.

    The editor keeps the table as it was when opened (in the session), so that another analyst's save or an import
    meanwhile neither shifts these edits onto other rows nor is overwritten by them: Save then refuses, says who
    changed the table, and keeps the edits on screen until the user reloads."""
    T = i18n.translator(lang)
    table = schema.TABLES[name]
    opened_key, now = f"data_edit_opened_{name}", _stamp(database.path, name)
    if opened_key not in st.session_state:
        opened = database.table(name)
        opened.index = pd.RangeIndex(1, len(opened) + 1)  # the row numbers problems are reported by
        st.session_state[opened_key] = (now, opened)
    stamp, opened = st.session_state[opened_key]
    edited = st.data_editor(
        opened,
        num_rows="dynamic",
        placeholder="",
        key=f"data_edit_{name}_{stamp}",
        column_config=_column_config(table, choices, lang),
        width="content",
    )
    if stamp != now:
        st.warning(T("data.table_changed", change=_last_change(database.path, name, lang)))
        st.button(
            T("data.reload_table"), key=f"data_reload_{name}", on_click=st.session_state.pop, args=(opened_key, None)
        )
    if not st.button(T("data.save_table", table=T(f"data.table_{name}")), key=f"data_save_{name}", type="primary"):
        pending = st.session_state.get(f"data_edit_{name}_{stamp}") or {}
        counts = {kind: len(pending.get(f"{kind}_rows") or ()) for kind in ("edited", "added", "deleted")}
        if any(counts.values()):  # the edits the server holds: what Save would check and write
            st.container(key=f"data_unsaved_{name}").caption(T("data.unsaved", **counts))
        return
    try:
        actor = auth.require(database.path, "edit", name)
    except PermissionError:
        st.error(T("data.not_allowed", user=auth.actor().user, tables=name))
        return
    if stamp != now:
        st.error(T("data.not_saved_changed"))
        return
    if edited.equals(opened):
        st.info(T("data.no_change"))
        return
    result = check_edit(name, edited, database)
    if result.problems:
        st.error(i18n.tn("data.not_saved", len(result.problems), lang, n=len(result.problems)))
        tables.grid(i18n.localize(result.problem_table().drop(columns="file"), lang), key=f"data_edit_problems_{name}")
        tables.grid(marked(edited, result.problems), key=f"data_edit_marked_{name}", hide_index=False)  # rows as listed
        return
    saved = ingest.commit(result, database.path, "replace", "table editor", actor, action="edit")
    st.session_state.pop(opened_key)  # the next run opens the table as saved
    st.success(T("data.saved", version=saved))


def _stamp(data_dir: Path, name: str) -> str:
    """The table file's size and modification time: changes with every save, import or rollback of it."""
    file = Path(data_dir) / schema.TABLES[name].file
    if not file.exists():
        return "absent"
    stat = file.stat()
    return f"{stat.st_size}-{stat.st_mtime_ns}"


def _last_change(data_dir: Path, name: str, lang: str) -> str:
    """Who last changed a table and when, from the version log ('?' when the log does not say)."""
    changes = [e for e in versions.versions(data_dir) if e.get("table") == name or e.get("action") == "rollback"]
    if not changes:
        return "?"
    last = changes[-1]
    return i18n.t("data.change", lang, user=last.get("user", "?"), time=last["time"], version=last["version"])


def marked(edited: pd.DataFrame, problems: list[ingest.Problem]) -> pd.io.formats.style.Styler:
    """The edited table with every cell that has a problem in red, to find them at a glance."""
    bad = {(p.row, p.column) for p in problems}
    return edited.style.apply(
        lambda column: [
            "background-color: #f9d6d5; color: #8c1d18" if (row, column.name) in bad else "" for row in column.index
        ]
    )


def check_edit(name: str, edited: pd.DataFrame, database: db.Database) -> ingest.Result:
    """The edited rows validated exactly as an import replacing the table would be; nothing is written."""
    columns = list(schema.TABLES[name].column_names)
    rows = [[_text(v) for v in record] for record in edited[columns].itertuples(index=False)]
    sheet = readers.Sheet.of_rows(f"{name} (table editor)", columns, rows, [int(i) for i in edited.index], None)
    return ingest.prepare(sheet, name, database, ingest.Mapping({c: c for c in columns}), "replace")


def _text(value) -> str | None:
    """An editor cell as a file would write it, for the import's checks."""
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)) or value == "":
        return None
    if isinstance(value, (datetime, date)):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def versions_panel(data_dir, lang: str) -> None:
    """The version log (who made each version), and a rollback to an earlier one for those who may."""
    T = i18n.translator(lang)
    entries = versions.versions(data_dir)
    if not entries:
        st.caption(T("data.no_versions"))
        return
    tables.grid(i18n.localize(pd.DataFrame(entries), lang), key="data_versions")
    if not auth.may("rollback"):
        return
    choices = [0] + [e["version"] for e in entries[:-1]]
    target = st.selectbox(T("data.rollback_to"), choices, index=len(choices) - 1, key="data_rollback_to")
    if not st.button(T("data.rollback"), key="data_rollback"):
        return
    try:
        actor = auth.require(data_dir, "rollback", *sorted(versions.changed_since(data_dir, target)))
    except PermissionError:
        st.error(T("data.rollback_not_allowed", version=target, user=auth.actor().user))
        return
    st.success(T("data.rolled_back", version=target, new=versions.rollback(data_dir, target, actor)))


def audit_panel(data_dir: Path, lang: str) -> None:
    """The audit log, newest first, and its download (signed-in users only)."""
    T = i18n.translator(lang)
    st.subheader(T("data.audit"))
    total = audit.count(data_dir)
    st.caption(i18n.tn("data.audit_note", total, lang, n=i18n.fmt_count(total, lang)))
    tables.grid(i18n.localize(audit.table(data_dir, SHOWN_AUDIT), lang), key="data_audit")
    st.download_button(
        T("data.download_audit"),
        lambda: (data_dir / audit.FILE).read_bytes(),
        "audit.jsonl",
        "application/x-ndjson",
        key="data_audit_download",
        disabled=not total,
        on_click="ignore",
        icon=":material/download:",
    )


def catalog(database, lang: str) -> pd.DataFrame:
    """Every table of the data model: its file, rows, last change and whether it is loaded."""
    T = i18n.translator(lang)
    counts = database.row_counts()
    rows = []
    for table in schema.TABLES.values():
        modified = table_modified(database.path, table.name)
        status = (
            T("data.damaged") if table.name in database.broken else T("data.present") if modified else T("data.missing")
        )
        rows.append(
            {
                T("col.table"): table.name,
                T("col.file"): table.file,
                T("col.rows"): counts[table.name],
                T("col.modified"): modified or "—",
                T("col.status"): status,
            }
        )
    return pd.DataFrame(rows)


def table_modified(path: Path, name: str) -> str | None:
    """When a table's file (or partition folder) last changed, or None when the data directory lacks it."""
    table = schema.TABLES[name]
    file, folder = path / table.file, path / table.name
    source = file if file.exists() else folder if folder.is_dir() else None
    return datetime.fromtimestamp(source.stat().st_mtime).strftime("%Y-%m-%d %H:%M") if source else None
