"""Import: read a file, map it onto a table of the schema, validate every cell, and commit it without loss.

One path for the command line and (next) the Data page:

    python -m qcity.ingest FILE --table TABLE [--mapping FILE] [--mode append|replace] [--dry-run]
                           [--accept-valid] [--set COLUMN=VALUE ...] [--sheet NAME] [--data-dir DIR]
    python -m qcity.ingest --versions [--data-dir DIR]
    python -m qcity.ingest --rollback N [--data-dir DIR]

Exit 0 on success, 1 when the file is rejected (one line per problem: file, row, column, value, what is wrong),
2 on a usage error. A rejected file changes nothing. A commit writes each file aside and renames it into place,
keeps every version as a snapshot under DATA_DIR/.versions/ with a log, and rebuilds the inspection rollup.
"""

from __future__ import annotations

import argparse
import filecmp
import hashlib
import json
import os
import re
import shutil
import sys
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from qcity import i18n
from qcity.analysis.indicators import INDICATORS
from qcity.intake import readers
from qcity.progress import Progress, Terminal, silent
from qcity.store import audit, db, rollups, schema, tables

VERSIONS = ".versions"
LOG = "log.jsonl"
ALIASES = {  # header aliases per schema column (compared after readers.normalise_header)
    "sample_id": ["样品编号", "抽样单编号", "抽样编号", "样品id", "id"],
    "sample_date": ["抽样日期", "采样日期", "抽检日期", "sampledate", "date", "日期"],
    "district_code": ["district", "区县", "地区", "区域", "所属区县", "区县代码", "行政区"],
    "sector_code": ["sector", "行业", "类别", "食品类别", "产品类别", "行业代码", "行业类别"],
    "product": ["样品名称", "产品名称", "品名", "样品"],
    "level": ["抽检级别", "任务级别", "级别"],
    "kind": ["抽检类型", "任务类别", "监测类型", "类型"],
    "passed": ["result", "检验结论", "结果", "判定结论", "结论", "是否合格"],
    "failed_item": ["不合格类别", "不合格项目类别", "问题类别", "failurecategory"],
    "failed_items": ["不合格项目", "不合格项", "不合格原因", "不合格检验项目", "不合格项目名称", "failure", "reason",
                     "faileditems", "violation", "violations"],
    "enterprise_id": ["企业编号", "企业代码", "统一社会信用代码"],
    "name": ["企业名称", "名称"],
}
ENTERPRISE_NAME_ALIASES = ["enterprise", "enterprisename", "企业名称", "被抽样单位名称", "被抽样单位", "生产企业名称",
                           "生产企业", "单位名称"]
SUGGESTED_DEFAULTS = {  # for required columns agency files usually lack; shown to the user, who may change them
    "inspections": {"level": "municipal", "kind": "supervision"},
}
NO_ITEMS = {"/", "／", "-", "—", "－", "无", "none", "n/a"}  # what result files write where no item failed
TRUE_WORDS = {"合格", "是", "pass", "passed", "true", "yes", "y", "1", "√"}
FALSE_WORDS = {"不合格", "否", "fail", "failed", "false", "no", "n", "0", "×"}
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日", "%Y-%m-%d %H:%M:%S")
EARLIEST = date(1990, 1, 1)
REFERENCED = ("districts.district_code", "sectors.sector_code")  # resolved from codes or names
PAUSE_ENV = "QCITY_INGEST_PAUSE_BEFORE_RENAME"  # fault injection for the kill test: a flag file to create, then wait


@dataclass
class Problem:
    """One thing wrong with the file, and where."""

    file: str
    row: int | None
    column: str | None
    value: str | None
    message: str

    def __str__(self) -> str:
        where = ", ".join(p for p in (f"row {self.row}" if self.row else "", f"column {self.column}"
                                      if self.column else "", f"value '{self.value}'" if self.value else "") if p)
        return f"{self.file}: {where + ': ' if where else ''}{self.message}"


