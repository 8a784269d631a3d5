"""Headline indicators: id, unit, direction and how a year's value compares with last year and the target.

The numbers themselves are defined once in queries/setup/20_indicator_observations.sql; names live in
qcity.i18n under `ind.<id>`.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class Indicator:
    id: str
    unit: str  # "pct" (percent, change in points) or "per_10k"
    higher_is_better: bool
    base: str  # what the denominator counts: "samples", "units" or "projects"
    digits: int = 1


INDICATORS = {i.id: i for i in (
    Indicator("food_pass_rate", "pct", True, "samples"),
    Indicator("mfg_pass_rate", "pct", True, "samples"),
    Indicator("agri_pass_rate", "pct", True, "samples"),
    Indicator("drug_pass_rate", "pct", True, "samples"),
    Indicator("se_deaths_per_10k", "per_10k", False, "units", digits=2),
    Indicator("construction_acceptance_rate", "pct", True, "projects"),
)}


@dataclass(frozen=True)
class Kpi:
    indicator: Indicator
    year: int
    value: float | None
    change: float | None
    target: float | None
    base: int
    status: str | None  # "met", "missed" or None when there is no target
    improved: bool | None  # better than last year, by the indicator's direction


def status(value: float | None, target: float | None, higher_is_better: bool) -> str | None:
    """Whether a value meets its target, reading the target as a floor or a ceiling by direction."""
    if value is None or target is None or pd.isna(value) or pd.isna(target):
        return None
    met = value >= target if higher_is_better else value <= target
    return "met" if met else "missed"


def improved(change: float | None, higher_is_better: bool) -> bool | None:
    """True when the change moves the right way; None when there is no previous year or no change."""
    if change is None or pd.isna(change) or change == 0:
        return None
    return (change > 0) == higher_is_better


def _clean(value):
    return None if value is None or pd.isna(value) else float(value)


def kpis(by_year: pd.DataFrame, year: int) -> list[Kpi]:
    """One KPI per indicator for `year`, from the rows of the indicator_by_year query."""
    rows = by_year[by_year.year == year].set_index("indicator")
    out = []
    for ind in INDICATORS.values():
        if ind.id not in rows.index:
            out.append(Kpi(ind, year, None, None, None, 0, None, None))
            continue
        r = rows.loc[ind.id]
        value, change, target = _clean(r.value), _clean(r.change), _clean(r.target)
        out.append(Kpi(ind, year, value, change, target, int(r.denominator),
                       status(value, target, ind.higher_is_better), improved(change, ind.higher_is_better)))
    return out
