"""Files with one row per test item become one batch per sample, and their items a table of their own.

The national food sampling system's export repeats a sample's 抽样编号 on a row per test item (检验项目, 检验结果,
结果单位, 判定依据, 结果判定); a published notice lists a failed batch over several rows under one merged 序号, or
puts several items in one cell, each as 不合格项目║检验结果║标准值 or as "检验值：0.290g/kg；标准值：≤0.2g/kg"; a
re-publication has a row per failed item and no sample id at all. Here, inside the import's DuckDB connection
(qcity.intake.checks.Import), such a file's `fields` are rebuilt with one row per batch, keyed by the sample id,
else the 序号, else everything that describes the batch:

- its verdict from the report class (合格报告 passes; 一般不合格报告, 问题样品 ... fail), else from its items (one that
  fails fails it), and for a failures-only source (a notice) failed;
- its failed items in the file's order, joined by 、;
- any other field its rows disagree on (two dates, two places) is a problem of the batch, never a guess.

Each item row is kept for `inspection_items`: the item as written, the result and the limit as written and as
numbers (≤0.2 -> le 0.2; 不得检出 -> not_detected), the unit, the item's verdict.
"""

from __future__ import annotations

from qcity.intake.mapping import HELPERS

ITEM_FIELDS = ("item", "item_result", "item_unit", "item_limit", "item_verdict")
FAILED_CLASS = "(不合格|问题|限时)"  # report classes of failed samples: 一般不合格报告, 问题样品, 24小时限时报告
PASSED_CLASS = "^合格"
NUMBER = r"([0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?)"


def helper_fields(imp) -> list[str]:
    """The helper fields (mapping.HELPERS, and the enterprise's name) the mapping takes from the file."""
    return [h for h in [*HELPERS, "enterprise"] if imp.mapping.columns.get(h) in imp.position]


def is_item_file(imp) -> bool:
    """Whether the file has a row per test item: declared in the mapping, or found: item columns (or a notice's
    ║ cells) and a batch key that repeats."""
    mapping = imp.mapping
    if mapping.grain in ("item", "batch"):
        return mapping.grain == "item"
    helpers = set(helper_fields(imp))
    notice_cells = (
        "failed_items" in mapping.columns
        and imp.con.execute(
            "select count(*) from fields where failed_items like '%║%' or failed_items like '%检验值%'"
        ).fetchall()[0][0]
    )
    if not ({"item"} & helpers or notice_cells or {"item_result", "item_limit"} <= helpers):
        return False
    key = batch_key(imp)
    repeated = imp.con.execute(f"select count(*) > count(distinct {key}) from fields").fetchall()[0][0]
    return bool(repeated or notice_cells or "item" in helpers)


def batch_key(imp) -> str:
    """What identifies a batch among the rows: the sample id, else the notice's 序号, else all that describes it."""
    if "sample_id" in imp.mapping.columns:
        return "sample_id"
    if "sequence" in helper_fields(imp):
        return "h_sequence"
    described = [c.name for c in imp.table.columns if c.name in imp.mapping.columns and c.name != "failed_items"]
    described += [f"h_{h}" for h in helper_fields(imp) if h not in ITEM_FIELDS and h != "report_class"]
    return "concat_ws(chr(31), " + ", ".join(f"coalesce({c}, '')" for c in described) + ")" if described else "_row"


