"""Indicators: id, quality area, unit, direction, source table, and how a year's value compares with last year
and the target.

The numbers themselves are defined once in queries/setup/20_indicator_observations.sql; names and definitions
live in qcity.i18n under `ind.<id>`, `ind.<id>.short` and `ind.<id>.def`.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from qcity import i18n
from qcity.analysis.filters import Period

# Tables with a year but no date: read for whole years only, never for part of one.
YEARLY_TABLES = ("special_equipment", "construction", "standards", "brands", "awards", "innovation")
AREAS = ("safety", "standards", "enforcement", "award", "diagnosis", "innovation")


@dataclass(frozen=True)
class Indicator:
    id: str
    area: str  # one of AREAS
    unit: str  # pct, per_10k (units), per_100 (projects), per_10k_people, count, yuan_10k, score, points
    higher_is_better: bool | None  # None: neither direction is better (e.g. number of cases)
    source: str  # the table it is computed from
    base: str | None = None  # what the denominator counts; None for counts and sums
    digits: int = 1
    headline: bool = False  # one of the Overview's cards
    domain: str | None = None  # for spot-check pass rates: the domain whose sectors it covers

    @property
    def directional(self) -> bool:
        return self.higher_is_better is not None

    @property
    def yearly(self) -> bool:
        """Whether its table is kept by year only (no dates): it is shown for whole years."""
        return self.source in YEARLY_TABLES


INDICATORS = {
    i.id: i
    for i in (
        Indicator("food_pass_rate", "safety", "pct", True, "inspections", "samples", headline=True, domain="food"),
        Indicator(
            "mfg_pass_rate", "safety", "pct", True, "inspections", "samples", headline=True, domain="manufacturing"
        ),
        Indicator("agri_pass_rate", "safety", "pct", True, "inspections", "samples", headline=True, domain="agri"),
        Indicator("drug_pass_rate", "safety", "pct", True, "inspections", "samples", headline=True, domain="drugs"),
        Indicator(
            "se_deaths_per_10k", "safety", "per_10k", False, "special_equipment", "units", digits=2, headline=True
        ),
        Indicator("se_accidents_per_10k", "safety", "per_10k", False, "special_equipment", "units", digits=2),
        Indicator("construction_acceptance_rate", "safety", "pct", True, "construction", "projects", headline=True),
        Indicator("construction_complaints_per_100", "safety", "per_100", False, "construction", "projects"),
        Indicator("standards_led", "standards", "count", True, "standards", digits=0),
        Indicator("brands", "standards", "count", True, "brands", digits=0),
        Indicator("enforcement_cases", "enforcement", "count", None, "enforcement", digits=0),
        Indicator("enforcement_fines", "enforcement", "yuan_10k", None, "enforcement", digits=1),
        Indicator("case_closure_rate", "enforcement", "pct", True, "enforcement", "cases"),
        Indicator("award_applicants", "award", "count", True, "awards", digits=0),
        Indicator("award_winners", "award", "count", None, "awards", digits=0),
        Indicator("award_mean_score", "award", "points", True, "awards", "reviewed", digits=1),
        Indicator("diagnosis_enterprises", "diagnosis", "count", True, "diagnosis", digits=0),
        Indicator("diagnosis_resolution_rate", "diagnosis", "pct", True, "diagnosis", "problems"),
        Indicator("diagnosis_satisfaction", "diagnosis", "score", True, "diagnosis", "visits", digits=2),
        Indicator("invention_patents_per_10k", "innovation", "per_10k_people", True, "innovation", "people_10k"),
        Indicator("high_value_patents_per_10k", "innovation", "per_10k_people", True, "innovation", "people_10k"),
        Indicator("high_tech_enterprises", "innovation", "count", True, "innovation", digits=0),
    )
}
HEADLINE = [i.id for i in INDICATORS.values() if i.headline]


def min_base(indicator: Indicator, min_samples: int) -> int:
    """The smallest base a district needs to be ranked: the sample rule applies to counted bases, not to
    population (a small county is not a small sample) nor to counts and totals."""
    return 0 if indicator.base in (None, "people_10k") else min_samples


def in_area(area: str) -> list[str]:
    """The ids of an area's indicators, in registry order."""
    return [i.id for i in INDICATORS.values() if i.area == area]


@dataclass(frozen=True)
class Kpi:
    indicator: Indicator
    period: Period  # the year and months the value covers
    value: float | None
    change: float | None
    target: float | None
    base: float | None
    status: str | None  # "met", "missed" or None when there is no target
    improved: bool | None  # better than last year, by the indicator's direction
    national: float | None = None  # the published national value for that year, where there is one
    national_source: str | None = None


def status(value: float | None, target: float | None, higher_is_better: bool | None) -> str | None:
    """Whether a value meets its target, reading the target as a floor or a ceiling by direction."""
    if value is None or target is None or pd.isna(value) or pd.isna(target) or higher_is_better is None:
        return None
    met = value >= target if higher_is_better else value <= target
    return "met" if met else "missed"


def improved(change: float | None, higher_is_better: bool | None, digits: int = 1) -> bool | None:
    """True when the change moves the right way; None without a previous year, a direction, or a change that shows
    (one that rounds to zero at the value's `digits` is level: neither green nor red, no arrow)."""
    if change is None or pd.isna(change) or round(change, digits) == 0 or higher_is_better is None:
        return None
    return (change > 0) == higher_is_better


def _clean(value):
    return None if value is None or pd.isna(value) else float(value)


