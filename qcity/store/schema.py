"""The data model: every table, its columns, types, keys and allowed values, in one place.

The database views, the demo generator, validation and docs/data/tables.md are all built from
these definitions, so they cannot drift apart. Run `python -m qcity.store.schema` to print the docs.
"""

from __future__ import annotations

from dataclasses import dataclass

DOMAINS = ("manufacturing", "food", "drugs", "agri", "construction", "special_equipment", "services")
DISTRICT_KINDS = ("district", "county", "city", "unplaced")  # unplaced: rows no text placed
ENTERPRISE_SIZES = ("large", "medium", "small", "micro")
LEVELS = ("national", "provincial", "municipal")
INSPECTION_KINDS = ("supervision", "risk_monitoring", "routine_monitoring")
FAILED_ITEMS = (
    "labelling",
    "microbial",
    "pesticide_residue",
    "vet_drug_residue",
    "heavy_metal",
    "additive",
    "performance",
    "electrical_safety",
    "content",
    "hazardous_substance",
    "other",
)
AWARD_STAGES = ("applied", "material_review", "onsite_review", "committee", "nominee", "winner")
STANDARD_LEVELS = ("international", "national", "industry", "local", "group")
STANDARD_ROLES = ("lead", "participate")
BRAND_KINDS = ("well_known_trademark", "geographical_indication", "time_honoured", "provincial_famous")
VIOLATIONS = ("counterfeit", "trademark_infringement", "substandard", "unlicensed", "false_labelling")
CASE_STATUSES = ("open", "closed", "transferred")
BENCHMARK_SCOPES = ("national", "provincial")
EQUIPMENT = (
    "elevator",
    "boiler",
    "pressure_vessel",
    "pressure_pipe",
    "lifting_machinery",
    "field_vehicle",
    "amusement_ride",
)
LIMIT_OPS = ("le", "lt", "ge", "gt", "range", "not_detected")  # ≤, <, ≥, >, a range, 不得检出

# Enumerations whose values are shown to users; each value needs a label in qcity.i18n.
ENUMS = {
    "domain": DOMAINS,
    "district_kind": DISTRICT_KINDS,
    "size": ENTERPRISE_SIZES,
    "level": LEVELS,
    "kind": INSPECTION_KINDS,
    "failed_item": FAILED_ITEMS,
    "stage": AWARD_STAGES,
    "standard_level": STANDARD_LEVELS,
    "role": STANDARD_ROLES,
    "brand_kind": BRAND_KINDS,
    "violation": VIOLATIONS,
    "status": CASE_STATUSES,
    "equipment": EQUIPMENT,
    "scope": BENCHMARK_SCOPES,
    "limit_op": LIMIT_OPS,
}


@dataclass(frozen=True)
class Column:
    """One column: DuckDB type, meaning, and the checks validation applies."""

    name: str
    type: str
    doc: str
    required: bool = True
    enum: str | None = None
    min: float | None = None
    max: float | None = None
    references: str | None = None  # "table.column" this code must exist in

    @property
    def values(self) -> tuple[str, ...]:
        return ENUMS[self.enum] if self.enum else ()


@dataclass(frozen=True)
class Table:
    """One table: a file in the data directory (CSV for dimensions, Parquet for facts)."""

    name: str
    doc: str
    grain: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    storage: str = "parquet"
    large: bool = False  # queried in place from its files; every other table is loaded into memory once
    optional: bool = False  # an absent file is normal (the table only adds to what the repository ships)

    @property
    def file(self) -> str:
        return f"{self.name}.{self.storage}"

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _c(name, type_, doc, **kw) -> Column:
    return Column(name, type_, doc, **kw)


DISTRICT = _c(
    "district_code", "VARCHAR", "administrative code of the district or county", references="districts.district_code"
)
SECTOR = _c("sector_code", "VARCHAR", "sector code", references="sectors.sector_code")
ENTERPRISE = _c("enterprise_id", "VARCHAR", "enterprise id", references="enterprises.enterprise_id")
YEAR = _c("year", "INTEGER", "calendar year", min=1990, max=2100)

TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table(
            "districts",
            "Districts and counties of the city.",
            "one row per district",
            ("district_code",),
            (
                _c("district_code", "VARCHAR", "6-digit administrative code, e.g. 430104"),
                _c("name_zh", "VARCHAR", "Chinese name"),
                _c("name_en", "VARCHAR", "English name"),
                _c("kind", "VARCHAR", "district / county / county-level city", enum="district_kind"),
                _c(
                    "population_10k",
                    "DOUBLE",
                    "resident population in 10,000s (for per-capita figures)",
                    min=0,
                    required=False,
                ),
            ),
            storage="csv",
        ),
        Table(
            "sectors",
            "Sectors, each in one domain.",
            "one row per sector",
            ("sector_code",),
            (
                _c("sector_code", "VARCHAR", "short readable code used in URLs, e.g. food-catering"),
                _c("name_zh", "VARCHAR", "Chinese name"),
                _c("name_en", "VARCHAR", "English name"),
                _c("domain", "VARCHAR", "quality domain the sector belongs to", enum="domain"),
            ),
            storage="csv",
        ),
        Table(
            "enterprises",
            "Enterprises that are inspected, awarded, served or sanctioned.",
            "one row per enterprise",
            ("enterprise_id",),
            (
                _c("enterprise_id", "VARCHAR", "enterprise id"),
                _c("name", "VARCHAR", "registered name"),
                DISTRICT,
                SECTOR,
                _c("size", "VARCHAR", "enterprise size", enum="size", required=False),
            ),
        ),
        Table(
            "inspections",
            "Spot checks and monitoring samples.",
            "one row per sampled batch",
            ("sample_id",),
            (
                _c("sample_id", "VARCHAR", "sample id"),
                _c("sample_date", "DATE", "date the batch was sampled"),
                DISTRICT,
                SECTOR,
                _c("product", "VARCHAR", "product sampled", required=False),
                _c(
                    "enterprise_id",
                    "VARCHAR",
                    "enterprise sampled",
                    required=False,
                    references="enterprises.enterprise_id",
                ),
                _c("level", "VARCHAR", "who organised the sampling", enum="level"),
                _c("kind", "VARCHAR", "supervision spot check / risk monitoring / routine monitoring", enum="kind"),
                _c("passed", "BOOLEAN", "true when the batch met the standard"),
                _c(
                    "failed_item",
                    "VARCHAR",
                    "failure category; empty when passed (derived from failed_items by the test-item "
                    "dictionary when the file names items; `other` for items it does not know)",
                    required=False,
                    enum="failed_item",
                ),
                _c(
                    "failed_items",
                    "VARCHAR",
                    "failed test items as written in the file, one or several (e.g. "
                    "菌落总数、大肠菌群 or 铅(以Pb计)); empty when passed",
                    required=False,
                ),
                _c(
                    "failures_only",
                    "BOOLEAN",
                    "true for a batch from a source that lists only failed batches (a published "
                    "notice): it is counted apart, never in a pass rate, whose denominator only "
                    "sampling_totals gives; empty or false for full sampling data",
                    required=False,
                ),
            ),
            large=True,
        ),
        Table(
            "inspection_items",
            "The test items of each sample, as a file with one row per test item gives them (the "
            "national food sampling system's export): each item's result and limit as written and as numbers, and its "
            "verdict.",
            "one row per sample and test item",
            ("sample_id", "seq"),
            optional=True,
            large=True,
            columns=(
                _c("sample_id", "VARCHAR", "the sample (inspections.sample_id)"),
                _c("seq", "INTEGER", "the item's place among the sample's items, in the file's order", min=1),
                _c("item", "VARCHAR", "test item as written (检验项目), e.g. 铅(以Pb计)"),
                _c("result", "VARCHAR", "result as written (检验结果), e.g. 0.290 or 未检出", required=False),
                _c("value", "DOUBLE", "the result as a number, when it is one", required=False),
                _c("unit", "VARCHAR", "unit of the result (结果单位), e.g. mg/kg", required=False),
                _c(
                    "limit_text",
                    "VARCHAR",
                    "the limit as written (判定依据 / 标准值), e.g. ≤0.2 or 不得检出",
                    required=False,
                ),
                _c("limit_value", "DOUBLE", "the limit as a number (the upper one of a range)", required=False),
                _c("limit_op", "VARCHAR", "how a result meets the limit", enum="limit_op", required=False),
                _c(
                    "passed",
                    "BOOLEAN",
                    "the item's verdict (结果判定); empty when the file does not judge it",
                    required=False,
                ),
            ),
        ),
        Table(
            "sampling_totals",
            "How many batches were sampled, as a notice's text or the bureau's own counts give "
            "them: the denominators of pass rates for batches from failures-only sources (published notices).",
            "one row per year, month (0: the whole year), domain, sector and district (empty: all)",
            ("year", "month", "domain", "sector_code", "district_code"),
            optional=True,
            columns=(
                YEAR,
                _c("month", "INTEGER", "month of the count; 0 for a count of the whole year", min=0, max=12),
                _c("domain", "VARCHAR", "quality domain counted", enum="domain"),
                _c(
                    "sector_code",
                    "VARCHAR",
                    "sector counted (a food category counts under the sector an import maps it "
                    "to); empty for the whole domain",
                    required=False,
                    references="sectors.sector_code",
                ),
                _c(
                    "district_code",
                    "VARCHAR",
                    "district counted; empty for the whole area",
                    required=False,
                    references="districts.district_code",
                ),
                _c("batches", "INTEGER", "batches sampled (合格 and 不合格 together)", min=0),
                _c(
                    "source_title",
                    "VARCHAR",
                    "where the count comes from, e.g. the notice's title and date",
                    required=False,
                ),
            ),
            storage="csv",
        ),
        Table(
            "awards",
            "Mayor Quality Award reviews.",
            "one row per applicant and year, at the furthest stage reached",
            ("year", "enterprise_id"),
            (
                YEAR,
                _c("session", "INTEGER", "award session (届)", min=1),
                ENTERPRISE,
                _c("stage", "VARCHAR", "furthest review stage reached", enum="stage"),
                _c("score", "DOUBLE", "excellence-model score (GB/T 19580), 0-1000", required=False, min=0, max=1000),
                _c("prize_10k_yuan", "DOUBLE", "prize money in 10,000 yuan", required=False, min=0),
            ),
        ),
        Table(
            "standards",
            "Standards that local enterprises led or joined.",
            "one row per standard and enterprise",
            ("standard_code", "enterprise_id"),
            (
                _c("standard_code", "VARCHAR", "standard number"),
                _c("title", "VARCHAR", "standard title"),
                _c("level", "VARCHAR", "international / national / industry / local / group", enum="standard_level"),
                _c("role", "VARCHAR", "lead or participate", enum="role"),
                YEAR,
                ENTERPRISE,
            ),
        ),
        Table(
            "brands",
            "Quality brands recognised.",
            "one row per brand recognition",
            ("year", "enterprise_id", "kind"),
            (
                YEAR,
                ENTERPRISE,
                _c("kind", "VARCHAR", "kind of brand", enum="brand_kind"),
            ),
        ),
        Table(
            "enforcement",
            "Cases against counterfeit and substandard goods.",
            "one row per case",
            ("case_id",),
            (
                _c("case_id", "VARCHAR", "case number"),
                _c("opened", "DATE", "date the case was opened"),
                DISTRICT,
                SECTOR,
                _c("violation", "VARCHAR", "kind of violation", enum="violation"),
                _c("goods_value_yuan", "DOUBLE", "value of goods involved, yuan", min=0),
                _c("fine_yuan", "DOUBLE", "fines and confiscations, yuan", min=0),
                _c("status", "VARCHAR", "case status", enum="status"),
                _c(
                    "enterprise_id",
                    "VARCHAR",
                    "enterprise the case is against, when known",
                    required=False,
                    references="enterprises.enterprise_id",
                ),
            ),
        ),
        Table(
            "special_equipment",
            "Special-equipment registrations and accidents.",
            "one row per year, district and equipment",
            ("year", "district_code", "equipment"),
            (
                YEAR,
                DISTRICT,
                _c("equipment", "VARCHAR", "kind of equipment", enum="equipment"),
                _c("registered_units", "INTEGER", "units registered at year end", min=0),
                _c("accidents", "INTEGER", "accidents in the year", min=0),
                _c("deaths", "INTEGER", "deaths in the year", min=0),
            ),
        ),
        Table(
            "construction",
            "Construction projects completed and accepted.",
            "one row per year and district",
            ("year", "district_code"),
            (
                YEAR,
                DISTRICT,
                _c("projects_completed", "INTEGER", "projects completed", min=0),
                _c("projects_accepted_first_time", "INTEGER", "projects accepted at the first inspection", min=0),
                _c("complaints", "INTEGER", "quality complaints received", min=0),
            ),
        ),
        Table(
            "diagnosis",
            "One-stop quality-diagnosis service visits to enterprises.",
            "one row per service visit",
            ("service_id",),
            (
                _c("service_id", "VARCHAR", "service visit id"),
                _c("date", "DATE", "date of the visit"),
                ENTERPRISE,
                _c("problems_found", "INTEGER", "quality problems found", min=0),
                _c("problems_solved", "INTEGER", "problems solved", min=0),
                _c("satisfaction", "INTEGER", "enterprise satisfaction, 1-5", min=1, max=5, required=False),
            ),
        ),
        Table(
            "innovation",
            "Patents and high-tech enterprises.",
            "one row per year and district",
            ("year", "district_code"),
            (
                YEAR,
                DISTRICT,
                _c("invention_patents", "INTEGER", "invention patents held", min=0),
                _c("high_value_patents", "INTEGER", "high-value invention patents held", min=0),
                _c("high_tech_enterprises", "INTEGER", "recognised high-tech enterprises", min=0),
            ),
        ),
        Table(
            "targets",
            "Programme targets per indicator and year, city-wide or for one district.",
            "one row per indicator, year and district (empty district = city-wide)",
            ("indicator", "year", "district_code"),
            (
                _c("indicator", "VARCHAR", "indicator id, see qcity/analysis/indicators.py"),
                YEAR,
                _c("target", "DOUBLE", "target value in the indicator's unit"),
                _c(
                    "district_code",
                    "VARCHAR",
                    "district the target applies to; empty for the whole city",
                    required=False,
                    references="districts.district_code",
                ),
            ),
            storage="csv",
        ),
        Table(
            "test_items",
            "The city's own additions to the shipped test-item dictionary (data/reference/"
            "test_items.csv); a row here wins over the shipped one for the same item.",
            "one row per test item",
            ("item",),
            optional=True,
            columns=(
                _c(
                    "item",
                    "VARCHAR",
                    "test item as written in sampling results, e.g. 铅(以Pb计); matched without brackets and spaces",
                ),
                _c("category", "VARCHAR", "failure category the item counts under", enum="failed_item"),
            ),
            storage="csv",
        ),
        Table(
            "benchmarks",
            "Published national or provincial values of indicators, drawn as reference lines; added to the national "
            "values shipped in data/reference/benchmarks.csv (a row here wins for the same indicator, year and scope).",
            "one row per indicator, year and scope",
            ("indicator", "year", "scope"),
            optional=True,
            columns=(
                _c("indicator", "VARCHAR", "indicator id, see qcity/analysis/indicators.py"),
                YEAR,
                _c("scope", "VARCHAR", "national or provincial", enum="scope"),
                _c("value", "DOUBLE", "the published value in the indicator's unit"),
                _c("source_title", "VARCHAR", "the publication: who released what, and when"),
                _c("source_url", "VARCHAR", "where it was published", required=False),
            ),
            storage="csv",
        ),
        Table(
            "events",
            "Programme milestones drawn on trend charts.",
            "one row per event",
            ("date", "title_en"),
            (
                _c("date", "DATE", "date of the event"),
                _c("title_zh", "VARCHAR", "Chinese title"),
                _c("title_en", "VARCHAR", "English title"),
            ),
            storage="csv",
        ),
    )
}


def markdown() -> str:
    """The data model as Markdown, for docs/data/tables.md."""
    out = [
        "# Data model",
        "",
        "Generated from `qcity/store/schema.py` by `python -m qcity.store.schema`; do not edit by hand.",
        "",
        "Every table is one file in the data directory. Codes join tables; names come from `districts` and "
        "`sectors` in both languages.",
        "",
    ]
    for t in TABLES.values():
        out += [
            f"## `{t.name}` ({t.file}) {{#{t.name}}}",
            "",
            f"{t.doc} Grain: {t.grain}. Key: {', '.join(t.key)}.",
            "",
            "| column | type | required | meaning | allowed |",
            "|---|---|---|---|---|",
        ]
        for c in t.columns:
            allowed = ", ".join(c.values) if c.enum else ""
            if c.min is not None or c.max is not None:
                allowed = f"{'' if c.min is None else f'≥ {c.min:g}'} {'' if c.max is None else f'≤ {c.max:g}'}".strip()
            if c.references:
                allowed = f"in {c.references}"
            out.append(f"| {c.name} | {c.type} | {'yes' if c.required else 'no'} | {c.doc} | {allowed} |")
        out.append("")
    return "\n".join(out)


if __name__ == "__main__":
    print(markdown(), end="")
