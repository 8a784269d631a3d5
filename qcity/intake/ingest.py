"""Import: read a file, map it onto a table of the schema, check every cell, and commit it without loss.

One path for the command line and the Data page:

    python -m qcity.ingest FILE --table TABLE [--mapping FILE] [--mode append|replace] [--dry-run]
                           [--accept-valid] [--set COLUMN=VALUE ...] [--sheet NAME] [--report FILE] [--data-dir DIR]
    python -m qcity.ingest --versions [--data-dir DIR]
    python -m qcity.ingest --rollback N [--data-dir DIR]

Exit 0 on success, 1 when the file is rejected (one line per problem: file, row, column, value, what is wrong; the
first 1,000 printed, all counted, all in --report), 2 on a usage error. A rejected file changes nothing. Reading is
qcity.intake.readers, the mapping qcity.intake.mapping, the checks (in DuckDB) qcity.intake.checks, the commit and
its versions qcity.store.versions.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from qcity import i18n
from qcity.intake import checks, readers
from qcity.intake.checks import Problem
from qcity.intake.mapping import Mapping, guess_mapping, known_headers
from qcity.progress import Progress, Terminal, silent
from qcity.store import audit, db, schema, versions

CLI_MAX_MB = 20 * 1024  # the command line takes files up to 20 GB (the Data page: readers.MAX_FILE_BYTES)

__all__ = ["Mapping", "Problem", "Result", "commit", "known_headers", "prepare", "write_rejects"]


@dataclass
class Result(checks.Checked):
    """What an import found (checks.Checked) and the mapping it used."""

    mapping: Mapping | None = None

    def problem_table(self) -> pd.DataFrame:
        """The listed problems as a table: file, row, column, value, message."""
        return pd.DataFrame([p.__dict__ for p in self.problems], columns=["file", "row", "column", "value", "message"])

    def more_problems_note(self) -> str:
        """ "... and 12,345 more problems" when not all are listed ('' when they are)."""
        hidden = self.problem_count - len(self.problems)
        return f"... and {hidden:,} more problems (--report FILE writes them all)" if hidden > 0 else ""

    def notes(self, shown: int = 20) -> list[str]:
        """Lines for the rows that lie elsewhere (left out), those no text places (imported only when accepted,
        under "place unknown"), a notice's batches already in the data (left out) and those a full file replaces,
        the first `shown` of each; and the food categories the classification does not know."""
        lines = []
        for rows, what in (
            (self.outside, "lie outside the data's area and are left out (not an error)"),
            (
                self.unplaced,
                "have no place the import can find; they are imported only with "
                "--accept-valid, under the district 'place unknown' (000000)",
            ),
        ):
            if rows:
                lines.append(
                    f"{len(rows):,} rows {what}: "
                    + "; ".join(f"row {r} '{(t or '')[:40]}'" for r, t in rows[:shown])
                    + (f"; ... and {len(rows) - shown:,} more" if len(rows) > shown else "")
                )
        if self.already:
            lines.append(
                f"{len(self.already):,} batches are already in the data (the same 抽样编号) and are left "
                f"out, so that none counts twice: "
                + ", ".join(f"row {r} '{k}'" for r, k in self.already[:shown])
                + (f"; ... and {len(self.already) - shown:,} more" if len(self.already) > shown else "")
            )
        if self.supersedes:
            lines.append(
                f"{len(self.supersedes):,} batches replace the ones a notice listed under the same 抽样编号: "
                + ", ".join(self.supersedes[:shown])
                + (f"; ... and {len(self.supersedes) - shown:,} more" if len(self.supersedes) > shown else "")
            )
        if self.unknown_categories:
            listed = ", ".join(f"{c} ({n})" for c, n in self.unknown_categories.items())
            lines.append(
                f"{len(self.unknown_categories)} food categor(ies) the national classification does not "
                f"know, counted as other food: {listed}"
            )
        return lines

    def unknown_items_note(self) -> str:
        """The unknown items with their counts, most frequent first, for the import report ('' when none)."""
        if not self.unknown_items:
            return ""
        listed = ", ".join(f"{item} ({n})" for item, n in self.unknown_items.items())
        return (
            f"{len(self.unknown_items)} failed test item(s) not in the test-item dictionary, kept under category "
            f"'other' (add them to test_items.csv to classify them): {listed}"
        )


def prepare(
    sheet: readers.Sheet, table_name: str, database: db.Database, mapping: Mapping | None = None, mode: str = "append"
) -> Result:
    """Map and check a sheet against a table of a database's data directory; nothing in the data is written (the
    valid rows wait in a staging folder for commit)."""
    table = schema.TABLES[table_name]
    mapping = guess_mapping(table, sheet.columns, mapping)
    found = checks.check(sheet, table_name, database, mapping, mode)
    return Result(**found.__dict__, mapping=mapping)


def commit(
    result: Result,
    data_dir: Path,
    mode: str,
    source: str,
    actor: audit.Actor | None = None,
    action: str = "import",
    progress: Progress = silent,
    lang: str = i18n.DEFAULT_LANG,
) -> int:
    """Put the valid rows (and new enterprises) in place as a new version (qcity.store.versions.commit); returns
    its number. `action` is "edit" for the Data page's table editor."""
    changes = [(schema.TABLES[name], rows, "append") for name, rows in result.new_rows.items()]
    if len(result.new_enterprises):
        changes.append((schema.TABLES["enterprises"], result.new_enterprises, "append"))
    if result.supersedes and mode == "append":  # a notice's batches that this full file has: theirs go first
        gone = pd.DataFrame({"sample_id": result.supersedes})
        changes += [(schema.TABLES["inspections"], gone, "drop"), (schema.TABLES["inspection_items"], gone, "drop")]
    changes.append((schema.TABLES[result.table], result.valid_file, mode))
    if result.item_rows:
        changes.append((schema.TABLES["inspection_items"], result.items_file, mode))
    entry = {
        "file": source,
        "table": result.table,
        "mode": mode,
        "rows": result.valid_rows,
        "rejected": len(result.rejected_rows),
        "new_enterprises": len(result.new_enterprises),
        **({"unknown_items": result.unknown_items} if result.unknown_items else {}),
        **({"items": result.item_rows} if result.item_rows else {}),
        **({"outside": len(result.outside)} if result.outside else {}),
        **({"unplaced": len(result.unplaced)} if result.unplaced else {}),
        **({"already_listed": len(result.already)} if result.already else {}),
        **({"supersedes_notice": len(result.supersedes)} if result.supersedes else {}),
        **({"unknown_categories": result.unknown_categories} if result.unknown_categories else {}),
    }
    return versions.commit(Path(data_dir), changes, entry, actor or audit.Actor.command_line(), action, progress, lang)


