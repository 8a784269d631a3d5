"""Versions of the data directory: every change (an import, a table edit, a rollback) writes its files aside and
renames them into place, keeps the state as a snapshot (hard links, no copies: files are only ever replaced, never
edited) and logs who did it. Any version can be restored, which is itself a new version.

A large fact table (inspections) lives in one Parquet file or in a folder of part files: appending adds a part, so
the rows already there are not rewritten (a million new rows beside ten million take seconds, not a minute);
replacing writes one file. Readers see either the old state or the new one: the new part is renamed into the
folder in one step, and a single file turns into a folder only once the folder holds both it and the new part.
"""

from __future__ import annotations

import filecmp
import json
import os
import shutil
import time
import uuid
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow.parquet as pq

from qcity import i18n
from qcity.progress import Progress, silent
from qcity.store import audit, rollups, schema, tables

VERSIONS = ".versions"
LOG = "log.jsonl"
PAUSE_ENV = "QCITY_INGEST_PAUSE_BEFORE_RENAME"  # fault injection for the kill test: a flag file to create, then wait


def versions(data_dir: Path) -> list[dict]:
    log = Path(data_dir) / VERSIONS / LOG
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()] if log.exists() else []


def _log(data_dir: Path, entry: dict) -> int:
    entries = versions(data_dir)
    version = entries[-1]["version"] + 1 if entries else 1
    with (data_dir / VERSIONS / LOG).open("a", encoding="utf-8") as log:
        log.write(
            json.dumps(
                {"version": version, "time": datetime.now().isoformat(timespec="seconds"), **entry}, ensure_ascii=False
            )
            + "\n"
        )
    return version


def files_of(folder: Path, table: schema.Table) -> list[Path]:
    """A table's files under `folder` (the data directory or a snapshot), relative to it: its one file, or the
    parts of its folder."""
    single, parts = folder / table.file, folder / table.name
    if single.exists():
        return [Path(table.file)]
    if table.storage == "parquet" and parts.is_dir():
        return sorted(p.relative_to(folder) for p in parts.rglob("*.parquet"))
    return []


