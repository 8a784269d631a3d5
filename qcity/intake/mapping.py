"""How a file's columns become a table's: the mapping (saved as JSON and reused for the next file of the same shape),
and the guess that fills it in from the file's headers by name and by the aliases agencies' files use."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from qcity.intake import readers
from qcity.store import schema

ALIASES = {  # header aliases per schema column (compared after readers.normalise_header)
    "sample_id": ["样品编号", "抽样单编号", "抽样编号", "样品id", "id"],
    # a notice has no sampling date: its date (公告日期) stands for the period, after the sampling dates
    "sample_date": [
        "抽样日期",
        "采样日期",
        "抽检日期",
        "sampledate",
        "date",
        "日期",
        "公告日期",
        "通告日期",
        "发布日期",
    ],
    "district_code": [
        "district",
        "区县",
        "地区",
        "区域",
        "所属区县",
        "区县代码",
        "行政区",
        "被抽样单位所在县",
        "所在县",
        "所在区县",
        "辖区",
    ],
    "sector_code": ["sector", "行业", "类别", "食品类别", "产品类别", "行业代码", "行业类别"],
    "product": ["样品名称", "产品名称", "品名", "样品", "食品名称", "物料名称"],
    "level": ["抽检级别", "任务级别", "级别"],
    "kind": ["抽检类型", "任务类别", "监测类型", "类型"],
    "passed": ["result", "检验结论", "结果", "判定结论", "结论", "是否合格"],
    "failed_item": ["不合格类别", "不合格项目类别", "问题类别", "failurecategory"],
    "failed_items": [
        "不合格项目",
        "不合格项",
        "不合格原因",
        "不合格检验项目",
        "不合格项目名称",
        "failure",
        "reason",
        "faileditems",
        "violation",
        "violations",
        "不合格项目║检验结果║标准值",
        "不合格项目||检验结果||标准值",
    ],
    "enterprise_id": ["企业编号", "企业代码", "统一社会信用代码"],
    "name": ["企业名称", "名称"],
}
ENTERPRISE_NAME_ALIASES = [
    "enterprise",
    "enterprisename",
    "企业名称",
    "被抽样单位名称",
    "被抽样单位",
    "生产企业名称",
    "生产企业",
    "单位名称",
    "供应商",
    "经营者名称",
    "销售单位名称",
]
# Columns of sampling files that are no column of the inspections table but say where a sample was taken, what it
# is, and (a file with one row per test item) each item's result: qcity.intake.places reads the places,
# qcity.intake.categories the categories, qcity.intake.items the items.
HELPERS = {
    "sequence": ["序号"],
    "city": ["被抽样单位所在地市", "所在地市", "所在市", "地市"],
    "province": ["被抽样单位省", "被抽样单位所在省份", "被抽样单位所在省", "所在省份", "省份"],
    "publisher": ["发布单位", "公告单位", "通告单位"],
    "address": ["被抽样单位地址", "受检单位地址", "经营地址", "地址"],
    "producer_address": ["标识生产企业地址", "标称生产企业地址", "生产企业地址"],
    "category": ["产品分类", "食品分类", "分类"],
    "category_major": ["食品大类", "大类"],
    "category_sub": ["食品亚类", "亚类"],
    "category_variety": ["食品品种", "品种"],
    "category_detail": ["食品细类", "细类"],
    "item": ["检验项目", "检测项目", "项目名称"],
    "item_result": ["检验结果", "检测结果", "检验值", "实测值"],
    "item_unit": ["结果单位", "单位", "计量单位"],
    "item_limit": ["标准最大允许限", "最大允许限", "标准值", "限量值", "判定依据", "标准要求", "标准规定"],
    "item_verdict": ["结果判定", "单项判定", "判定", "单项结论"],
    "report_class": ["报告分类", "报告类别"],
    "task_source": ["任务来源", "任务来源/项目名称", "项目名称/任务来源"],
}
SUGGESTED_DEFAULTS = {  # for required columns agency files usually lack; shown to the user, who may change them
    "inspections": {"level": "municipal", "kind": "supervision"},
}


@dataclass
class Mapping:
    """How a file's columns become a table's: saved as JSON and reused for the next file of the same shape.

    `columns`: schema column -> file header. `defaults`: schema column -> value for columns the file lacks.
    `values`: schema column -> {file value: stored value}, e.g. postal codes or local names. `pass_rule`: how to
    derive `passed` from a score or grade, {"column": header, "at_least": 86} or {"column": header, "in": [...]}.
    `date_format`: how the file writes dates when not year first (e.g. "%m/%d/%Y"); year-first forms always work.
    `grain`: "item" for a file with one row per test item (found by itself when sample ids repeat with different
    items), "batch" to say it is not. `failures_only`: the file lists only failed batches (a published notice);
    its pass rates need the totals in sampling_totals.
    """

    columns: dict[str, str] = field(default_factory=dict)
    defaults: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    pass_rule: dict | None = None
    date_format: str | None = None
    grain: str | None = None
    failures_only: bool = False

    @classmethod
    def from_json(cls, text: str | bytes) -> Mapping:
        """A mapping from its JSON text; a ValueError says what is wrong with it."""
        data = json.loads(text)
        if not isinstance(data, dict):
            raise ValueError(
                "a mapping is a JSON object with columns, defaults, values, pass_rule, date_format, grain "
                "and failures_only"
            )
        unknown = set(data) - {"columns", "defaults", "values", "pass_rule", "date_format", "grain", "failures_only"}
        if unknown:
            raise ValueError(f"unknown mapping keys {', '.join(sorted(unknown))}")
        if data.get("grain") not in (None, "item", "batch"):
            raise ValueError('grain is "item" (one row per test item) or "batch" (one row per sample)')
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
    if table.name == "inspections":
        taken = set(guessed.values())
        for helper, aliases in HELPERS.items():
            found = next(
                (
                    headers[a]
                    for a in map(readers.normalise_header, aliases)
                    if a in headers and headers[a] not in taken
                ),
                None,
            )
            if helper not in guessed and found:
                guessed[helper] = found
                taken.add(found)
    suggested = {k: v for k, v in SUGGESTED_DEFAULTS.get(table.name, {}).items() if k not in guessed}
    if mapping.failures_only and "passed" in table.column_names and "passed" not in guessed:
        suggested["passed"] = "false"  # a notice lists failed batches only
    return Mapping(
        guessed,
        {**suggested, **mapping.defaults},
        dict(mapping.values),
        mapping.pass_rule,
        mapping.date_format,
        mapping.grain,
        mapping.failures_only,
    )


def known_headers() -> set[str]:
    """Every header any table recognises, to find the header row below title rows."""
    names = {c.name for t in schema.TABLES.values() for c in t.columns}
    names |= {a for aliases in [*ALIASES.values(), *HELPERS.values()] for a in aliases} | set(ENTERPRISE_NAME_ALIASES)
    return {readers.normalise_header(n) for n in names}