def to_batches(imp) -> None:
    """Rebuild `fields` with one row per batch, and keep the item rows in `item_rows` (batch_row: the first row of
    its batch, which the batch's `_row` is, whether or not that row names an item)."""
    key = batch_key(imp)
    helpers = set(helper_fields(imp))
    imp.con.execute(f"create table keyed as select min(_row) over (partition by {key}) as batch_row, * from fields")
    imp.con.execute(f"create table item_rows as {_entries_sql(imp, helpers)}")
    imp.con.execute("drop table keyed")
    batch_columns = [c.name for c in imp.table.columns if c.name not in ("passed", "failed_items", "failed_item")]
    batch_columns += [f"h_{h}" for h in sorted(helpers) if h not in ITEM_FIELDS]
    agreed = []
    for name in batch_columns:
        agreed.append(f"case when count(distinct {name}) > 1 then null else any_value({name}) end as {name}")
        header = imp.mapping.columns.get(name.removeprefix("h_")) or name.removeprefix("h_")
        imp.report(
            f"select min(_row), $header, string_agg(distinct {name}, ' / ' order by {name}), $message "
            f"from fields group by {key} having count(distinct {name}) > 1",
            {
                "header": header,
                "message": "the rows of one sample disagree; fix the file (which one is right is not guessed)",
            },
        )
    verdict = _verdict_sql(imp, helpers)
    imp.con.execute(
        "create table failed_lists as select batch_row, string_agg(item, '、' order by _row, n) "
        "as failed_items from item_rows where failed group by batch_row"
    )
    imp.con.execute(
        f"create table batches as select b.*, l.failed_items from (select min(f._row) as _row, "
        f"{', '.join(agreed)}, {verdict} as passed, any_value(f.failed_item) as failed_item "
        f"from fields as f group by {key}) as b left join failed_lists as l on l.batch_row = b._row"
    )
    imp.con.execute("drop table fields")
    imp.con.execute("alter table batches rename to fields")


def _entries_sql(imp, helpers: set[str]) -> str:
    """One row per test item: a row of an export, or each item a notice's cell lists (split at line breaks), its
    name, result, unit, limit and verdict, and whether it failed."""
    failures_only = imp.mapping.failures_only or (
        "report_class" not in helpers and "item_verdict" not in helpers and "passed" not in imp.mapping.columns
    )
    if "item" in helpers:
        item, result, limit = "h_item", _or_null("h_item_result", helpers), _or_null("h_item_limit", helpers)
        source = "select *, 1 as n from keyed"
    else:  # the failed items' own cell: 不合格项目║检验结果║标准值, one per line, or 检验值：…；标准值：…
        source = (
            "select *, unnest(range(1, len(string_split(regexp_replace(failed_items, '[\\r\\n]+', chr(10), "
            "'g'), chr(10))) + 1)) as n, unnest(string_split(regexp_replace(failed_items, '[\\r\\n]+', "
            "chr(10), 'g'), chr(10))) as entry from keyed where failed_items is not null"
        )
        item = "trim(regexp_replace(split_part(entry, '║', 1), '[（(]?检验值.*$', ''))"
        result = (
            "coalesce(nullif(trim(split_part(entry, '║', 2)), ''), "
            "nullif(regexp_extract(entry, '检验值[:：]\\s*([^；;║]+)', 1), ''), "
            + (_or_null("h_item_result", helpers))
            + ")"
        )
        limit = (
            "coalesce(nullif(trim(split_part(entry, '║', 3)), ''), "
            "nullif(regexp_extract(entry, '标准值[:：]\\s*([^；;║]+)', 1), ''), "
            + (_or_null("h_item_limit", helpers))
            + ")"
        )
    unit = _or_null("h_item_unit", helpers)
    verdict = _or_null("h_item_verdict", helpers)
    failed = (
        "true"
        if failures_only and "item" not in helpers
        else f"coalesce(regexp_matches({verdict}, '不合格|不符合|问题|fail', 'i'), false)"
    )
    return (
        f"select batch_row, _row, n, nullif(trim({item}), '') as item, nullif(trim({result}), '') as result, "
        f"nullif(trim({unit}), '') as unit, nullif(trim({limit}), '') as limit_text, "
        f"nullif(trim({verdict}), '') as verdict, {failed} as failed from ({source}) where {item} is not null"
    )


def _or_null(column: str, helpers: set[str]) -> str:
    return column if column.removeprefix("h_") in helpers else "cast(null as varchar)"