@dataclass
class Mapping:
    """How a file's columns become a table's: saved as JSON and reused for the next file of the same shape.

    `columns`: schema column -> file header. `defaults`: schema column -> value for columns the file lacks.
    `values`: schema column -> {file value: stored value}, e.g. postal codes or local names. `pass_rule`: how to
    derive `passed` from a score or grade, {"column": header, "at_least": 86} or {"column": header, "in": [...]}.
    `date_format`: how the file writes dates when not year first (e.g. "%m/%d/%Y"); year-first forms always work.
    """

    columns: dict[str, str] = field(default_factory=dict)
    defaults: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    pass_rule: dict | None = None
    date_format: str | None = None

    @classmethod
    def from_json(cls, text: str | bytes) -> Mapping:
        """A mapping from its JSON text; a ValueError says what is wrong with it."""
        data = json.loads(text)
        if not isinstance(data, dict):
            raise ValueError("a mapping is a JSON object with columns, defaults, values, pass_rule and date_format")
        unknown = set(data) - {"columns", "defaults", "values", "pass_rule", "date_format"}
        if unknown:
            raise ValueError(f"unknown mapping keys {', '.join(sorted(unknown))}")
        return cls(**data)

    @classmethod
    def load(cls, path: Path) -> Mapping:
        try:
            return cls.from_json(Path(path).read_text(encoding="utf-8"))
        except ValueError as error:
            raise ValueError(f"{path}: {error}") from None

    def to_json(self) -> str:
        return json.dumps(self.__dict__, ensure_ascii=False, indent=2) + "\n"

    def save(self, path: Path) -> None:
        Path(path).write_text(self.to_json(), encoding="utf-8")


@dataclass
class Result:
    """What an import found and did."""

    table: str
    valid: pd.DataFrame
    problems: list[Problem]
    rejected_rows: list[int]
    new_enterprises: pd.DataFrame
    mapping: Mapping
    version: int | None = None
    unknown_items: dict[str, int] = field(default_factory=dict)  # failed test items the dictionary does not know

    def problem_table(self) -> pd.DataFrame:
        """The problems as a table: file, row, column, value, message."""
        return pd.DataFrame([p.__dict__ for p in self.problems], columns=["file", "row", "column", "value", "message"])

    def unknown_items_note(self) -> str:
        """The unknown items with their counts, most frequent first, for the import report ('' when none)."""
        if not self.unknown_items:
            return ""
        listed = ", ".join(f"{item} ({n})" for item, n in self.unknown_items.items())
        return (f"{len(self.unknown_items)} failed test item(s) not in the test-item dictionary, kept under category "
                f"'other' (add them to test_items.csv to classify them): {listed}")


def _empty(value) -> bool:
    """No value: None, or the NaN that pandas puts in empty object cells."""
    return value is None or (isinstance(value, float) and value != value)


def _resolver(frame: pd.DataFrame, code: str, extra: dict[str, str]) -> dict[str, str]:
    """Every way a dimension value may be written -> its code: code, names in both languages, short Chinese name."""
    lookup = {}
    for row in frame.itertuples():
        value = getattr(row, code)
        names = [value, row.name_zh, row.name_en, re.sub(r"(区|县|市)$", "", row.name_zh)]
        lookup.update({str(n).strip().lower(): value for n in names if n})
    lookup.update({str(k).strip().lower(): v for k, v in extra.items()})
    return lookup


def _enum_lookup(column: schema.Column) -> dict[str, str]:
    lookup = {}
    for value in column.values:
        lookup[value.lower()] = value
        for lang in i18n.LANGS:
            lookup[i18n.label(column.enum, value, lang).lower()] = value
    return lookup


