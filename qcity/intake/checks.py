"""The import's checks, in DuckDB: a sheet's text cells mapped onto a table of the schema, every cell parsed by its
column's type and checked, the problems listed by row and column, the valid rows written as Parquet.

No cell passes through Python one by one: the sheet (Arrow) is a DuckDB table, each check one statement over all
rows, so a million rows take seconds and DuckDB's memory limit holds (beyond it, work spills to disk). The SQL is
built here from the schema's own column names and from positions (c0, c1 ... the file's columns in order); what a
user gave (headers, defaults, value maps, rules, the file's name) only ever reaches it as bound parameters or as
rows of small lookup tables.

Checks, in the order problems are listed: each column by its type (codes of districts and sectors by code or name,
enumerations in either language, dates in the forms agencies write, verdicts, numbers within their range),
indicator ids, the pass rule, enterprises named by a column (known ones by name, new ones added), the district and
sector a row lacks taken from its enterprise, required values, and keys (repeated in the file, or already loaded).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from qcity import i18n
from qcity.analysis.indicators import INDICATORS
from qcity.intake import categories, items, places
from qcity.intake.mapping import Mapping
from qcity.intake.readers import Sheet
from qcity.store import db, schema, tables
from qcity.store.tables import sql_literal

NO_ITEMS = ["/", "／", "-", "—", "－", "无", "none", "n/a", ""]  # what result files write where no item failed
TRUE_WORDS = ["合格", "是", "pass", "passed", "true", "yes", "y", "1", "√"]
FALSE_WORDS = ["不合格", "否", "fail", "failed", "false", "no", "n", "0", "×"]
DATE_FORMATS = ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日", "%Y-%m-%d %H:%M:%S"]
EARLIEST = date(1990, 1, 1)
REFERENCED = ("districts.district_code", "sectors.sector_code")  # resolved from codes or names
LISTED = 1000  # problems kept in the result in full; all are counted, and all are in its problems file
STAGING = Path(tempfile.gettempdir()) / "qcity-staging"  # checked rows wait here for their commit
STAGING_HOURS = 24  # staged imports nobody committed are removed after this
DUCKDB_TYPES = {
    "VARCHAR": pa.string(),
    "INTEGER": pa.int64(),
    "DOUBLE": pa.float64(),
    "BOOLEAN": pa.bool_(),
    "DATE": pa.date32(),
}


@dataclass
class Problem:
    """One thing wrong with the file, and where."""

    file: str
    row: int | None
    column: str | None
    value: str | None
    message: str

    def __str__(self) -> str:
        where = ", ".join(
            p
            for p in (
                f"row {self.row}" if self.row else "",
                f"column {self.column}" if self.column else "",
                f"value '{self.value}'" if self.value else "",
            )
            if p
        )
        return f"{self.file}: {where + ': ' if where else ''}{self.message}"


@dataclass
class Checked:
    """What the checks found: the valid rows (staged as Parquet, typed as the schema says), the problems (the
    first LISTED here, all in the staged problems file), the rows rejected, the enterprises a name column adds and
    the failed test items the dictionary does not know."""

    table: str
    staged: Path
    valid_rows: int
    problems: list[Problem]
    problem_count: int
    rejected_rows: list[int]
    new_enterprises: pd.DataFrame
    unknown_items: dict[str, int] = field(default_factory=dict)
    outside: list[tuple[int, str]] = field(default_factory=list)  # rows lying elsewhere: (row, what placed them)
    unplaced: list[tuple[int, str]] = field(default_factory=list)  # rows no text places: (row, their texts)
    new_rows: dict[str, pd.DataFrame] = field(default_factory=dict)  # rows to add to small tables (sectors, ...)
    unknown_categories: dict[str, int] = field(default_factory=dict)  # food categories the classification lacks
    item_rows: int = 0  # test items staged for inspection_items (a file with one row per test item)
    already: list[tuple[int, str]] = field(default_factory=list)  # a notice's batches already in the data: left out
    supersedes: list[str] = field(default_factory=list)  # sample ids of notice batches this full file replaces

    @property
    def valid_file(self) -> Path:
        return self.staged / "valid.parquet"

    @property
    def problems_file(self) -> Path:
        return self.staged / "problems.parquet"

    @property
    def items_file(self) -> Path:
        return self.staged / "items.parquet"

    def valid(self) -> pa.Table:
        """The valid rows (for small imports: the table editor, tests)."""
        import pyarrow.parquet as pq

        return pq.read_table(self.valid_file)


def stage_folder() -> Path:
    """A new folder for one import's checked rows; folders older than STAGING_HOURS are removed on the way."""
    STAGING.mkdir(parents=True, exist_ok=True)
    cutoff = time.time() - STAGING_HOURS * 3600
    for old in STAGING.iterdir():
        try:
            if old.stat().st_mtime < cutoff:
                shutil.rmtree(old, ignore_errors=True)
        except FileNotFoundError:
            continue
    return Path(tempfile.mkdtemp(prefix="import-", dir=STAGING))