def _verdict_sql(imp, helpers: set[str]) -> str:
    """A batch's verdict as text the import reads (合格 / 不合格): its verdict column, else its report class, else
    failed for a failures-only source, else from its items."""
    if "passed" in imp.mapping.columns:
        return "case when count(distinct f.passed) > 1 then null else any_value(f.passed) end"
    if "report_class" in helpers:
        return (
            f"case when bool_or(regexp_matches(f.h_report_class, '{FAILED_CLASS}')) then '不合格' "
            f"when bool_and(regexp_matches(f.h_report_class, '{PASSED_CLASS}')) then '合格' end"
        )
    if imp.mapping.failures_only or "item_verdict" not in helpers:
        return "'不合格'"
    return (
        "case when bool_or(regexp_matches(f.h_item_verdict, '不合格|不符合|问题|fail', 'i')) then '不合格' "
        "when count(f.h_item_verdict) > 0 then '合格' end"
    )


def _plain(text: str) -> str:
    """A result or limit with its superscripts as digits and without thousands separators (5.2×10⁵ -> 5.2×105)."""
    return f"translate(replace({text}, ',', ''), '⁰¹²³⁴⁵⁶⁷⁸⁹', '0123456789')"


def _number(text: str) -> str:
    """The first number of a result or limit, powers of ten read (5.2×10⁵CFU/g -> 520000; 0.290g/kg -> 0.29)."""
    plain = _plain(text)
    power = f"'{NUMBER}\\s*[×xX*]\\s*10\\^?([0-9]+)'"
    return (
        f"coalesce(try_cast(regexp_extract({plain}, {power}, 1) as double) * "
        f"pow(10, try_cast(regexp_extract({plain}, {power}, 2) as integer)), "
        f"try_cast(regexp_extract({plain}, '{NUMBER}', 1) as double))"
    )


def items_sql() -> str:
    """The staged items of the valid batches, as inspection_items rows: each result and limit also read as numbers
    (0.290g/kg -> 0.29; ≤0.2g/kg -> le 0.2; 0.5~1.0 -> range up to 1.0; 不得检出 -> not_detected), the unit from
    its column, else from the result (0.290g/kg -> g/kg)."""
    comparator = "(?:≤|<=|<|＜|≥|>=|>|＞|不大于|不超过|不高于|不小于|不低于)"
    bare = f"regexp_replace({_plain('i.result')}, '[×xX*]\\s*10\\^?[0-9]+', '')"
    upper = "regexp_extract(i.limit_text, '[~～]\\s*(.*)$', 1)"
    after = _number(f"regexp_replace(i.limit_text, '^\\s*{comparator}', '')")
    return f"""
        select c.sample_id, row_number() over (partition by c.sample_id order by i._row, i.n)::integer as seq,
            i.item, i.result,
            case when i.result is null or regexp_matches(i.result, '未检出|<|＜|ND', 'i') then null
                 else {_number("i.result")} end as value,
            coalesce(i.unit, nullif(trim(regexp_extract({bare}, '{NUMBER}\\s*([^0-9\\s].*)$', 2)), '')) as unit,
            i.limit_text,
            case when regexp_matches(i.limit_text, '[0-9]\\s*[~～]\\s*[0-9]') then {_number(upper)}
                 when regexp_matches(i.limit_text, '^\\s*{comparator}?\\s*[0-9]')
                 then {after} end as limit_value,
            case when regexp_matches(i.limit_text, '不得检出|不得使用|不得添加') then 'not_detected'
                 when regexp_matches(i.limit_text, '[0-9]\\s*[~～]\\s*[0-9]') then 'range'
                 when regexp_matches(i.limit_text, '≤|<=|不大于|不超过|不高于') then 'le'
                 when regexp_matches(i.limit_text, '≥|>=|不小于|不低于') then 'ge'
                 when regexp_matches(i.limit_text, '<|＜|小于|低于') then 'lt'
                 when regexp_matches(i.limit_text, '>|＞|大于|高于') then 'gt' end as limit_op,
            case when i.verdict is null then (case when i.failed then false end)
                 else not regexp_matches(i.verdict, '不合格|不符合|问题|fail', 'i') end as passed
        from item_rows as i join valid_batches as c on c._row = i.batch_row
    """