def _parse_date(text: str, first: str | None = None) -> date | None:
    """A date in the mapping's format (`first`) or any year-first form agencies use."""
    for fmt in (first, *DATE_FORMATS) if first else DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _header_index(columns: list[str]) -> dict[str, str]:
    return {readers.normalise_header(c): c for c in columns}


def guess_mapping(table: schema.Table, columns: list[str], mapping: Mapping | None = None) -> Mapping:
    """Fill in the columns a mapping leaves open from the file's headers, by name and by alias."""
    mapping = mapping or Mapping()
    headers = _header_index(columns)
    guessed = dict(mapping.columns)
    for column in table.columns:
        if column.name in guessed:
            continue
        for alias in [column.name, *ALIASES.get(column.name, [])]:
            if readers.normalise_header(alias) in headers:
                guessed[column.name] = headers[readers.normalise_header(alias)]
                break
    if "enterprise_id" in table.column_names and "enterprise_id" not in guessed and "enterprise" not in guessed:
        found = next((headers[a] for a in map(readers.normalise_header, ENTERPRISE_NAME_ALIASES) if a in headers), None)
        if found:
            guessed["enterprise"] = found
    suggested = {k: v for k, v in SUGGESTED_DEFAULTS.get(table.name, {}).items() if k not in guessed}
    return Mapping(guessed, {**suggested, **mapping.defaults}, dict(mapping.values), mapping.pass_rule,
                   mapping.date_format)


def known_headers() -> set[str]:
    """Every header any table recognises, to find the header row below title rows."""
    names = {c.name for t in schema.TABLES.values() for c in t.columns}
    names |= {a for aliases in ALIASES.values() for a in aliases} | set(ENTERPRISE_NAME_ALIASES)
    return {readers.normalise_header(n) for n in names}