def write_rejects(result: Result, sheet: readers.Sheet, folder: Path) -> tuple[Path, Path]:
    """The report (one line per problem, every one) and the rejected rows as they were in the file."""
    folder.mkdir(parents=True, exist_ok=True)
    report = folder / "report.txt"
    every = pq.read_table(result.problems_file).to_pylist()
    report.write_text(
        "".join(f"{Problem(p['file'], p['row'], p['column'], p['value'], p['message'])}\n" for p in every),
        encoding="utf-8",
    )
    rejected = folder / "rejected.csv"
    rows = sheet.table.filter(pc.is_in(sheet.table.column("_row"), pa.array(result.rejected_rows, pa.int64())))
    frame = pd.DataFrame(
        {name: rows.column(f"c{i}").to_pylist() for i, name in enumerate(sheet.columns)},
        index=pd.Index(rows.column("_row").to_pylist(), name="row"),
    )
    frame.to_csv(rejected, encoding="utf-8-sig")
    return report, rejected


def main(argv: list[str] | None = None) -> int:
    """`python -m qcity.ingest FILE --table T [...]`: read, check, report, and commit unless told or bound not to;
    or list the versions, or roll back to one."""
    parser = _parser()
    args = parser.parse_args(argv)
    data_dir = args.data_dir or db.data_dir()
    if args.versions or args.rollback is not None:
        return _history(args, data_dir)
    if args.file is None or args.table is None:
        parser.error("FILE and --table are needed (or --versions, or --rollback N)")
    mapping = _mapping(args, parser)
    terminal = Terminal()
    try:
        terminal(i18n.t("progress.reading", "en", file=args.file.name), 0, 2)
        sheet = readers.read(
            args.file,
            sheet=args.sheet,
            encoding=args.encoding,
            known_headers=known_headers(),
            max_bytes=args.max_mb * 2**20,
        )
    except readers.ReadError as error:
        terminal.close()
        print(error)
        return 1
    terminal(i18n.tn("progress.checking", len(sheet), "en", n=i18n.fmt_count(len(sheet), "en")), 1, 2)
    result = prepare(sheet, args.table, db.Database(data_dir), mapping, args.mode)
    terminal.close()
    if args.save_mapping:
        result.mapping.save(args.save_mapping)
    _print_report(result, sheet, args.report)
    refused = (result.problems or result.unplaced) and not args.accept_valid
    if args.dry_run or refused or not result.valid_rows:
        if refused and result.unplaced and not result.problems:
            print("nothing was imported" + ("" if args.dry_run else "; place the rows, or use --accept-valid"))
            return 1
        if result.problems:
            print("nothing was imported" + ("" if args.dry_run else "; fix the file, or use --accept-valid"))
        return 1 if result.problems else 0
    with Terminal() as terminal:
        version = commit(result, data_dir, args.mode, args.file.name, progress=terminal, lang="en")
    if result.problems:
        report, rejected = write_rejects(result, sheet, data_dir / versions.VERSIONS / str(version))
        print(f"report: {report}; rejected rows: {rejected}")
    print(f"imported as version {version}")
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m qcity.ingest", description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", type=Path, help="CSV, .xlsx or Parquet file to import")
    parser.add_argument("--table", choices=sorted(schema.TABLES), help="table to import into")
    parser.add_argument("--mapping", type=Path, help="JSON mapping file (columns, defaults, values, pass_rule)")
    parser.add_argument("--save-mapping", type=Path, help="write the mapping used to this file")
    parser.add_argument("--mode", choices=("append", "replace"), default="append")
    parser.add_argument("--dry-run", action="store_true", help="check and report; change nothing")
    parser.add_argument("--accept-valid", action="store_true", help="import the valid rows even if others fail")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="COLUMN=VALUE",
        help="default for a column the file lacks, e.g. --set level=municipal",
    )
    parser.add_argument(
        "--failures-only",
        action="store_true",
        help="the file lists only failed batches (a "
        "published notice): its batches never enter a pass rate without totals in sampling_totals",
    )
    parser.add_argument(
        "--grain",
        choices=("item", "batch"),
        help="one row per test item (the national system's export) or per batch (default: found from the file)",
    )
    parser.add_argument("--sheet", help="worksheet of an .xlsx file (default: the first)")
    parser.add_argument("--encoding", help="text encoding of a CSV file (default: detected)")
    parser.add_argument("--data-dir", type=Path, default=None, help="data directory (default: QCITY_DATA_DIR or data/)")
    parser.add_argument(
        "--report", type=Path, help="write every problem to this CSV file (file, row, column, value, message)"
    )
    parser.add_argument(
        "--max-mb", type=int, default=CLI_MAX_MB, help=f"refuse files larger than this (default {CLI_MAX_MB})"
    )
    parser.add_argument("--versions", action="store_true", help="list the versions and stop")
    parser.add_argument("--rollback", type=int, metavar="N", help="restore version N and stop")
    return parser