def kpis(by_year: pd.DataFrame, f, ids: list[str] | None = None) -> list[Kpi]:
    """One KPI per indicator (the headline ones unless `ids` is given) for the filters' period (Filters.period_of:
    the last whole year for yearly tables), from indicator_by_year rows."""
    out = []
    for ind in (INDICATORS[i] for i in (HEADLINE if ids is None else ids)):
        period = f.period_of(ind)
        rows = by_year[(by_year.year == period.year) & (by_year.indicator == ind.id)]
        if rows.empty:
            out.append(Kpi(ind, period, None, None, None, None, None, None))
            continue
        r = rows.iloc[0]
        value, change, target = _clean(r.value), _clean(r.change), _clean(r.target)
        national = _clean(r.get("national"))
        out.append(
            Kpi(
                ind,
                period,
                value,
                change,
                target,
                _clean(r.denominator),
                status(value, target, ind.higher_is_better),
                improved(change, ind.higher_is_better, ind.digits),
                national,
                r.get("national_source") if national is not None else None,
            )
        )
    return out


@dataclass(frozen=True)
class Rollup:
    """How the directional indicators with data moved: "9 of 12 improved on last year", and targets met."""

    compared: int
    improved: int
    worsened: int
    with_target: int
    met: int


def rollup(cards: list[Kpi]) -> Rollup:
    """Count the directional indicators that improved, worsened and met their target."""
    directional = [k for k in cards if k.indicator.directional and k.value is not None]
    compared = [k for k in directional if k.change is not None]
    targeted = [k for k in directional if k.status is not None]
    return Rollup(
        len(compared),
        sum(k.improved is True for k in compared),
        sum(k.improved is False for k in compared),
        len(targeted),
        sum(k.status == "met" for k in targeted),
    )


# The composite quality index: not an observation of its own but a weighted mix of indicators per district
# (queries/setup/60_index_scores.sql). Weights come from city.json `index_weights`, else these.
QUALITY_INDEX = Indicator("quality_index", "index", "index_points", True, "indicator_observations", digits=1)
DEFAULT_INDEX_WEIGHTS = {
    "food_pass_rate": 0.2,
    "mfg_pass_rate": 0.15,
    "agri_pass_rate": 0.1,
    "drug_pass_rate": 0.1,
    "se_deaths_per_10k": 0.1,
    "construction_acceptance_rate": 0.1,
    "case_closure_rate": 0.1,
    "diagnosis_resolution_rate": 0.05,
    "invention_patents_per_10k": 0.1,
}
# Counts grow with a district's size, so they would rank big districts first; the index takes rates only.
INDEX_UNITS = ("pct", "per_10k", "per_100", "per_10k_people", "score", "points")


class ConfigError(ValueError):
    """city.json holds a value the app cannot use; the message says which and why."""


def index_weights(city: dict) -> dict[str, list]:
    """The index's query parameters (parallel lists: indicators, weights, higher) from the city config."""
    weights = city.get("index_weights", DEFAULT_INDEX_WEIGHTS)
    if not isinstance(weights, dict) or not weights:
        raise ConfigError("city.json: index_weights must be an object of indicator id -> weight")
    for key, weight in weights.items():
        ind = INDICATORS.get(key)
        if ind is None:
            raise ConfigError(f"city.json: index_weights names an unknown indicator '{key}'")
        if not ind.directional or ind.unit not in INDEX_UNITS:
            raise ConfigError(f"city.json: index_weights: '{key}' has no better direction or is a count")
        if isinstance(weight, bool) or not isinstance(weight, int | float) or not 0 < weight <= 100:
            raise ConfigError(f"city.json: index_weights: the weight of '{key}' must be a number above 0")
    return {
        "indicators": list(weights),
        "weights": [float(w) for w in weights.values()],
        "higher": [INDICATORS[k].higher_is_better for k in weights],
    }


def markdown() -> str:
    """Every indicator as Markdown, for docs/user-guide/indicators.md: the app's help links to its entries."""
    en = i18n.translator("en")
    direction = {True: "direction.up", False: "direction.down", None: "direction.none"}
    out = [
        "# Indicators",
        "",
        "Generated from `qcity/analysis/indicators.py` and the messages of `qcity/i18n.py` by "
        "`python -m qcity.analysis.indicators`; do not edit by hand.",
        "",
        "Every figure the pages show is one of these indicators, defined once in "
        "`queries/setup/20_indicator_observations.sql` per district and year (and month, for dated records). "
        "The glossary page of the app adds the years each indicator's data cover and when its file last changed.",
        "",
    ]
    for area in (*AREAS, "index"):
        chosen = [QUALITY_INDEX] if area == "index" else [INDICATORS[i] for i in in_area(area)]
        out += [f"## {en(f'area.{area}')} {i18n.t(f'area.{area}', 'zh')} {{#area-{area}}}", ""]
        for ind in chosen:
            out += [
                f"### {en(f'ind.{ind.id}')} {i18n.t(f'ind.{ind.id}', 'zh')} {{#{ind.id}}}",
                "",
                en(f"ind.{ind.id}.def"),
                "",
                f"- id: `{ind.id}`; unit: {en(f'unit.{ind.unit}')}; {en(direction[ind.higher_is_better])}",
                f"- source table: [`{ind.source}`](../data/tables.md#{ind.source})"
                if ind.source != "indicator_observations"
                else "- source: the other indicators, weighted (`index_weights` in `city.json`)",
                f"- kept by year (no dates): {'yes' if ind.yearly else 'no'}; headline card: "
                f"{'yes' if ind.headline else 'no'}",
                "",
            ]
    return "\n".join(out)


if __name__ == "__main__":
    print(markdown(), end="")