def prepare(sheet: readers.Sheet, table_name: str, database: db.Database, mapping: Mapping | None = None,
            mode: str = "append") -> Result:
    """Map and validate a sheet against a table of a database's data directory; nothing is written."""
    table = schema.TABLES[table_name]
    mapping = guess_mapping(table, sheet.columns, mapping)
    frame = sheet.frame()
    problems: list[Problem] = []
    bad_rows: set[int] = set()
    out = pd.DataFrame(index=frame.index)

    def problem(row, column, value, message):
        problems.append(Problem(sheet.file, row, column, value, message))
        if row is not None:
            bad_rows.add(row)

    districts, sectors = database.table("districts"), database.table("sectors")
    resolve = {"district_code": _resolver(districts, "district_code", mapping.values.get("district_code", {})),
               "sector_code": _resolver(sectors, "sector_code", mapping.values.get("sector_code", {}))}
    for column in table.columns:
        header = mapping.columns.get(column.name)
        if header is not None and header not in frame.columns:
            problem(None, header, None, f"the mapping names column '{header}' for {column.name}, but the file has "
                                        f"no such column")
            out[column.name] = pd.Series(None, index=frame.index, dtype=object)
            bad_rows.update(frame.index)
            continue
        if header is None and column.name in mapping.defaults:
            raw = pd.Series(mapping.defaults[column.name], index=frame.index, dtype=object)
        elif header is None:
            raw = pd.Series(None, index=frame.index, dtype=object)
        else:
            raw = frame[header]
        source = header or column.name
        values = mapping.values.get(column.name, {})
        enum = _enum_lookup(column) if column.enum else {}
        parsed = []
        for row, text in raw.items():
            text = None if _empty(text) else values.get(text, text)
            value = None
            if text is None:
                pass
            elif column.references in REFERENCED:
                value = resolve[column.name].get(text.strip().lower())
                if value is None:
                    kind = "district" if column.name == "district_code" else "sector"
                    problem(row, source, text, f"unknown {kind}; known ones are listed in {kind}s.csv")
            elif column.enum:
                value = enum.get(text.strip().lower())
                if value is None:
                    problem(row, source, text, f"not one of {', '.join(column.values)}")
            elif column.type == "DATE":
                value = _parse_date(text, mapping.date_format)
                if value is None:
                    problem(row, source, text, "not a date (use YYYY-MM-DD)")
                elif not EARLIEST <= value <= date.today():
                    problem(row, source, text, f"date outside {EARLIEST.isoformat()} to today")
                    value = None
            elif column.type == "BOOLEAN":
                word = text.strip().lower()
                value = True if word in TRUE_WORDS else False if word in FALSE_WORDS else None
                if value is None:
                    problem(row, source, text, "not a verdict (合格/不合格, pass/fail, true/false)")
            elif column.type in ("INTEGER", "DOUBLE"):
                try:
                    number = float(text.replace(",", ""))
                    if column.type == "INTEGER" and not number.is_integer():
                        raise ValueError
                    value = int(number) if column.type == "INTEGER" else number
                except ValueError:
                    problem(row, source, text, f"not {'a whole number' if column.type == 'INTEGER' else 'a number'}")
                if value is not None and ((column.min is not None and value < column.min)
                                          or (column.max is not None and value > column.max)):
                    problem(row, source, text, f"out of range ({column.min} to {column.max})")
                    value = None
            else:
                value = text
            parsed.append(value)
        out[column.name] = pd.Series(parsed, index=frame.index, dtype=object)

    if "indicator" in table.column_names:  # targets and benchmarks name an indicator of qcity.analysis.indicators
        for row, value in out["indicator"].items():
            if not _empty(value) and value not in INDICATORS:
                problem(row, mapping.columns.get("indicator", "indicator"), value,
                        "unknown indicator id; the Glossary page lists them")
                out.at[row, "indicator"] = None
    if "passed" in table.column_names and mapping.pass_rule:
        _apply_pass_rule(mapping.pass_rule, frame, out, problem)
    unknown_items = _categorise_failed_items(out, database) if "failed_items" in table.column_names else {}
    known_firms = database.table("enterprises")
    new_enterprises = _enterprises(table, mapping, frame, out, known_firms)
    firms = _district_and_sector_from_enterprise(table, out, known_firms, new_enterprises)
    if firms is not None:
        header = mapping.columns.get("enterprise_id", "enterprise_id")
        for row, firm in out["enterprise_id"].items():
            if not _empty(firm) and firm not in firms:
                problem(row, header, firm, "unknown enterprise; import it into enterprises first")
    if "sample_id" in table.column_names and "sample_id" not in mapping.columns:
        out["sample_id"] = [_generated_id(sheet.file, row, frame.loc[row]) for row in frame.index]
    for column in table.columns:
        if column.required:
            missing = out.index[out[column.name].isna()].difference(sorted(bad_rows))
            if len(out) and len(missing) == len(out) and column.name not in mapping.columns:
                problem(None, column.name, None, f"required column '{column.name}' is not in the file; map a "
                                                 f"column to it or give a default (--set {column.name}=...)")
                bad_rows.update(out.index)
            else:
                for row in missing:
                    problem(row, mapping.columns.get(column.name, column.name), None, "required value is empty")
    _check_keys(table, out, database, mode, problem)
    valid = out.drop(index=sorted(bad_rows & set(out.index)))
    return Result(table_name, valid[list(table.column_names)], problems, sorted(bad_rows), new_enterprises, mapping,
                  unknown_items=unknown_items)


def _categorise_failed_items(out: pd.DataFrame, database: db.Database) -> dict[str, int]:
    """Give each failed sample that names its failed items, but no category, the category the test-item dictionary
    reads from them; return the items the dictionary does not know, with how many samples name each. An unknown
    item is kept (category `other`), never a reason to reject a row. A passed sample names none: what its cell says
    ("/", "无") is not kept, nor a placeholder in a failed sample's cell."""
    texts = out["failed_items"].map(lambda v: None if _empty(v) or str(v).strip().lower() in NO_ITEMS | {""}
                                    else str(v))
    texts[out["passed"].map(lambda v: v is True)] = None
    out["failed_items"] = texts
    if texts.isna().all():
        return {}
    read = database.query("failed_item_categories", texts=sorted(set(texts.dropna()))).set_index("text")
    missing = out["failed_item"].isna() & texts.notna()
    out.loc[missing, "failed_item"] = texts[missing].map(read.failed_item)
    counts = pd.Series([item for text in texts.dropna() for item in read.at[text, "unknown_items"]], dtype=object)
    return counts.value_counts().sort_index().sort_values(ascending=False, kind="stable").to_dict()


