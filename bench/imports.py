"""Benchmark: imports, each in a fresh process with its peak memory, into a copy of the 10 M-row demo (hard links:
the copy costs nothing and the demo stays as it was). Writes the "Imports" section of bench/RESULTS.md.

    PYTHONPATH=. .venv/bin/python -m bench.imports

- 1,000,000 rows of the demo's own columns as CSV, appended, the rollup rebuilt (issue 26: at most 10 s and 1 GB;
  before, 103 s and 3.6 GB);
- the same rows as an .xlsx sheet: a dry run, then the import (at most 30 s; before, a dry run took 156 s and
  3.3 GB);
- a bad file of 1,000,000 rows (every row with an unknown district, every tenth with a date that is none): the
  report must still name file, row, column and value, the first 1,000 listed and all counted;
- 10,000,000 item rows as the national system exports them (1,000,000 samples x 10 items) into the city's empty
  skeleton: it must not run out of memory.

Inputs are generated once under bench/cache/import/.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from bench.common import peak_rss_mb, replace_section
from bench.run import CACHE, ROOT, data_dir, machine
from qcity.intake import demo, ingest

HEADING = "## Imports (issue 26)"
INPUTS = CACHE / "import"
BEFORE = {"csv": "103 s / 3.6 GB", "xlsx dry run": "156 s / 3.3 GB"}


def child(args: list[str]) -> None:
    """In the measured process: run the import, then print its exit code, what it printed last and peak memory."""
    start = time.perf_counter()
    code = ingest.main(args)
    print(json.dumps({"code": code, "seconds": time.perf_counter() - start, "rss_mb": peak_rss_mb()}))


def measure(args: list[str]) -> tuple[dict, str]:
    result = subprocess.run(
        [sys.executable, "-m", "bench.imports", "--child", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    lines = result.stdout.strip().splitlines()
    if result.returncode or not lines:
        raise SystemExit(f"import failed: {result.stderr[-2000:]}")
    return json.loads(lines[-1]), "\n".join(lines[:-1])


def linked_copy(source: Path, target: Path) -> Path:
    shutil.copytree(source, target, copy_function=os.link)
    return target


def demo_rows_csv() -> Path:
    """1,000,000 rows of another demo city (its sample ids prefixed, so that none is already in the 10 M)."""
    out = INPUTS / "inspections-1m.csv"
    if not out.exists():
        INPUTS.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory() as folder:
            demo.DemoCity("changsha", 1_000_000, 11).write(Path(folder))
            duckdb.sql(
                f"copy (select * replace ('NEW' || sample_id as sample_id) from "
                f"read_parquet('{folder}/inspections.parquet')) to '{out}' (header)"
            )
    return out


def demo_rows_xlsx(csv: Path) -> Path:
    out = INPUTS / "inspections-1m.xlsx"
    if not out.exists():
        import openpyxl

        book = openpyxl.Workbook(write_only=True)
        sheet = book.create_sheet("data")
        for row in duckdb.sql(f"select * from read_csv('{csv}', all_varchar = true)").fetchall():
            sheet.append(row)
        book.save(out)
    return out


def bad_csv(csv: Path) -> Path:
    out = INPUTS / "inspections-1m-bad.csv"
    if not out.exists():
        duckdb.sql(
            f"copy (select * replace ('火星区' as district_code, case when row_number() over () % 10 = 0 "
            f"then 'not a date' else sample_date end as sample_date) from read_csv('{csv}', all_varchar = "
            f"true)) to '{out}' (header)"
        )
    return out


def item_rows_csv() -> Path:
    """10,000,000 rows as the national system exports them: 1,000,000 samples x 10 items, 1 in 50 failing one."""
    out = INPUTS / "items-10m.csv"
    if not out.exists():
        duckdb.sql(f"""
            copy (
                select
                    'GC' || lpad((i // 10)::varchar, 8, '0') as 抽样编号,
                    case when (i // 10) % 50 = 0 then '一般不合格报告' else '合格报告' end as 报告分类,
                    (date '2025-01-01' + ((i // 10) % 330)::integer)::varchar as 抽样日期,
                    '【示例】经营店' || ((i // 10) % 5000)::varchar as 被抽样单位名称,
                    ['芙蓉区', '天心区', '岳麓区', '开福区', '雨花区', '望城区', '长沙县', '浏阳市', '宁乡市']
                        [1 + (i // 10) % 9] as 被抽样单位所在县,
                    ['粮食加工品', '乳制品', '调味品', '肉制品', '糕点', '食用农产品'][1 + (i // 10) % 6] as 食品大类,
                    ['铅(以Pb计)', '镉(以Cd计)', '菌落总数', '大肠菌群', '霉菌', '苯甲酸及其钠盐(以苯甲酸计)',
                     '山梨酸及其钾盐(以山梨酸计)', '脱氢乙酸及其钠盐(以脱氢乙酸计)', '总砷(以As计)', '酸价']
                        [1 + i % 10] as 检验项目,
                    case when (i // 10) % 50 = 0 and i % 10 = 2 then '0.35' else '0.05' end as 检验结果,
                    'mg/kg' as 结果单位,
                    '≤0.2' as 判定依据,
                    case when (i // 10) % 50 = 0 and i % 10 = 2 then '不合格' else '合格' end as 结果判定
                from range(10000000) as t(i)
            ) to '{out}' (header)""")
    return out


def main() -> None:
    csv = demo_rows_csv()
    sources = {"csv": csv, "xlsx": demo_rows_xlsx(csv), "bad": bad_csv(csv), "items": item_rows_csv()}
    demo10m = data_dir(10_000_000)
    defaults = ["--set", "level=municipal", "--set", "kind=supervision"]
    rows = []
    with tempfile.TemporaryDirectory(dir=CACHE) as folder:

        def run(label: str, source: str, extra: list[str], fresh: Path | None = None, note: str = "") -> None:
            target = fresh or linked_copy(demo10m, Path(folder) / label.replace(" ", "-"))
            result, out = measure([sources[source], "--table", "inspections", "--data-dir", target, *extra])
            summary = next((line for line in reversed(out.splitlines()) if "valid rows" in line), "")
            print(
                f"{label}: {result['seconds']:.1f} s, {result['rss_mb']:.0f} MB, exit {result['code']}: {summary}",
                flush=True,
            )
            rows.append((label, result, summary, note or BEFORE.get(label, "")))
            if source == "bad":
                listed = sum(1 for line in out.splitlines() if line.startswith(sources[source].name + ": row "))
                rows[-1] = (
                    label,
                    result,
                    f"{summary}; {listed:,} problems listed, then: "
                    + next((line for line in out.splitlines() if line.startswith("...")), ""),
                    "",
                )

        run("csv", "csv", defaults)
        run("xlsx dry run", "xlsx", [*defaults, "--dry-run"])
        run("xlsx", "xlsx", defaults)
        run("bad csv dry run", "bad", [*defaults, "--dry-run"])
        skeleton = Path(folder) / "skeleton"
        shutil.copytree(ROOT / "data" / "cities" / "changsha", skeleton)
        demo.sector_catalogue().to_csv(skeleton / "sectors.csv", index=False)
        run(
            "10 M item rows",
            "items",
            [*defaults, "--accept-valid"],
            fresh=skeleton,
            note="1,000,000 batches into the empty skeleton",
        )
    replace_section(ROOT / "bench" / "RESULTS.md", HEADING, results_table(rows))


def results_table(rows: list[tuple]) -> str:
    """The section of bench/RESULTS.md: how it was measured, a row per import, and what is left to do."""
    body = [
        f"Produced by `python -m bench.imports`: {machine()}. Each import in a "
        "fresh process (`python -m qcity.ingest`), timed from reading the file to the new version written and "
        "the rollup rebuilt; *peak* is that process's VmHWM. The import's DuckDB is limited to "
        "QCITY_IMPORT_MEMORY (512 MB) and spills to disk beyond it.",
        "",
        "| import | rows | seconds | peak MB | what the import said | before / note |",
        "|---|---|---|---|---|---|",
    ]
    counts = {
        "csv": "1,000,000",
        "xlsx dry run": "1,000,000",
        "xlsx": "1,000,000",
        "bad csv dry run": "1,000,000",
        "10 M item rows": "10,000,000",
    }
    for label, result, summary, before in rows:
        body.append(
            f"| {label} | {counts[label]} | {result['seconds']:.1f} | {result['rss_mb']:.0f} | "
            f"{summary.replace('|', '/')} | {before} |"
        )
    body += [
        "",
        "The 10 M item rows: the file is held whole as Arrow text while it is checked (1.6 GB for this 1.3 GB "
        "CSV), beside the import's DuckDB (512 MB, spilling beyond); streaming the read straight into DuckDB "
        "would take the peak down to about 1 GB and is not done yet.",
    ]
    return "\n".join(body)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(sys.argv[2:])
    else:
        main()