def connect() -> duckdb.DuckDBPyConnection:
    """A connection for one import, within the app's memory limit; beyond it, work spills to disk."""
    return duckdb.connect(
        config={
            "memory_limit": os.environ.get("QCITY_IMPORT_MEMORY", "512MB"),
            "temp_directory": tables.SPILL_DIR,
            "preserve_insertion_order": True,
        }
    )


class Import:
    """The checks of one sheet against one table: each step a statement over all rows of `fields` (the mapped
    text) and `checked` (the parsed values), each problem a row of `problems`."""

    def __init__(self, sheet: Sheet, table: schema.Table, database: db.Database, mapping: Mapping, mode: str):
        self.sheet, self.table, self.database, self.mapping, self.mode = sheet, table, database, mapping, mode
        self.con = connect()
        self.con.register("cells", sheet.table)
        self.con.execute(
            "create table problems (stage integer, row bigint, col varchar, value varchar, message varchar)"
        )
        self.stage = 0
        self.position = {header: i for i, header in enumerate(sheet.columns)}
        self.itemised = False
        self.new_rows: dict[str, list[tuple]] = {}
        self.unknown_categories: dict[str, int] = {}
        self.already: list[tuple[int, str]] = []
        self.supersedes: list[str] = []
        self.everything_bad = False  # a problem with the file as a whole rejects every row

    # --- bookkeeping ------------------------------------------------------------------------------------------

    def report(self, sql: str, params: dict | None = None) -> None:
        """Add the rows of `sql` (row, col, value, message) as problems of the next stage."""
        self.stage += 1
        self.con.execute(f"insert into problems select $stage, * from ({sql})", {"stage": self.stage, **(params or {})})

    def file_problem(self, column: str | None, message: str) -> None:
        """A problem with the file as a whole (a column it lacks): every row is rejected."""
        self.stage += 1
        self.con.execute(
            "insert into problems values ($stage, null, $col, null, $message)",
            {"stage": self.stage, "col": column, "message": message},
        )
        self.everything_bad = True

    def bad_rows_sql(self) -> str:
        return (
            "select _row from cells"
            if self.everything_bad
            else "select distinct row as _row from problems where row is not null"
        )

    def source(self, column: schema.Column) -> str:
        """How problems name a column: the file's header, else the table's column name."""
        return self.mapping.columns.get(column.name) or column.name

    # --- the steps --------------------------------------------------------------------------------------------

    def run(self, folder: Path) -> Checked:
        self.map_fields()
        self.itemised = self.table.name == "inspections" and items.is_item_file(self)
        if self.itemised:
            items.to_batches(self)
        self.parse()
        if self.table.name == "inspections":
            if self.mapping.failures_only:
                self.con.execute("update checked set failures_only = true")
            self.sectors_from_categories()
            self.place()
        if "indicator" in self.table.column_names:
            self.check_indicators()
        if "passed" in self.table.column_names and self.mapping.pass_rule:
            self.apply_pass_rule()
        unknown = self.categorise_failed_items() if "failed_items" in self.table.column_names else {}
        new_enterprises = self.enterprises()
        self.check_required()
        self.check_keys()
        return self.finish(folder, new_enterprises, unknown)

    def map_fields(self) -> None:
        """`fields`: one text column per schema column, from the file's column, a default, or nothing; value maps
        applied (a file value -> the stored one, e.g. postal codes -> district codes)."""
        expressions, params = [], {}
        for i, column in enumerate(self.table.columns):
            header = self.mapping.columns.get(column.name)
            if header is not None and header not in self.position:
                self.file_problem(
                    header, f"the mapping names column '{header}' for {column.name}, but the file has no such column"
                )
                text = "cast(null as varchar)"
            elif header is not None:
                text = f"c{self.position[header]}"
            elif column.name in self.mapping.defaults:
                params[f"default_{i}"] = str(self.mapping.defaults[column.name])
                text = f"cast($default_{i} as varchar)"
            else:
                text = "cast(null as varchar)"
            values = self.mapping.values.get(column.name) or {}
            if values:
                self.con.register(
                    f"value_map_{i}",
                    pd.DataFrame({"from_text": [str(k) for k in values], "to_text": [str(v) for v in values.values()]}),
                )
                text = f"coalesce((select to_text from value_map_{i} where from_text = {text}), {text})"
            expressions.append(f"{text} as {column.name}")
        if self.table.name == "inspections":  # what says where a sample was taken, what it is, its items
            expressions += [f"c{self.position[self.mapping.columns[h]]} as h_{h}" for h in items.helper_fields(self)]
        self.con.execute(f"create table fields as select _row, {', '.join(expressions)} from cells", params)

    def parse(self) -> None:
        """`checked`: every column parsed by its type; a cell that does not parse is a problem, and null. Each
        column's distinct values are parsed once (a million rows hold a few thousand dates), then joined."""
        lookups = self.lookups()
        formats = ([self.mapping.date_format] if self.mapping.date_format else []) + DATE_FORMATS
        params = {"formats": formats, "true_words": TRUE_WORDS, "false_words": FALSE_WORDS}
        selected, joins = [], []
        for column in self.table.columns:
            name = column.name
            if name in lookups:
                value = f"(select code from lookup_{name} where key = lower(trim(text)))"
            elif column.type == "DATE":
                value = (
                    "coalesce(try_strptime(text, $formats)::date, case when regexp_full_match(text, "
                    "'[2-6][0-9]{4}') then date '1899-12-30' + cast(text as integer) end)"
                )
            elif column.type == "BOOLEAN":
                value = (
                    "case when list_contains($true_words, lower(trim(text))) then true "
                    "when list_contains($false_words, lower(trim(text))) then false end"
                )
            elif column.type in ("INTEGER", "DOUBLE"):
                value = "try_cast(replace(text, ',', '') as double)"
            else:
                selected.append(f"f.{name}")
                continue
            used = {k: v for k, v in params.items() if f"${k}" in value}
            self.con.execute(
                f"create table parsed_{name} as select text, {value} as value from "
                f"(select distinct {name} as text from fields where {name} is not null)",
                used,
            )
            selected.append(f"parsed_{name}.value as {name}")
            joins.append(f"left join parsed_{name} on parsed_{name}.text = f.{name}")
        self.con.execute(
            f"create table checked as select f._row, {', '.join(selected)} from fields as f {' '.join(joins)}"
        )
        for column in self.table.columns:
            self.check_column(column, column.name in lookups)

    def lookups(self) -> dict[str, str]:
        """Lookup tables (key -> value) for code columns read by code or name, and for enumerations read in either
        language; returns the columns that have one."""
        out = {}
        values = self.mapping.values
        for column in self.table.columns:
            if column.references in REFERENCED:
                dimension = "districts" if column.name == "district_code" else "sectors"
                keys = _resolver(self.database.table(dimension), column.name, values.get(column.name, {}))
            elif column.enum:
                keys = _enum_lookup(column)
            else:
                continue
            self.con.register(f"lookup_{column.name}", pd.DataFrame({"key": list(keys), "code": list(keys.values())}))
            out[column.name] = column.name
        return out

    def check_column(self, column: schema.Column, looked_up: bool) -> None:
        """A column's cells by the column's type: a code or enumeration looked up, a date, a verdict, a number."""
        name = column.name
        if looked_up and column.references in REFERENCED and self.table.name == "inspections":
            return  # read further from places and food categories (place, sectors_from_categories)
        if looked_up and column.references in REFERENCED:
            kind = "district" if name == "district_code" else "sector"
            self.report_unparsed(column, f"unknown {kind}; known ones are listed in {kind}s.csv")
        elif looked_up:
            self.report_unparsed(column, f"not one of {', '.join(column.values)}")
        elif column.type == "DATE":
            self.check_date(column)
        elif column.type == "BOOLEAN":
            self.report_unparsed(column, "not a verdict (合格/不合格, pass/fail, true/false)")
        elif column.type in ("INTEGER", "DOUBLE"):
            self.check_number(column)

    def column_problems(self, column: schema.Column, where: str, message: str, **params) -> None:
        """Report the cells of `column` in the rows where `where` holds (over fields f and checked c)."""
        self.report(
            f"select f._row, $source, f.{column.name}, $message from fields as f join checked as c using (_row) "
            f"where {where}",
            {"source": self.source(column), "message": message, **params},
        )

    def report_unparsed(self, column: schema.Column, message: str) -> None:
        """Cells written but not read as the column's type (looked up, parsed)."""
        self.column_problems(column, f"f.{column.name} is not null and c.{column.name} is null", message)

    def check_date(self, column: schema.Column) -> None:
        """Dates in the forms agencies write, between EARLIEST and today."""
        name = column.name
        self.report_unparsed(column, "not a date (use YYYY-MM-DD)")
        message = f"date outside {EARLIEST.isoformat()} to today"
        self.column_problems(column, f"c.{name} not between $earliest and current_date", message, earliest=EARLIEST)
        self.con.execute(
            f"update checked set {name} = null where {name} not between $earliest and current_date",
            {"earliest": EARLIEST},
        )

    def check_number(self, column: schema.Column) -> None:
        """Numbers (whole ones for INTEGER) within the column's range."""
        name, whole = column.name, column.type == "INTEGER"
        fraction = f" or c.{name} <> floor(c.{name})" if whole else ""
        where = f"f.{name} is not null and (c.{name} is null{fraction})"
        self.column_problems(column, where, "not a whole number" if whole else "not a number")
        if whole:
            self.con.execute(f"update checked set {name} = null where {name} <> floor({name})")
        bounds = [
            f"c.{name} < {float(column.min)!r}" if column.min is not None else "",
            f"c.{name} > {float(column.max)!r}" if column.max is not None else "",
        ]
        if any(bounds):
            outside = " or ".join(b for b in bounds if b)
            self.column_problems(column, f"({outside})", f"out of range ({column.min} to {column.max})")
            self.con.execute(f"update checked as c set {name} = null where {outside}")

    def unknown_reference(self, name: str, rows: str) -> None:
        """The old, plain problem: a district or sector text that names nothing known (`rows`: their _row)."""
        kind = "district" if name == "district_code" else "sector"
        self.report(
            f"select f._row, $source, f.{name}, $message from fields as f where f._row in ({rows})",
            {
                "source": self.mapping.columns.get(name) or name,
                "message": f"unknown {kind}; known ones are listed in {kind}s.csv",
            },
        )

    def unresolved_texts(self, column: str, helper_names: tuple[str, ...]) -> tuple[list[str], pd.DataFrame]:
        """The rows whose `column` is still unresolved and that the file gives some text for (in `column` or one of
        the helper columns it has, `h_<name>`): those helpers, and their distinct combinations of texts with the
        key each row is joined back on (table `pending`)."""
        helpers = [f"h_{h}" for h in helper_names if f"h_{h}" in self.field_names()]
        columns = [column, *helpers]
        given = " or ".join(f"f.{c} is not null" for c in columns)
        key = "concat_ws(chr(31), " + ", ".join(f"coalesce(f.{c}, '')" for c in columns) + ")"
        self.con.execute(
            f"create or replace table pending as select f._row, {key} as key from fields as f "
            f"join checked as c using (_row) where c.{column} is null and ({given})"
        )
        rows = self.con.execute(
            f"select distinct {key} as key, {', '.join(f'f.{c}' for c in columns)} "
            f"from fields as f where f._row in (select _row from pending)"
        ).fetchall()
        return helpers, pd.DataFrame(rows, columns=["key", *columns], dtype=object)  # object: a missing text stays None

    def sectors_from_categories(self) -> None:
        """A sample whose sector text is no sector, or that names a food category instead (食品大类 ... 细类, or a
        path), counts under the sector its category does (qcity.intake.categories); a category the classification
        does not know counts as other food and is reported with its count. A sector text that is no category
        either is an unknown sector, as before."""
        helpers, texts = self.unresolved_texts(
            "sector_code", ("category_detail", "category_variety", "category_sub", "category_major", "category")
        )
        if texts.empty:
            return
        sectors = categories.Sectors(self.database.table("sectors"))
        read, unknown_text = [], {}
        for row in texts.itertuples(index=False):
            named = [getattr(row, h) for h in helpers]
            found = categories.read([*named, row.sector_code])
            if found is None and not any(named):
                read.append((row.key, None))  # only a sector column, and it names nothing known
                continue
            read.append((row.key, sectors.of(found)))
            if found is None:
                unknown_text[row.key] = next(t for t in named if t)
        self.con.register("category_sectors", pd.DataFrame(read, columns=["key", "sector"]))
        self.con.execute(
            "update checked as c set sector_code = s.sector from pending as p, category_sectors as s "
            "where p._row = c._row and p.key = s.key and s.sector is not null"
        )
        self.unknown_reference(
            "sector_code",
            "select p._row from pending as p join category_sectors as s using (key) where s.sector is null",
        )
        counts = self.con.execute("select key, count(*) from pending group by key").fetchall()
        for key, n in counts:
            if key in unknown_text:
                self.unknown_categories[unknown_text[key]] = self.unknown_categories.get(unknown_text[key], 0) + n
        known = set(sectors.codes)
        for code in sorted({sector for _, sector in read if sector and sector not in known}):
            domain = code.removesuffix("-other")
            zh, en = categories.OTHER_NAMES.get(domain, (f"其他（{domain}）", f"Other ({domain})"))
            self.new_rows.setdefault("sectors", []).append((code, zh, en, domain))

    def place(self) -> None:
        """A sample's district from its place (qcity.intake.places): the county column, the city and province
        columns, a publisher, the address, the unit's name, the producer's address. A row lying in another city
        is left out (not imported, not an error); one no text places waits as unplaced."""
        helpers, texts = self.unresolved_texts(
            "district_code", ("city", "province", "publisher", "address", "enterprise", "producer_address")
        )
        if texts.empty:
            return
        city = self.database.city()
        gazetteer = places.Gazetteer(
            self.database.table("districts"), str(city.get("code", "")), city.get("level", "city")
        )
        names = {
            "district_code": "district",
            "h_city": "city",
            "h_province": "province",
            "h_publisher": "publisher",
            "h_address": "address",
            "h_enterprise": "unit",
            "h_producer_address": "producer_address",
        }
        found = []
        for row in texts.itertuples(index=False):
            given = {names[c]: getattr(row, c) for c in ["district_code", *helpers]}
            where = gazetteer.place(given)
            named = where.status == "unplaced" and given["district"]  # a district column naming no place: a typo
            found.append((row.key, "unknown" if named else where.status, where.code, where.text))
        self.con.register("row_places", pd.DataFrame(found, columns=["key", "status", "code", "text"]))
        self.con.execute(
            "create table places as select p._row, r.status, r.code, r.text from pending as p "
            "join row_places as r using (key)"
        )
        self.con.execute(
            "update checked as c set district_code = p.code from places as p "
            "where p._row = c._row and p.status = 'placed'"
        )
        self.unknown_reference("district_code", "select _row from places where status = 'unknown'")
        for table in ("checked", "fields"):
            self.con.execute(f"delete from {table} where _row in (select _row from places where status = 'outside')")
        self.con.execute("delete from problems where row in (select _row from places where status = 'outside')")

    def field_names(self) -> set[str]:
        return {
            name
            for (name,) in self.con.execute(
                "select column_name from information_schema.columns where table_name = 'fields'"
            ).fetchall()
        }

    def check_indicators(self) -> None:
        """Targets and benchmarks name an indicator of qcity.analysis.indicators."""
        self.con.register("indicators", pd.DataFrame({"id": list(INDICATORS)}))
        self.report(
            "select _row, $source, indicator, $message from checked where indicator is not null and "
            "indicator not in (select id from indicators)",
            {
                "source": self.mapping.columns.get("indicator", "indicator"),
                "message": "unknown indicator id; the Glossary page lists them",
            },
        )
        self.con.execute("update checked set indicator = null where indicator not in (select id from indicators)")

    def apply_pass_rule(self) -> None:
        """`passed` from a score (`at_least`) or a grade (`in`) in another column of the file."""
        rule = self.mapping.pass_rule
        header = rule["column"]
        if header not in self.position:
            self.file_problem(header, f"the pass rule uses column '{header}', which the file does not have")
            return
        score = f"k.c{self.position[header]}"
        if "at_least" in rule:
            self.report(
                f"select _row, $header, {score}, $message from cells as k where {score} is not null and "
                f"try_cast({score} as double) is null",
                {"header": header, "message": "not a number, so the pass rule cannot judge it"},
            )
            judged = f"try_cast({score} as double) >= $limit"
            params = {"limit": float(rule["at_least"])}
        else:
            judged = f"list_contains($grades, trim({score}))"
            params = {"grades": [str(v) for v in rule["in"]]}
        self.con.execute(
            f"update checked as c set passed = {judged} from cells as k where k._row = c._row and "
            f"{score} is not null and (try_cast({score} as double) is not null or $grade_rule)",
            {**params, "grade_rule": "at_least" not in rule},
        )

    def categorise_failed_items(self) -> dict[str, int]:
        """A failed sample that names its failed items but no category takes the one the test-item dictionary
        reads from them; returns the items the dictionary does not know, with how many samples name each (kept
        under `other`, never a reason to reject). A passed sample names none, nor does a placeholder ("/", "无")."""
        self.con.execute(
            f"update checked set failed_items = null where lower(trim(failed_items)) in "
            f"(select unnest({_sql_list(NO_ITEMS)})) or passed"
        )
        texts = [
            t
            for (t,) in self.con.execute(
                "select distinct failed_items from checked where failed_items is not null"
            ).fetchall()
        ]
        if not texts:
            return {}
        read = self.database.query("failed_item_categories", texts=texts)
        self.con.register("item_categories", read)
        self.con.execute(
            "update checked as c set failed_item = r.failed_item from item_categories as r "
            "where c.failed_items = r.text and c.failed_item is null"
        )
        counts = self.con.execute(
            "select item, count(*) as samples from (select unnest(r.unknown_items) as item from checked as c "
            "join item_categories as r on c.failed_items = r.text) group by item order by samples desc, item"
        ).fetchall()
        return dict(counts)

    def enterprises(self) -> pd.DataFrame:
        """Enterprise ids from a column of names: known firms by name, new ones added with a stable id (E- and the
        name's hash); then a row without a district or sector takes its enterprise's, and an id no firm has is a
        problem."""
        columns = list(schema.TABLES["enterprises"].column_names)
        new = pd.DataFrame(columns=columns)
        if "enterprise_id" not in self.table.column_names or self.table.name == "enterprises":
            return new
        known = self.database.table("enterprises")
        self.con.register("known_firms", known)
        header = self.mapping.columns.get("enterprise")
        if header in self.position:
            new = self.firms_by_name(f"k.c{self.position[header]}", columns)
        firms = pd.concat(
            [
                known[["enterprise_id", "district_code", "sector_code"]],
                new[["enterprise_id", "district_code", "sector_code"]],
            ]
        ).drop_duplicates("enterprise_id")
        self.con.register("all_firms", firms)
        for column in ("district_code", "sector_code"):
            if column in self.table.column_names:
                self.con.execute(
                    f"update checked as c set {column} = a.{column} from all_firms as a "
                    f"where c.enterprise_id = a.enterprise_id and c.{column} is null"
                )
        self.report(
            "select _row, $source, enterprise_id, $message from checked where enterprise_id is not null and "
            "enterprise_id not in (select enterprise_id from all_firms)",
            {
                "source": self.mapping.columns.get("enterprise_id", "enterprise_id"),
                "message": "unknown enterprise; import it into enterprises first",
            },
        )
        return new

    def firms_by_name(self, names: str, columns: list[str]) -> pd.DataFrame:
        """Enterprise ids for the rows naming a firm in the cells' expression `names`: a known firm's, else a new
        firm's (returned as enterprises rows), with the district and sector of the first row naming it."""

        def first(column: str) -> str:
            return f"arg_min_null(c.{column}, c._row)" if column in self.table.column_names else "null"

        self.con.execute(
            f"update checked as c set enterprise_id = f.enterprise_id from cells as k, known_firms "
            f"as f where k._row = c._row and {names} = f.name and c.enterprise_id is null"
        )
        fresh = self.con.execute(
            f"select {names} as name, {first('district_code')} as district_code, "
            f"{first('sector_code')} as sector_code, min(c._row) as first from checked as c "
            f"join cells as k using (_row) where {names} is not null and c.enterprise_id is null "
            f"group by {names} order by first"
        ).df()
        if fresh.empty:
            return pd.DataFrame(columns=columns)
        fresh["enterprise_id"] = ["E-" + hashlib.sha1(n.encode()).hexdigest()[:10].upper() for n in fresh.name]
        new = fresh.assign(size=None)[columns]
        self.con.register("new_firms", new)
        self.con.execute(
            f"update checked as c set enterprise_id = n.enterprise_id from cells as k, "
            f"new_firms as n where k._row = c._row and {names} = n.name and "
            f"c.enterprise_id is null"
        )
        return new

    def check_required(self) -> None:
        """A required value that is empty (in a row with no other problem), or a required column the file lacks.
        A row no text placed, and whose enterprise has no district either, counts under places.UNPLACED."""
        if self.con.execute("select count(*) from information_schema.tables where table_name = 'places'").fetchall()[0][
            0
        ]:
            self.con.execute(
                "update checked as c set district_code = $unplaced from places as p where p._row = c._row "
                "and p.status = 'unplaced' and c.district_code is null",
                {"unplaced": places.UNPLACED},
            )
        if "sample_id" in self.table.column_names and "sample_id" not in self.mapping.columns:
            content = " || chr(31) || ".join(f"coalesce(k.c{i}, '')" for i in range(len(self.sheet.columns)))
            self.con.execute(
                f"update checked as c set sample_id = 'IMP-' || upper(substr(sha1($file || chr(31) || "
                f"c._row::varchar || chr(31) || {content}), 1, 16)) from cells as k "
                f"where k._row = c._row",
                {"file": self.sheet.file},
            )
        rows = self.con.execute("select count(*) from checked").fetchall()[0][0]
        for column in (c for c in self.table.columns if c.required):
            empty = self.con.execute(
                f"select count(*) from checked where {column.name} is null and _row not in ({self.bad_rows_sql()})"
            ).fetchall()[0][0]
            if rows and empty == rows and column.name not in self.mapping.columns:  # no row has it, none is bad
                self.file_problem(
                    column.name,
                    f"required column '{column.name}' is not in the file; map a column "
                    f"to it or give a default (--set {column.name}=...)",
                )
            else:
                self.report(
                    f"select _row, $source, null, $message from checked where {column.name} is null and "
                    f"_row not in ({self.bad_rows_sql()})",
                    {"source": self.source(column), "message": "required value is empty"},
                )

    def check_keys(self) -> None:
        """A key repeated in the file (after its first row), or (appending) already in the data."""
        key = [self.table.column(k) for k in self.table.key]
        text = " || '|' || ".join(f"coalesce(cast(cast({k.name} as {k.type}) as varchar), '')" for k in key)
        label = "+".join(self.table.key)
        self.con.execute(
            f"create table keys as select _row, {text} as key, "
            f"row_number() over (partition by {text} order by _row) as nth from checked"
        )
        self.report(
            "select _row, $label, key, $message from keys where nth > 1",
            {"label": label, "message": "the same key appears earlier in this file"},
        )
        if self.mode == "append" and tables.table_exists(self.database.path, self.table):
            self.con.execute(
                tables.table_sql(self.database.path, self.table, self.con).replace(
                    f" {self.table.name} as select", " existing as select", 1
                )
            )
            if self.table.name == "inspections":
                self.notice_overlap(text)
            self.report(
                f"select _row, $label, key, $message from keys where key in (select {text} from existing)",
                {"label": label, "message": "this key is already in the data (use --mode replace to replace)"},
            )

    def notice_overlap(self, key: str) -> None:
        """A sample counts once, whether a notice lists it or a full export has it (抽样编号): a notice's batch
        already in the data is left out (not an error), and a full file's batch that a notice listed replaces the
        notice's (the notice's batch goes when the import is committed). Only the notices' keys are read whole:
        Parquet statistics skip the files and row groups without failures_only rows."""
        if self.mapping.failures_only:
            self.con.execute(
                f"create table already as select _row, key from keys where key in (select {key} from existing)"
            )
            self.already = self.con.execute("select _row, key from already order by _row").fetchall()
            for table in ("keys", "checked", "fields"):
                self.con.execute(f"delete from {table} where _row in (select _row from already)")
            self.con.execute("delete from problems where row in (select _row from already)")
            return
        self.con.execute(
            f"create table superseding as select _row, key from keys where nth = 1 and key in "
            f"(select {key} from existing where failures_only)"
        )
        self.con.execute("delete from keys where _row in (select _row from superseding)")

    def finish(self, folder: Path, new_enterprises: pd.DataFrame, unknown: dict[str, int]) -> Checked:
        """Write the valid rows (typed as the schema says), their test items and every problem into `folder`; keep
        the first problems, and the rows that lie elsewhere or nowhere known."""
        self.con.execute(
            f"create table valid_batches as select * from checked where _row not in ({self.bad_rows_sql()})"
        )
        if self.has_table("superseding"):  # only a valid batch replaces a notice's: a rejected one keeps it
            self.supersedes = [
                k
                for (k,) in self.con.execute(
                    "select key from superseding where _row in (select _row from valid_batches) order by key"
                ).fetchall()
            ]
        item_rows = 0
        if self.itemised:
            item_rows = self.con.execute(
                f"copy ({items.items_sql()} order by sample_id, seq) to "
                f"{sql_literal(str(folder / 'items.parquet'))} (format parquet)"
            ).fetchall()[0][0]
        outside, unplaced = self.place_lists()
        if unplaced and places.UNPLACED not in set(self.database.table("districts").district_code):
            self.new_rows["districts"] = [(places.UNPLACED, "未定位", "Place unknown", "unplaced", None)]
        valid = self.write_valid(folder)
        count, listed = self.write_problems(folder)
        rejected = [
            r for (r,) in self.con.execute(f"select _row from ({self.bad_rows_sql()}) order by _row").fetchall()
        ]
        self.con.close()
        new_rows = {
            name: pd.DataFrame(rows, columns=list(schema.TABLES[name].column_names))
            for name, rows in self.new_rows.items()
        }
        unknown_categories = dict(sorted(self.unknown_categories.items(), key=lambda kv: -kv[1]))
        return Checked(
            self.table.name, folder, valid, listed, count, rejected, new_enterprises, unknown, outside, unplaced,
            new_rows, unknown_categories, item_rows, self.already, self.supersedes,
        )  # fmt: skip

    def has_table(self, name: str) -> bool:
        """Whether a step made the table `name` (places, superseding: only some files need them)."""
        query = "select count(*) from information_schema.tables where table_name = $name"
        return bool(self.con.execute(query, {"name": name}).fetchall()[0][0])

    def place_lists(self) -> tuple[list, list]:
        """The rows lying outside the data's area, and the valid rows nothing placed: (row, text) each."""
        if not self.has_table("places"):
            return [], []
        outside = self.con.execute("select _row, text from places where status = 'outside' order by _row").fetchall()
        unplaced = self.con.execute(
            "select p._row, p.text from places as p join valid_batches as c using (_row) "
            "where p.status = 'unplaced' and c.district_code = $unplaced order by p._row",
            {"unplaced": places.UNPLACED},
        ).fetchall()
        return outside, unplaced

    def write_valid(self, folder: Path) -> int:
        """The valid rows, typed as the schema says, in the file's order, as valid.parquet; how many."""
        names = ", ".join(f"cast({c.name} as {c.type}) as {c.name}" for c in self.table.columns)
        return self.con.execute(
            f"copy (select {names} from checked where _row not in ({self.bad_rows_sql()}) "
            f"order by _row) to {sql_literal(str(folder / 'valid.parquet'))} (format parquet)"
        ).fetchall()[0][0]  # COPY says how many rows it wrote

    def write_problems(self, folder: Path) -> tuple[int, list[Problem]]:
        """Every problem as problems.parquet; how many, and the first LISTED of them."""
        self.con.execute(
            f"copy (select $file as file, row, col as column, value, message from problems "
            f"order by stage, row nulls first) to {sql_literal(str(folder / 'problems.parquet'))} "
            f"(format parquet)",
            {"file": self.sheet.file},
        )
        count = self.con.execute("select count(*) from problems").fetchall()[0][0]
        listed = [
            Problem(self.sheet.file, row, column, value, message)
            for row, column, value, message in self.con.execute(
                f"select row, col, value, message from problems order by stage, row nulls first limit {LISTED}"
            ).fetchall()
        ]
        return count, listed


def check(sheet: Sheet, table_name: str, database: db.Database, mapping: Mapping, mode: str) -> Checked:
    """Map and check a sheet against a table; the valid rows are staged, nothing in the data changes."""
    folder = stage_folder()
    try:
        return Import(sheet, schema.TABLES[table_name], database, mapping, mode).run(folder)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise


def _sql_list(values: list[str]) -> str:
    """A list of our own constant strings as a SQL literal (never a user's value: those are bound)."""
    return "[" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


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