def _apply_pass_rule(rule: dict, frame: pd.DataFrame, out: pd.DataFrame, problem) -> None:
    """Derive `passed` from a score (`at_least`) or a grade (`in`)."""
    header = rule["column"]
    if header not in frame.columns:
        problem(None, header, None, f"the pass rule uses column '{header}', which the file does not have")
        return
    for row, text in frame[header].items():
        if _empty(text):
            continue  # empty score: `passed` stays empty and is reported as a required value
        if "at_least" in rule:
            try:
                out.at[row, "passed"] = float(text) >= float(rule["at_least"])
            except ValueError:
                problem(row, header, text, "not a number, so the pass rule cannot judge it")
        else:
            out.at[row, "passed"] = text.strip() in {str(v) for v in rule["in"]}


def _enterprises(table, mapping, frame, out, known_firms: pd.DataFrame) -> pd.DataFrame:
    """Enterprise ids from names: known firms matched by name, new ones added with a stable generated id."""
    columns = list(schema.TABLES["enterprises"].column_names)
    header = mapping.columns.get("enterprise")
    if "enterprise_id" not in table.column_names or header is None or table.name == "enterprises":
        return pd.DataFrame(columns=columns)
    known = dict(zip(known_firms.name, known_firms.enterprise_id))
    new = {}
    for row, name in frame[header].items():
        if _empty(name) or not _empty(out.at[row, "enterprise_id"]):
            continue
        enterprise_id = known.get(name) or new.get(name, {}).get("enterprise_id")
        if enterprise_id is None:
            enterprise_id = "E-" + hashlib.sha1(name.encode()).hexdigest()[:10].upper()
            new[name] = {"enterprise_id": enterprise_id, "name": name,
                         "district_code": out.at[row, "district_code"] if "district_code" in out else None,
                         "sector_code": out.at[row, "sector_code"] if "sector_code" in out else None, "size": None}
        out.at[row, "enterprise_id"] = enterprise_id
    return pd.DataFrame(list(new.values()), columns=columns)


def _district_and_sector_from_enterprise(table, out, known_firms, new_enterprises) -> pd.Index | None:
    """A row without a district or sector takes its enterprise's: agency files often name only the firm.

    Returns the ids of all enterprises known after this import, or None for tables without enterprise ids.
    """
    if "enterprise_id" not in out or table.name == "enterprises":
        return None
    known = known_firms[["enterprise_id", "district_code", "sector_code"]]
    firms = pd.concat([known, new_enterprises[known.columns]], ignore_index=True).drop_duplicates("enterprise_id")
    firms = firms.set_index("enterprise_id")
    for column in ("district_code", "sector_code"):
        if column in table.column_names:
            gaps = out[column].map(_empty) & ~out["enterprise_id"].map(_empty)
            out.loc[gaps, column] = out.loc[gaps, "enterprise_id"].map(firms[column])
    return firms.index


def _generated_id(file: str, row: int, cells: pd.Series) -> str:
    """A sample id for a file without one: stable for the same file, row and content, so a re-import is a duplicate."""
    content = "\x1f".join("" if v is None else str(v) for v in cells)
    return "IMP-" + hashlib.sha1(f"{file}\x1f{row}\x1f{content}".encode()).hexdigest()[:16].upper()