def _history(args: argparse.Namespace, data_dir: Path) -> int:
    """--versions lists the version log; --rollback N restores version N as a new version."""
    if args.versions:
        for entry in versions.versions(data_dir):
            print(json.dumps(entry, ensure_ascii=False))
        return 0
    try:
        restored = versions.rollback(data_dir, args.rollback, audit.Actor.command_line())
    except ValueError as error:
        print(error, file=sys.stderr)
        return 1
    print(f"restored version {args.rollback} as version {restored}")
    return 0


def _mapping(args: argparse.Namespace, parser: argparse.ArgumentParser) -> Mapping:
    """The mapping file's mapping (or an empty one) with the command line's --set, --failures-only and --grain."""
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
    mapping.failures_only = mapping.failures_only or args.failures_only
    mapping.grain = args.grain or mapping.grain
    return mapping


def _print_report(result: Result, sheet: readers.Sheet, report: Path | None) -> None:
    """What the check found, as the command prints it: defaults taken, notes left out, problems, the counts."""
    if result.mapping.defaults:
        print(
            "defaults for columns the file lacks: "
            + ", ".join(f"{k}={v}" for k, v in result.mapping.defaults.items())
            + " (change with --set)"
        )
    for note_row, text in sheet.notes:
        print(f"{sheet.file}: row {note_row}: left out as a note below the table: '{text[:60]}'")
    for problem in result.problems:
        print(problem)
    if note := result.more_problems_note():
        print(note)
    if report:
        pq.read_table(result.problems_file).to_pandas().to_csv(report, index=False, encoding="utf-8-sig")
        print(f"every problem: {report}")
    if result.unknown_items:
        print(result.unknown_items_note())
    for line in result.notes():
        print(line)
    items = f", {result.item_rows:,} test items" if result.item_rows else ""
    placed = f", {len(result.outside):,} outside, {len(result.unplaced):,} unplaced"
    print(
        f"{result.valid_rows:,} valid rows{items}, {len(result.rejected_rows):,} rejected, "
        f"{len(result.new_enterprises):,} new enterprises" + (placed if result.outside or result.unplaced else "")
    )


if __name__ == "__main__":
    sys.exit(main())