def _link(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def snapshot(data_dir: Path, version: int) -> None:
    """Keep the current state of every table as `version`."""
    folder = data_dir / VERSIONS / str(version)
    if folder.exists():  # left by an attempt that stopped before it was logged: it is not this version
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    for table in schema.TABLES.values():
        for file in files_of(data_dir, table):
            _link(data_dir / file, folder / file)


def changed_since(data_dir: Path, version: int) -> set[str]:
    """The tables whose files differ now from `version`'s snapshot: what rolling back to it would change."""
    folder = Path(data_dir) / VERSIONS / str(version)
    changed = set()
    for table in schema.TABLES.values():
        then, now = files_of(folder, table), files_of(Path(data_dir), table)
        if then != now or any(not _same_content(folder / f, Path(data_dir) / f) for f in now):
            changed.add(table.name)
    return changed


def _same_content(a: Path, b: Path) -> bool:
    """One file (a snapshot is a hard link of the file it kept), or two with the same bytes."""
    return os.path.samefile(a, b) or filecmp.cmp(a, b, shallow=False)


def _aside(data_dir: Path, name: str) -> Path:
    """Where a file or folder is prepared before it is renamed into place (in .versions: the same file system)."""
    (data_dir / VERSIONS).mkdir(exist_ok=True)
    return data_dir / VERSIONS / f".{name}.{os.getpid()}.{time.monotonic_ns()}.tmp"


def _pause() -> None:
    if os.environ.get(PAUSE_ENV):  # the kill test stops the process here, between write and rename
        Path(os.environ[PAUSE_ENV]).touch()
        time.sleep(60)


def _remove(data_dir: Path, path: Path) -> None:
    """A file or a folder of the data directory out of the way: a folder is renamed aside (one step), then
    deleted."""
    if path.is_dir():
        gone = _aside(data_dir, path.name)
        os.replace(path, gone)
        shutil.rmtree(gone, ignore_errors=True)
    elif path.exists():
        path.unlink()


def put(data_dir: Path, table: schema.Table, rows: Path | pd.DataFrame, mode: str) -> None:
    """The table's rows replaced by, or appended with, `rows` (a staged Parquet file of the table's columns, or a
    small DataFrame), written aside and renamed into place; with mode "drop", the rows whose value in the one
    column `rows` (a DataFrame) has is among its values are taken out."""
    if mode == "drop":
        return _drop(data_dir, table, rows)
    single = data_dir / table.file
    frame = rows if isinstance(rows, pd.DataFrame) else None
    if table.storage == "csv":
        new = frame if frame is not None else pq.read_table(rows).to_pandas()
        if mode == "append" and single.exists():
            new = pd.concat([_read_csv(single, table), new], ignore_index=True)
        aside = _aside(data_dir, table.file)
        new[list(table.column_names)].to_csv(aside, index=False)
        _pause()
        os.replace(aside, single)
        return
    if frame is not None:
        staged = _aside(data_dir, "rows.parquet")
        frame[list(table.column_names)].to_parquet(staged, index=False)
        rows = staged
    if mode == "replace" or not tables.table_exists(data_dir, table):
        aside = _aside(data_dir, table.file)
        shutil.copyfile(rows, aside)
        _pause()
        os.replace(aside, single)
        _remove(data_dir, data_dir / table.name)
    elif table.large:
        _append_part(data_dir, table, rows)
    else:  # a smaller Parquet table (enterprises) is rewritten whole
        aside = _aside(data_dir, table.file)
        with duckdb.connect() as con:
            con.execute(tables.table_sql(data_dir, table, con))
            con.execute(
                f"copy (select * from {table.name} union all by name select * from read_parquet($rows)) "
                f"to '{aside}' (format parquet)",
                {"rows": str(rows)},
            )
        _pause()
        os.replace(aside, single)
    if frame is not None:
        Path(rows).unlink()


def _append_part(data_dir: Path, table: schema.Table, rows: Path) -> None:
    """A large table's new rows as a part file beside the existing ones (a single file becomes a folder first)."""
    single, parts = data_dir / table.file, data_dir / table.name
    # unique, or two appends within a second in one process (a server, a test) would write the same part
    part = f"part-{datetime.now():%Y%m%d%H%M%S}-{uuid.uuid4().hex[:12]}.parquet"
    if single.exists():  # one file becomes a folder: the old file and the new part, then the file goes
        if parts.exists():  # a folder beside the file was left by a conversion that stopped halfway
            _remove(data_dir, parts)
        folder = _aside(data_dir, table.name)
        _link(single, folder / "part-0.parquet")
        shutil.copyfile(rows, folder / part)
        _pause()
        os.replace(folder, parts)
        single.unlink()
    else:
        aside = _aside(data_dir, part)
        shutil.copyfile(rows, aside)
        _pause()
        os.replace(aside, parts / part)


def _drop(data_dir: Path, table: schema.Table, values: pd.DataFrame) -> None:
    """Each Parquet file of the table that holds rows with one of `values` rewritten without them (aside, then
    renamed into place); the other files stay as they are. Used for the batches of a notice that a full export
    of the same samples supersedes: a handful of rows, in the notice's own part file."""
    column = values.columns[0]
    with duckdb.connect() as con:
        con.register("dropped", values)
        for file in files_of(data_dir, table):
            source = tables.sql_literal(str(data_dir / file))
            hit = con.execute(
                f"select count(*) from read_parquet({source}) where {column} in (select {column} from dropped)"
            ).fetchone()[0]
            if not hit:
                continue
            aside = _aside(data_dir, file.name)
            con.execute(
                f"copy (select * from read_parquet({source}) where {column} not in (select {column} from "
                f"dropped)) to {tables.sql_literal(str(aside))} (format parquet)"
            )
            _pause()
            os.replace(aside, data_dir / file)


def _read_csv(path: Path, table: schema.Table) -> pd.DataFrame:
    return pd.read_csv(path, dtype={c.name: str for c in table.columns if c.type == "VARCHAR"})


def commit(
    data_dir: Path,
    changes: list[tuple[schema.Table, Path | pd.DataFrame, str]],
    entry: dict,
    actor: audit.Actor,
    action: str = "import",
    progress: Progress = silent,
    lang: str = i18n.DEFAULT_LANG,
) -> int:
    """Put each change's rows in place, log and snapshot the version (with who made it, also in the audit log),
    rebuild the rollup when the inspections changed; each stage told to `progress`."""
    data_dir = Path(data_dir)
    rebuild = any(table.name == "inspections" for table, _, _ in changes)
    stages = 3 if rebuild else 2
    progress(
        i18n.tn(
            "progress.writing",
            entry.get("rows", 0),
            lang,
            n=i18n.fmt_count(entry.get("rows", 0), lang),
            table=entry.get("table", ""),
        ),
        0,
        stages,
    )
    if not versions(data_dir):  # the state before the first change is version 0
        snapshot(data_dir, 0)
    for table, rows, how in changes:
        put(data_dir, table, rows, how)
    version = _log(data_dir, {"action": action, "user": actor.user, **entry})
    audit.record(data_dir, action, actor, version=version, **{k: v for k, v in entry.items() if k != "unknown_items"})
    progress(i18n.t("progress.snapshot", lang, version=version), 1, stages)
    snapshot(data_dir, version)
    if rebuild and rollups.inspection_files(data_dir):
        progress(i18n.t("progress.rollup", lang), 2, stages)
        rollups.build(data_dir)
    progress(i18n.t("progress.done", lang, version=version), stages, stages)
    return version


def rollback(data_dir: Path, version: int, actor: audit.Actor) -> int:
    """Make the data as it was at `version` again; the rollback itself becomes a new version."""
    data_dir = Path(data_dir)
    folder = data_dir / VERSIONS / str(version)
    if not folder.is_dir():
        known = ", ".join(str(v["version"]) for v in versions(data_dir)) or "none"
        raise ValueError(f"no version {version} (versions: 0, {known})")
    for table in schema.TABLES.values():
        kept = files_of(folder, table)
        single, parts = data_dir / table.file, data_dir / table.name
        if kept == [Path(table.file)]:
            aside = _aside(data_dir, table.file)
            shutil.copy2(folder / table.file, aside)
            os.replace(aside, single)
            _remove(data_dir, parts)
        elif kept:
            aside = _aside(data_dir, table.name)
            for file in kept:
                _link(folder / file, aside / file.relative_to(table.name))
            _remove(data_dir, parts)
            os.replace(aside, parts)
            _remove(data_dir, single)
        else:
            _remove(data_dir, single)
            _remove(data_dir, parts)
    new = _log(data_dir, {"action": "rollback", "user": actor.user, "to": version})
    audit.record(data_dir, "rollback", actor, version=new, to=version)
    snapshot(data_dir, new)
    if rollups.inspection_files(data_dir):
        rollups.build(data_dir)
    return new