def _check_keys(table, out, database, mode, problem) -> None:
    key = list(table.key)
    texts = out[key].map(lambda v: "" if _empty(v) else str(v))  # an empty key part (a city-wide target) is ""
    keys = texts.agg("|".join, axis=1)
    for row in out.index[keys.duplicated(keep="first")]:
        problem(row, "+".join(key), keys[row], "the same key appears earlier in this file")
    if mode == "append" and len(out):
        for row in database.keys_present(table.name, texts.assign(row=out.index)):
            problem(row, "+".join(key), keys[row], "this key is already in the data (use --mode replace to replace)")


def _arrow(table: schema.Table, frame: pd.DataFrame) -> pa.Table:
    types = {"VARCHAR": pa.string(), "INTEGER": pa.int64(), "DOUBLE": pa.float64(), "BOOLEAN": pa.bool_(),
             "DATE": pa.date32()}
    return pa.table({c.name: pa.array([None if pd.isna(v) else v for v in frame[c.name]], type=types[c.type])
                     for c in table.columns})


def _aside(data_dir: Path, table: schema.Table) -> Path:
    """Where a table's next file is written before it is renamed into place."""
    (data_dir / VERSIONS).mkdir(exist_ok=True)
    return data_dir / VERSIONS / f".{table.file}.{os.getpid()}.tmp"


def _write_aside(data_dir: Path, table: schema.Table, rows: pd.DataFrame, mode: str) -> Path:
    """The table's new file, written beside the data (in .versions/): the rows, or the current table plus them."""
    aside = _aside(data_dir, table)
    database = db.Database(data_dir) if mode == "append" else None
    if table.storage == "csv":
        if database:
            rows = pd.concat([database.table(table.name), rows], ignore_index=True)
        rows[list(table.column_names)].to_csv(aside, index=False)
    elif database is None or not tables.table_exists(data_dir, table):
        pq.write_table(_arrow(table, rows), aside)
    else:
        database.write_with(table.name, _arrow(table, rows), aside)
    return aside


def versions(data_dir: Path) -> list[dict]:
    log = Path(data_dir) / VERSIONS / LOG
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()] if log.exists() else []


def _snapshot(data_dir: Path, version: int) -> None:
    """Keep the current state of every table as `version` (hard links: no copy; we only ever replace, never edit)."""
    folder = data_dir / VERSIONS / str(version)
    if folder.exists():  # left by an attempt that stopped before it was logged: it is not this version
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    for name in (t.file for t in schema.TABLES.values()):
        if (data_dir / name).exists():
            try:
                os.link(data_dir / name, folder / name)
            except OSError:
                shutil.copy2(data_dir / name, folder / name)


def _log(data_dir: Path, entry: dict) -> int:
    entries = versions(data_dir)
    version = entries[-1]["version"] + 1 if entries else 1
    with (data_dir / VERSIONS / LOG).open("a", encoding="utf-8") as log:
        log.write(json.dumps({"version": version, "time": datetime.now().isoformat(timespec="seconds"), **entry},
                             ensure_ascii=False) + "\n")
    return version


def commit(result: Result, data_dir: Path, mode: str, source: str, actor: audit.Actor | None = None,
           action: str = "import", progress: Progress = silent, lang: str = i18n.DEFAULT_LANG) -> int:
    """Write the valid rows (and new enterprises) aside, rename them into place, snapshot and log the version (with
    who made it, also in the audit log), rebuild the rollup; each stage told to `progress` in `lang`. `action` is
    "edit" for the Data page's table editor."""
    data_dir = Path(data_dir)
    rebuild = result.table == "inspections"
    stages = 3 if rebuild else 2
    progress(i18n.t("progress.writing", lang, n=i18n.fmt_count(len(result.valid), lang), table=result.table), 0,
             stages)
    actor = actor or audit.Actor.command_line()
    changes = [(schema.TABLES[result.table], result.valid, mode)]
    if len(result.new_enterprises):
        changes.insert(0, (schema.TABLES["enterprises"], result.new_enterprises, "append"))
    if not versions(data_dir):  # the state before the first import is version 0
        _snapshot(data_dir, 0)
    for table, rows, how in changes:
        aside = _write_aside(data_dir, table, rows, how)
        if os.environ.get(PAUSE_ENV):  # the kill test stops the process here, between write and rename
            Path(os.environ[PAUSE_ENV]).touch()
            time.sleep(60)
        os.replace(aside, data_dir / table.file)
    detail = {"file": source, "table": result.table, "mode": mode, "rows": len(result.valid),
              "rejected": len(result.rejected_rows), "new_enterprises": len(result.new_enterprises)}
    version = _log(data_dir, {"action": action, "user": actor.user, **detail,
                              **({"unknown_items": result.unknown_items} if result.unknown_items else {})})
    audit.record(data_dir, action, actor, version=version, **detail)
    progress(i18n.t("progress.snapshot", lang, version=version), 1, stages)
    _snapshot(data_dir, version)
    if rebuild and rollups.inspection_files(data_dir):
        progress(i18n.t("progress.rollup", lang), 2, stages)
        rollups.build(data_dir)
    progress(i18n.t("progress.done", lang, version=version), stages, stages)
    return version


def changed_since(data_dir: Path, version: int) -> set[str]:
    """The tables whose files differ now from `version`'s snapshot: what rolling back to it would change."""
    folder = Path(data_dir) / VERSIONS / str(version)
    changed = set()
    for table in schema.TABLES.values():
        snapshot, live = folder / table.file, Path(data_dir) / table.file
        if snapshot.exists() != live.exists() or (live.exists() and not _same_content(snapshot, live)):
            changed.add(table.name)
    return changed


def _same_content(a: Path, b: Path) -> bool:
    """One file (a snapshot is a hard link of the file it kept), or two with the same bytes."""
    return os.path.samefile(a, b) or filecmp.cmp(a, b, shallow=False)


def rollback(data_dir: Path, version: int, actor: audit.Actor | None = None) -> int:
    """Make the data as it was at `version` again; the rollback itself becomes a new version."""
    data_dir = Path(data_dir)
    actor = actor or audit.Actor.command_line()
    folder = data_dir / VERSIONS / str(version)
    if not folder.is_dir():
        known = ", ".join(str(v["version"]) for v in versions(data_dir)) or "none"
        raise ValueError(f"no version {version} (versions: 0, {known})")
    for table in schema.TABLES.values():
        snapshot, live = folder / table.file, data_dir / table.file
        if snapshot.exists():
            aside = _aside(data_dir, table)
            shutil.copy2(snapshot, aside)
            os.replace(aside, live)
        elif live.exists():
            live.unlink()
    new = _log(data_dir, {"action": "rollback", "user": actor.user, "to": version})
    audit.record(data_dir, "rollback", actor, version=new, to=version)
    _snapshot(data_dir, new)
    if rollups.inspection_files(data_dir):
        rollups.build(data_dir)
    return new


def write_rejects(result: Result, sheet: readers.Sheet, folder: Path) -> tuple[Path, Path]:
    """The report (one line per problem) and the rejected rows as they were in the file."""
    folder.mkdir(parents=True, exist_ok=True)
    report = folder / "report.txt"
    report.write_text("".join(f"{p}\n" for p in result.problems), encoding="utf-8")
    rejected = folder / "rejected.csv"
    sheet.frame().loc[[r for r in result.rejected_rows if r in sheet.row_numbers]].to_csv(rejected,
                                                                                        encoding="utf-8-sig")
    return report, rejected


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m qcity.ingest", description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", type=Path, help="CSV, .xlsx or Parquet file to import")
    parser.add_argument("--table", choices=sorted(schema.TABLES), help="table to import into")
    parser.add_argument("--mapping", type=Path, help="JSON mapping file (columns, defaults, values, pass_rule)")
    parser.add_argument("--save-mapping", type=Path, help="write the mapping used to this file")
    parser.add_argument("--mode", choices=("append", "replace"), default="append")
    parser.add_argument("--dry-run", action="store_true", help="check and report; change nothing")
    parser.add_argument("--accept-valid", action="store_true", help="import the valid rows even if others fail")
    parser.add_argument("--set", action="append", default=[], metavar="COLUMN=VALUE",
                        help="default for a column the file lacks, e.g. --set level=municipal")
    parser.add_argument("--sheet", help="worksheet of an .xlsx file (default: the first)")
    parser.add_argument("--encoding", help="text encoding of a CSV file (default: detected)")
    parser.add_argument("--data-dir", type=Path, default=None, help="data directory (default: QCITY_DATA_DIR or data/)")
    parser.add_argument("--versions", action="store_true", help="list the versions and stop")
    parser.add_argument("--rollback", type=int, metavar="N", help="restore version N and stop")
    args = parser.parse_args(argv)
    data_dir = args.data_dir or db.data_dir()
    if args.versions:
        for entry in versions(data_dir):
            print(json.dumps(entry, ensure_ascii=False))
        return 0
    if args.rollback is not None:
        try:
            print(f"restored version {args.rollback} as version {rollback(data_dir, args.rollback)}")
        except ValueError as error:
            print(error, file=sys.stderr)
            return 1
        return 0
    if args.file is None or args.table is None:
        parser.error("FILE and --table are needed (or --versions, or --rollback N)")
    defaults = {}
    for item in args.set:
        column, sep, value = item.partition("=")
        if not sep or column not in schema.TABLES[args.table].column_names:
            parser.error(f"--set {item}: use COLUMN=VALUE with a column of {args.table}")
        defaults[column] = value
    try:
        mapping = Mapping.load(args.mapping) if args.mapping else Mapping()
    except (OSError, ValueError) as error:
        parser.error(f"--mapping: {error}")
    mapping.defaults.update(defaults)
    terminal = Terminal()
    try:
        terminal(i18n.t("progress.reading", "en", file=args.file.name), 0, 2)
        sheet = readers.read(args.file, sheet=args.sheet, encoding=args.encoding, known_headers=known_headers())
    except readers.ReadError as error:
        terminal.close()
        print(error)
        return 1
    terminal(i18n.t("progress.checking", "en", n=i18n.fmt_count(len(sheet.rows), "en")), 1, 2)
    result = prepare(sheet, args.table, db.Database(data_dir), mapping, args.mode)
    terminal.close()
    if args.save_mapping:
        result.mapping.save(args.save_mapping)
    if result.mapping.defaults:
        print("defaults for columns the file lacks: "
              + ", ".join(f"{k}={v}" for k, v in result.mapping.defaults.items()) + " (change with --set)")
    for note_row, text in sheet.notes:
        print(f"{sheet.file}: row {note_row}: left out as a note below the table: '{text[:60]}'")
    for problem in result.problems:
        print(problem)
    if result.unknown_items:
        print(result.unknown_items_note())
    print(f"{len(result.valid)} valid rows, {len(result.rejected_rows)} rejected, "
          f"{len(result.new_enterprises)} new enterprises")
    if args.dry_run or (result.problems and not args.accept_valid) or result.valid.empty:
        if result.problems:
            print("nothing was imported" + ("" if args.dry_run else "; fix the file, or use --accept-valid"))
        return 1 if result.problems else 0
    with Terminal() as terminal:
        version = commit(result, data_dir, args.mode, args.file.name, progress=terminal, lang="en")
    if result.problems:
        report, rejected = write_rejects(result, sheet, data_dir / VERSIONS / str(version))
        print(f"report: {report}; rejected rows: {rejected}")
    print(f"imported as version {version}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
