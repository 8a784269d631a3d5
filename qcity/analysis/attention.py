"""Early warning (风险预警): what needs looking at in a period, found by statistics a quality engineer would sign.

Five kinds of signal, each with why it was flagged, the numbers behind it and a link to the filtered view:

- **decline**: a district x sector cell whose pass rate fell against the same months of last year. One-sided
  two-proportion score test (Miettinen-Nurminen, statsmodels) per cell with `min_samples` in both periods; many
  cells are tested at once, so the Benjamini-Hochberg procedure holds the false discovery rate at `fdr`. A cell is
  flagged when it is discovered and fell by at least `min_drop` points (with many samples a fall of 0.2 points is
  significant, but not worth an inspector's visit).
- **chart**: Shewhart p-chart signals (GB/T 17989.2 / ISO 7870-2) for the city, each domain, sector and district:
  centre line from the `baseline_months` before the period (a series with data in fewer than
  `min_baseline_months` of them is drawn but not judged), limits at `sigma` standard errors of each month's
  sample size (Laney's p' with `limits: "laney"`, for very large samples that vary more than chance between
  months), and the standard tests: 1, a point beyond a limit (on the p-chart, when the exact binomial chance of
  so few passes is also under the normal tail: near 100% the normal limits of a small month are too tight);
  2, `run_length` points in a row on one side of the centre; 3, `trend_length` points in a row falling. Months
  with fewer than `min_month_samples` samples are drawn but not judged.
  Listed when the signal points to worse quality and its last point is in the period.
- **repeat**: enterprises with `repeat_failures` or more failed batches in the `repeat_months` to the period's end,
  or a failed batch within `visit_days` after a quality-diagnosis visit (the regulator's 重点监管 list).
- **item**: failed test items whose failures per sample rose in a domain against the same months of last year
  (one-sided score test, Benjamini-Hochberg across items), with at least `min_item_failures` failures now.
- **target**: indicators that miss their target and did not move towards it, or meet it but would miss it if
  they moved as much again (the current pace).

Severity, for the ranking: 3 act now (a point beyond a limit; a decline discovered at a tenth of `fdr` that is
twice `min_drop`; a firm over the failure count, or at it and failing after a visit), 2 look into (other
declines, runs and trends, rising items, a firm at the failure count or failing once after a visit, a target
missed and not moving towards it), 1 watch (a target at risk).
Within a severity, signals with more excess failed batches (against the baseline or last year) come first.

Thresholds are city.json `attention` keys (Settings' fields) over these defaults. SQL counts (queries/attention_*,
queries/repeat_offenders.sql), this module judges; it has no Streamlit in it.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from datetime import date, timedelta

import numpy as np
import pandas as pd

from qcity import i18n
from qcity.analysis import filters, indicators, narrative
from qcity.analysis.filters import Filters
from qcity.analysis.indicators import ConfigError

KINDS = ("decline", "chart", "repeat", "item", "target")
RULES = ("beyond", "run", "trend")  # GB/T 17989.2 tests 1, 2 and 3


@dataclass(frozen=True)
class Settings:
    """The thresholds, from city.json `attention` (each key optional)."""

    fdr: float = 0.05  # false discovery rate of the year-on-year tests
    min_drop: float = 1.0  # points a cell's pass rate must fall by to be flagged
    baseline_months: int = 12  # the p-chart's centre line: these months before the period
    min_baseline_months: int = 6  # ... of which at least this many must hold samples for a series to be judged
    sigma: float = 3.0  # control limits at this many standard errors
    limits: str = "p"  # "p" (Shewhart) or "laney" (p' for samples that vary more than chance)
    run_length: int = 9  # test 2: points in a row on one side of the centre line
    trend_length: int = 6  # test 3: points in a row, each lower than the one before
    min_month_samples: int = 30  # smaller months are drawn, not judged
    repeat_failures: int = 2  # failed batches that put a firm on the list
    repeat_months: int = 12  # ... within this many months to the period's end
    visit_days: int = 365  # a failure this soon after a diagnosis visit puts a firm on the list
    min_item_failures: int = 5  # failures an item needs in the period to be judged rising

    @classmethod
    def of(cls, city: dict) -> Settings:
        """The city's thresholds; a ConfigError names a key or value that cannot be used."""
        given = city.get("attention", {})
        if not isinstance(given, dict):
            raise ConfigError("city.json: attention must be an object of threshold -> value")
        known = {f.name: f for f in fields(cls)}
        for key, value in given.items():
            if key not in known:
                raise ConfigError(f"city.json: attention has an unknown key '{key}' (known: {', '.join(known)})")
            default = getattr(cls, key)
            if isinstance(default, str):
                if value not in ("p", "laney"):
                    raise ConfigError(f'city.json: attention.{key} must be "p" or "laney"')
            elif (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or (isinstance(default, int) and value != int(value))
            ):
                kind = "whole number" if isinstance(default, int) else "number"
                raise ConfigError(f"city.json: attention.{key} must be a {kind}")
        settings = cls(**{k: type(getattr(cls, k))(v) for k, v in given.items()})
        bounds = {
            "fdr": (0.001, 0.5),
            "min_drop": (0, 50),
            "baseline_months": (12, 60),
            "min_baseline_months": (1, settings.baseline_months),
            "sigma": (1, 6),
            "run_length": (5, 15),
            "trend_length": (4, 10),
            "min_month_samples": (1, 10**6),
            "repeat_failures": (2, 100),
            "repeat_months": (1, 60),
            "visit_days": (1, 3650),
            "min_item_failures": (1, 10**6),
        }
        for key, (low, high) in bounds.items():
            if not low <= getattr(settings, key) <= high:
                raise ConfigError(f"city.json: attention.{key} must lie between {low} and {high}")
        return settings


def month_index(year: int, month: int) -> int:
    """A month as one number (year * 12 + month - 1), so that windows across a new year are ranges."""
    return year * 12 + month - 1


def month_spans(months: list[int], lang: str) -> str:
    """Month indexes as runs within their years: "2025年4–5月、7–12月" / "Apr–May, Jul–Dec 2025"."""
    runs: list[list[int]] = []
    for m in sorted(months):
        if runs and m == runs[-1][1] + 1 and m // 12 == runs[-1][0] // 12:
            runs[-1][1] = m
        else:
            runs.append([m, m])
    by_year: dict[int, list[str]] = {}
    for first, last in runs:
        a, b = (i18n.t(f"month.{m % 12 + 1}", lang) for m in (first, last))
        by_year.setdefault(first // 12, []).append(
            i18n.t("period.month", lang, a=a) if a == b else i18n.t("period.range", lang, a=a, b=b)
        )
    joiner = "、" if lang == "zh" else ", "
    return joiner.join(
        i18n.t("period.in_year", lang, year=year, months=joiner.join(parts)) for year, parts in by_year.items()
    )


def baseline_text(months: list[int], settings: Settings, lang: str) -> str:
    """The baseline as a caption says it: its months with data and how many of all (2 of 12 months with data)."""
    if not months:
        return i18n.t("attention.baseline_none", lang, of=settings.baseline_months)
    return i18n.t(
        "attention.baseline", lang, months=month_spans(months, lang), n=len(months), of=settings.baseline_months
    )


@dataclass(frozen=True)
class Window:
    """The months judged (the period's, in its last year) and the baseline before them, as month indexes."""

    first: int  # the baseline's first month
    start: int  # the period's first month
    last: int  # the period's last month

    @classmethod
    def of(cls, f: Filters, settings: Settings) -> Window:
        start = month_index(f.year_to, f.month_from)
        return cls(start - settings.baseline_months, start, month_index(f.year_to, f.month_to))

    @property
    def end_date(self) -> date:
        year, month = divmod(self.last + 1, 12)
        return date(year, month + 1, 1) - timedelta(days=1)


# --- p-charts -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Charts:
    """The p-chart of every series as arrays (series x month of the window), one drawn at a time (`frame`).

    Rates, centres and limits are fractions here and percent in frames; limits are NaN where the baseline cannot
    set them (samples in fewer than `min_baseline_months` of its months, or no failure or no pass at all in it).
    `rule` holds the first test a judged month fails on the bad side ('' when none); `better` marks a judged point
    above the upper limit."""

    keys: tuple  # (kind, code) per series: the city (""), domains, sectors, districts
    months: np.ndarray  # month indexes
    baseline: np.ndarray  # per month: in the baseline
    samples: np.ndarray
    passed: np.ndarray
    rate: np.ndarray
    centre: np.ndarray  # per series
    filled: np.ndarray  # per series: the baseline's months that hold samples
    lower: np.ndarray
    upper: np.ndarray
    z: np.ndarray  # standard errors from the centre (Laney's when settings say so)
    judged: np.ndarray  # in the period, enough samples, limits set
    better: np.ndarray
    rule: np.ndarray

    def frame(self, key: tuple[str, str]) -> pd.DataFrame:
        """One series' chart: a row per month with samples, passed, rate, centre, lower, upper (percent), z,
        baseline, judged, better and rule."""
        i = self.keys.index(key)
        return pd.DataFrame(
            {
                "month": self.months,
                "samples": self.samples[i],
                "passed": self.passed[i],
                "rate": 100 * self.rate[i],
                "centre": 100 * self.centre[i],
                "lower": 100 * self.lower[i],
                "upper": 100 * self.upper[i],
                "z": self.z[i],
                "baseline": self.baseline,
                "judged": self.judged[i],
                "better": self.better[i],
                "rule": self.rule[i],
            }
        )

    def baseline_with_data(self, key: tuple[str, str]) -> list[int]:
        """The month indexes of the baseline in which the series has samples."""
        i = self.keys.index(key)
        return self.months[self.baseline & (self.samples[i] > 0)].tolist()


def control_charts(keys: tuple, samples: np.ndarray, passed: np.ndarray, window: Window, settings: Settings) -> Charts:
    """The p-charts of series given as samples and passed per month of the window (one row per key): the centre
    from the baseline's months, limits at `sigma` standard errors of each month's samples (widened by Laney's
    sigma_z, the baseline's average moving range of z / 1.128, with `limits: "laney"`), and the tests."""
    months = np.arange(window.first, window.last + 1)
    base = months < window.start
    n, x = samples.astype(float), passed.astype(float)
    filled = (n[:, base] > 0).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        centre = x[:, base].sum(axis=1) / n[:, base].sum(axis=1)
        usable = (centre > 0) & (centre < 1) & (filled >= settings.min_baseline_months)
        centre = np.where(usable, centre, np.nan)
        rate = np.where(n > 0, x / n, np.nan)
        error = np.sqrt(centre * (1 - centre))[:, None] / np.sqrt(n)
        z = (rate - centre[:, None]) / error
    big = n >= settings.min_month_samples
    if settings.limits == "laney":
        for i in np.flatnonzero(usable):
            ranges = np.abs(np.diff(z[i, base & big[i]]))
            sigma_z = ranges.mean() / 1.128 if len(ranges) else 1.0
            if np.isfinite(sigma_z) and sigma_z > 0:
                error[i], z[i] = error[i] * sigma_z, z[i] / sigma_z
    judged = ~base[None, :] & big & usable[:, None]
    beyond = judged & (z < -settings.sigma)
    if settings.limits == "p" and beyond.any():  # confirmed by the exact binomial tail (see _exactly_beyond)
        beyond[beyond] = _exactly_beyond(
            x[beyond], n[beyond], np.broadcast_to(centre[:, None], n.shape)[beyond], settings.sigma
        )
    rule = np.full(n.shape, "", dtype=object)
    for i in np.flatnonzero(usable):
        rule[i] = _rules(z[i], rate[i], big[i], beyond[i], settings)
    rule[~judged] = ""
    return Charts(
        tuple(keys),
        months,
        base,
        samples,
        passed,
        rate,
        centre,
        filled,
        np.maximum(0, centre[:, None] - settings.sigma * error),
        np.minimum(1, centre[:, None] + settings.sigma * error),
        z,
        judged,
        judged & (z > settings.sigma),
        rule,
    )


def p_chart(months: pd.DataFrame, window: Window, settings: Settings) -> pd.DataFrame:
    """The p-chart of one series (`months`: month index, samples, passed), as Charts.frame draws it."""
    samples, passed = np.zeros((2, 1, window.last - window.first + 1))
    inside = months[months.month.between(window.first, window.last)]
    at = (inside.month - window.first).to_numpy()
    samples[0, at], passed[0, at] = inside.samples.to_numpy(), inside.passed.to_numpy()
    return control_charts((("series", ""),), samples, passed, window, settings).frame(("series", ""))


def _exactly_beyond(passed: np.ndarray, samples: np.ndarray, centre: np.ndarray, sigma: float) -> np.ndarray:
    """Whether points below the lower 3-sigma limit are as unlikely as the limit means: the binomial chance of so few
    passes at the centre's rate is under the normal tail beyond `sigma` (0.135% at 3). With pass rates near 100% and
    small months the normal limits are too tight: at a centre of 99% and 40 samples, 3 failures cross the limit,
    a 0.75% chance; 4 failures (0.07%) are confirmed."""
    from scipy.stats import binom, norm  # here, as statsmodels in _discoveries

    return binom.cdf(passed, samples, centre) < norm.cdf(-sigma)


def _rules(z: np.ndarray, rate: np.ndarray, judged: np.ndarray, beyond: np.ndarray, settings: Settings) -> list[str]:
    """The first test each point fails on the bad (low) side, over the points with enough samples in month order
    (a thin month neither breaks nor extends a run): beyond the lower limit (`beyond`), a run below the centre, a
    falling trend."""
    out = [""] * len(z)
    below = falling = 0
    previous = None
    for i in np.flatnonzero(judged):
        below = below + 1 if z[i] < 0 else 0
        falling = falling + 1 if previous is not None and rate[i] < previous else 1
        previous = rate[i]
        if beyond[i]:
            out[i] = "beyond"
        elif below >= settings.run_length:
            out[i] = "run"
        elif falling >= settings.trend_length:
            out[i] = "trend"
    return out


SERIES_COLUMN = {"domain": "domain", "sector": "sector_code", "district": "district_code"}


def chart_signals(months: pd.DataFrame, window: Window, settings: Settings) -> tuple[Charts, pd.DataFrame]:
    """The p-chart of every series the months allow (the city, then each domain, sector and district), and one
    signal per series and test with its months in the period, most serious first."""
    width = window.last - window.first + 1
    column = (months.year * 12 + months.month - 1 - window.first).to_numpy()
    inside = (column >= 0) & (column < width)
    keys = [("city", "")] + [
        (kind, code) for kind, name in SERIES_COLUMN.items() for code in sorted(months.loc[inside, name].unique())
    ]
    index = {key: i for i, key in enumerate(keys)}
    samples, passed = np.zeros((2, len(keys), width))
    for kind, name in (("city", None), *SERIES_COLUMN.items()):
        rows = (
            np.zeros(inside.sum(), int)
            if name is None
            else np.array([index[(kind, code)] for code in months.loc[inside, name]], int)
        )
        np.add.at(samples, (rows, column[inside]), months.samples.to_numpy()[inside])
        np.add.at(passed, (rows, column[inside]), months.passed.to_numpy()[inside])
    charts = control_charts(tuple(keys), samples, passed, window, settings)
    out = [hit for i, key in enumerate(keys) for hit in _chart_hits(charts, i, key)]
    columns = [
        "series",
        "code",
        "rule",
        "months",
        "samples",
        "failures",
        "rate",
        "centre",
        "lower",
        "excess",
        "severity",
    ]
    hits = pd.DataFrame(out, columns=columns)
    return charts, hits.sort_values(["severity", "excess"], ascending=False, kind="stable").reset_index(drop=True)


def _chart_hits(charts: Charts, i: int, key: tuple[str, str]):
    """The signals of one series (row `i` of the charts): one per test that fired, with its months and counts."""
    kind, code = key
    for rule in RULES:
        hit = charts.rule[i] == rule
        if not hit.any():
            continue
        n, x = charts.samples[i, hit], charts.passed[i, hit]
        yield {
            "series": kind,
            "code": code,
            "rule": rule,
            "months": charts.months[hit].tolist(),
            "samples": int(n.sum()),
            "failures": int((n - x).sum()),
            "rate": 100 * x.sum() / n.sum(),
            "centre": 100 * charts.centre[i],
            "lower": 100 * charts.lower[i, hit][-1],
            "excess": float(np.clip(charts.centre[i] * n - x, 0, None).sum()),
            "severity": 3 if rule == "beyond" else 2,
        }


# --- year-on-year tests ------------------------------------------------------------------------------------------


def _one_sided(count1, nobs1, count0, nobs0, alternative: str) -> np.ndarray:
    """p-values of the score test of two proportions (count1/nobs1 against count0/nobs0), one per row; 1 where
    both are 0% or 100% (nothing to test)."""
    if not len(count1):
        return np.array([])
    from statsmodels.stats.proportion import test_proportions_2indep  # here: see _discoveries

    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        result = test_proportions_2indep(
            np.asarray(count1, float),
            np.asarray(nobs1, float),
            np.asarray(count0, float),
            np.asarray(nobs0, float),
            method="score",
            compare="diff",
            alternative=alternative,
        )
    return np.nan_to_num(np.atleast_1d(result.pvalue).astype(float), nan=1.0)


def _discoveries(p_values: np.ndarray, fdr: float) -> tuple[np.ndarray, np.ndarray]:
    """Benjamini-Hochberg over a family of tests: which are discoveries at the false discovery rate, and the
    adjusted p-values (q-values)."""
    if not len(p_values):
        return np.array([], bool), np.array([])
    # Imported when first needed, not with the module: statsmodels brings SciPy's statistics, about 2 s to import
    # on a fresh server, which every page's first view would otherwise pay.
    from statsmodels.stats.multitest import multipletests

    reject, q_values, _, _ = multipletests(p_values, alpha=fdr, method="fdr_bh")
    return reject, q_values


def declines(months: pd.DataFrame, window: Window, settings: Settings, min_samples: int) -> pd.DataFrame:
    """Every district x sector cell with `min_samples` in the period and in the same months of last year: samples,
    pass rates, change in points, p and q (Benjamini-Hochberg over all tested cells) and `flagged`."""
    dated = months.assign(month=months.year * 12 + months.month - 1)
    now = dated[dated.month.between(window.start, window.last)]
    before = dated[dated.month.between(window.start - 12, window.last - 12)]
    keys = ["district_code", "sector_code"]
    cells = (
        now.groupby(keys)[["samples", "passed"]]
        .sum()
        .join(before.groupby(keys)[["samples", "passed"]].sum(), rsuffix="_before", how="inner")
        .reset_index()
    )
    cells = cells[(cells.samples >= min_samples) & (cells.samples_before >= min_samples)].reset_index(drop=True)
    cells["rate"] = 100 * cells.passed / cells.samples
    cells["rate_before"] = 100 * cells.passed_before / cells.samples_before
    cells["change"] = cells.rate - cells.rate_before
    cells["p"] = _one_sided(cells.passed, cells.samples, cells.passed_before, cells.samples_before, "smaller")
    discovered, cells["q"] = _discoveries(cells.p.to_numpy(), settings.fdr)
    cells["flagged"] = discovered & (cells.change <= -settings.min_drop)
    cells["excess"] = (-cells.change / 100 * cells.samples).clip(lower=0)
    strong = (cells.q < settings.fdr / 10) & (cells.change <= -2 * settings.min_drop)
    cells["severity"] = np.where(strong, 3, 2)
    return cells


def rising_items(items: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    """attention_items' rows with failures per 10,000 samples and share of the failures naming items, now and
    last year, p and q (Benjamini-Hochberg across the items tested) and `flagged`: discovered, with at least
    `min_item_failures` failures and more than last year."""
    out = items.copy()
    with np.errstate(divide="ignore", invalid="ignore"):
        out["per_10k"] = np.where(out.samples > 0, 1e4 * out.failures / out.samples, np.nan)
        out["per_10k_before"] = np.where(out.samples_before > 0, 1e4 * out.failures_before / out.samples_before, np.nan)
        out["share"] = np.where(out.named > 0, 100 * out.failures / out.named, np.nan)
        out["share_before"] = np.where(out.named_before > 0, 100 * out.failures_before / out.named_before, np.nan)
    tested = (out.failures >= settings.min_item_failures) & (out.samples > 0) & (out.samples_before > 0)
    out = out[tested].reset_index(drop=True)
    out["p"] = _one_sided(out.failures, out.samples, out.failures_before, out.samples_before, "larger")
    discovered, out["q"] = _discoveries(out.p.to_numpy(), settings.fdr)
    out["flagged"] = discovered & (out.failures > out.failures_before)
    out["excess"] = (out.failures - out.per_10k_before.fillna(0) / 1e4 * out.samples).clip(lower=0)
    out["severity"] = 2
    return out


def repeat_offenders(rows: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    """repeat_offenders' rows with their severity: 3 above the failure count, or at it with a failure after a
    diagnosis visit; 2 at the count, or one failure after a visit."""
    severe = (rows.failures > settings.repeat_failures) | (
        (rows.failures >= settings.repeat_failures) & (rows.failures_after_visit > 0)
    )
    return rows.assign(severity=np.where(severe, 3, 2), excess=rows.failures.astype(float))


def off_target(cards: list[indicators.Kpi]) -> list[tuple[indicators.Kpi, str]]:
    """Indicators missing their target without moving towards it ('missed'), or meeting it but on course to miss it
    at this year's pace ('at_risk': value plus this year's change on the wrong side of the target)."""
    out = []
    for card in cards:
        ind = card.indicator
        if card.status is None or card.value is None:
            continue
        if card.status == "missed" and card.improved is not True:
            out.append((card, "missed"))
        elif (
            card.status == "met"
            and card.improved is False
            and indicators.status(card.value + card.change, card.target, ind.higher_is_better) == "missed"
        ):
            out.append((card, "at_risk"))
    return out


# --- the report -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Report:
    """Everything the Attention page, the Overview's count, the storyline and the bulletin show for one selection:
    the ranked signals as a table in the selection's language, and what lies behind them."""

    settings: Settings
    window: Window
    signals: pd.DataFrame  # one row per signal, most serious first (signal_table)
    worklist: pd.DataFrame  # the same rows as people read them (worklist)
    charts: Charts
    chart_hits: pd.DataFrame
    cells: pd.DataFrame  # every tested district x sector cell (declines)
    items: pd.DataFrame  # every tested item (rising_items)
    firms: pd.DataFrame  # repeat_offenders
    batches: pd.DataFrame  # the firms' failed batches as people read them (firm_history)
    targets: list

    @property
    def count(self) -> int:
        return len(self.signals)


def report(f: Filters, settings: Settings, run: Callable[..., pd.DataFrame]) -> Report:
    """The early-warning report for a selection: judged over the period's months of its last year."""
    window = Window.of(f, settings)
    months = run(
        "attention_months",
        year_from=window.first // 12,
        year_to=window.last // 12,
        first=window.first,
        last=window.last,
        districts=f.districts,
        sectors=f.sectors,
    )
    charts, chart_hits = chart_signals(months, window, settings)
    cells = declines(months, window, settings, f.min_samples)
    items = rising_items(run("attention_items", **f.last_year_params), settings)
    year, month = divmod(window.last - settings.repeat_months + 1, 12)
    since = date(year, month + 1, 1)
    firms = repeat_offenders(
        run(
            "repeat_offenders",
            date_from=since,
            date_to=window.end_date,
            districts=f.districts,
            sectors=f.sectors,
            min_failures=settings.repeat_failures,
            visit_days=settings.visit_days,
        ),
        settings,
    )
    by_year = run("indicator_by_year", **{**f.params, "year_from": f.yearly_to})  # the same for any first year
    targets = off_target(indicators.kpis(by_year, f, list(indicators.INDICATORS)))
    districts = run("districts").set_index("district_code")
    sectors = run("sectors").set_index("sector_code")
    table = signal_table(f, settings, chart_hits, cells, items, firms, targets, districts, sectors)
    return Report(
        settings,
        window,
        table,
        worklist(table, f.lang),
        charts,
        chart_hits,
        cells,
        items,
        firms,
        i18n.localize(firm_history(firms, f.lang), f.lang),
        targets,
    )


def series_name(kind: str, code: str, districts: pd.DataFrame, sectors: pd.DataFrame, lang: str) -> str:
    """A series as people name it: the whole city, a domain, a sector or a district."""
    names = i18n.name_column(lang)
    if kind == "city":
        return i18n.t("attention.city", lang)
    if kind == "domain":
        return i18n.label("domain", code, lang)
    frame = sectors if kind == "sector" else districts
    return str(frame[names].get(code, code))


def link(signal, f: Filters) -> str:
    """The URL of a signal's view (a row of `signals`: page, districts, sectors, enterprise) under the filters: the
    page narrowed to the signal's district or sectors, or an enterprise's profile. Made when shown, so that one
    report serves every first year of the range."""
    narrowed = {k: v for k, v in (("districts", signal.districts), ("sectors", signal.sectors)) if v}
    query = {"enterprise": signal.enterprise} if signal.enterprise else {}
    query |= filters.to_query(replace(f, **narrowed))
    return f"{signal.page}?" + "&".join(f"{k}={v}" for k, v in query.items())


SIGNAL_COLUMNS = [
    "severity",
    "kind",
    "subject",
    "why",
    "samples",
    "failures",
    "rate",
    "base_rate",
    "change",
    "q",
    "excess",
    "page",
    "districts",
    "sectors",
    "enterprise",
]


def signal_table(
    f: Filters,
    settings: Settings,
    chart_hits: pd.DataFrame,
    cells: pd.DataFrame,
    items: pd.DataFrame,
    firms: pd.DataFrame,
    targets: list,
    districts: pd.DataFrame,
    sectors: pd.DataFrame,
) -> pd.DataFrame:
    """One row per signal in the selection's language, most serious first: severity, kind, subject, why (a
    sentence with the numbers), samples, failures, rate and its base, the change, q, and the view to open (page,
    districts, sectors, enterprise: see `link`)."""
    rows = [
        *_decline_signals(cells, f, settings, districts, sectors),
        *_chart_signals(chart_hits, f, settings, districts, sectors),
        *_item_signals(items, f, sectors),
        *_repeat_signals(firms, f, settings),
        *_target_signals(targets, f),
    ]
    table = pd.DataFrame(rows, columns=SIGNAL_COLUMNS)
    numbers = ["samples", "failures", "rate", "base_rate", "change", "q", "excess"]
    table[numbers] = table[numbers].astype(float)
    return table.sort_values(["severity", "excess"], ascending=False, kind="stable").reset_index(drop=True)


def _signal(severity, kind, subject, why, view, excess=0.0, samples=None, failures=None, rate=None, base=None, q=None):
    """A row of the signal table; `view` is (page, districts, sectors, enterprise)."""
    page, districts, sectors, enterprise = view
    change = None if rate is None or base is None else rate - base
    return dict(
        zip(
            SIGNAL_COLUMNS,
            (
                int(severity),
                kind,
                subject,
                why,
                samples,
                failures,
                rate,
                base,
                change,
                q,
                excess,
                page,
                districts,
                sectors,
                enterprise,
            ),
        )
    )


def _domain_sectors(sectors: pd.DataFrame, domain: str) -> tuple:
    return tuple(sectors.index[sectors.domain == domain])


def _decline_signals(cells, f: Filters, settings: Settings, districts, sectors):
    """District x sector cells whose pass rate fell against the same months of last year."""
    T, names = i18n.translator(f.lang), i18n.name_column(f.lang)
    for c in cells[cells.flagged].itertuples():
        subject = (
            f"{districts[names].get(c.district_code, c.district_code)} · "
            f"{sectors[names].get(c.sector_code, c.sector_code)}"
        )
        why = T(
            "attention.why_decline",
            period=f.at().label(f.lang),
            rate=f"{c.rate:.1f}%",
            before=f"{c.rate_before:.1f}%",
            drop=f"{-c.change:.1f}",
            n=i18n.fmt_count(c.samples, f.lang),
            q=f"{c.q:.3g}",
            versus=f.at().versus(f.lang),
            fdr=f"{100 * settings.fdr:g}",
        )
        view = ("spot_checks", (c.district_code,), (c.sector_code,), "")
        yield _signal(
            c.severity,
            "decline",
            subject,
            why,
            view,
            c.excess,
            c.samples,
            c.samples - c.passed,
            c.rate,
            c.rate_before,
            c.q,
        )


def _chart_signals(chart_hits, f: Filters, settings: Settings, districts, sectors):
    """Control-chart tests that fired on a series (the city, a domain, sector or district)."""
    T = i18n.translator(f.lang)
    for h in chart_hits.itertuples():
        why = T(
            f"attention.why_{h.rule}",
            months=month_spans(h.months, f.lang),
            rate=f"{h.rate:.1f}%",
            centre=f"{h.centre:.1f}%",
            lower=f"{h.lower:.1f}%",
            run=settings.run_length,
            trend=settings.trend_length,
        )
        narrowed = {
            "district": ((h.code,), ()),
            "sector": ((), (h.code,)),
            "domain": ((), _domain_sectors(sectors, h.code)),
        }.get(h.series, ((), ()))
        subject = series_name(h.series, h.code, districts, sectors, f.lang)
        view = ("spot_checks", *narrowed, "")
        yield _signal(h.severity, "chart", subject, why, view, h.excess, h.samples, h.failures, h.rate, h.centre)


def _item_signals(items, f: Filters, sectors):
    """Failed test items whose failures per sample rose in a domain."""
    T = i18n.translator(f.lang)
    for i in items[items.flagged].itertuples():
        why = T(
            "attention.why_item",
            failures=i.failures,
            before=i.failures_before,
            per=f"{i.per_10k:.1f}",
            per_before=f"{i.per_10k_before:.1f}",
            share=f"{i.share:.1f}%",
            share_before=f"{i.share_before:.1f}%",
            q=f"{i.q:.3g}",
            versus=f.at().versus(f.lang),
        )
        subject = f"{i.item} · {i18n.label('domain', i.domain, f.lang)}"
        view = ("spot_checks", (), _domain_sectors(sectors, i.domain), "")
        yield _signal(i.severity, "item", subject, why, view, i.excess, i.samples, i.failures)


def _repeat_signals(firms, f: Filters, settings: Settings):
    """Enterprises that failed again and again, or failed after a diagnosis visit."""
    T, lang = i18n.translator(f.lang), f.lang
    joiner = "；" if lang == "zh" else "; "
    columns = [
        "enterprise_id",
        "name",
        f"district_{lang}",
        "failures",
        "samples",
        "failures_after_visit",
        "last_visit",
        "history",
        "severity",
    ]  # as arrays: iterating Arrow-backed rows costs 20 us each
    for firm, name, district, failures, samples, after, visit, history, severity in zip(
        *(firms[c].to_numpy() for c in columns)
    ):
        batches = joiner.join(f"{h['sample_date']} {h['product'] or ''} {h['items'] or ''}".strip() for h in history)
        counts = {"failures": failures, "samples": samples, "months": settings.repeat_months, "history": batches}
        if after:
            why = T("attention.why_visit", visit=str(visit)[:10], **counts)
        else:
            why = T("attention.why_repeat", **counts)
        view = ("enterprise", (), (), firm)
        yield _signal(severity, "repeat", f"{name} · {district}", why, view, float(failures), samples, failures)


def _target_signals(targets: list, f: Filters):
    """Indicators off their target, or on course to miss it."""
    T = i18n.translator(f.lang)
    for card, verdict in targets:
        ind = card.indicator
        why = T(
            f"attention.why_{verdict}",
            value=i18n.fmt_value(card.value, ind.unit, f.lang, ind.digits),
            target=i18n.fmt_value(card.target, ind.unit, f.lang, ind.digits),
            change=narrative.change_phrase(card.change or 0.0, ind, card.period, f.lang),
            period=card.period.label(f.lang),
        )
        yield _signal(2 if verdict == "missed" else 1, "target", T(f"ind.{ind.id}"), why, ("overview", (), (), ""))


def firm_history(firms: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The failed batches of the enterprises to watch, one row each, in the list's order: the inspector's record."""
    columns = ["enterprise_id", "name", f"district_{lang}", f"sector_{lang}", "history"]
    rows = [
        (firm, name, district, sector, batch["sample_date"], batch["product"], batch["items"])
        for firm, name, district, sector, history in zip(*(firms[c].to_numpy() for c in columns))
        for batch in history
    ]
    return pd.DataFrame(rows, columns=["enterprise_id", "enterprise", "district", "sector", "date", "product", "items"])


def worklist(signals: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The signals as the list and its downloads show them, headed in `lang`: level, kind, subject, why, samples,
    failures, rate, base, change and q (the views to link to stay in `signals`)."""
    T = i18n.translator(lang)
    levels = {s: T(f"severity.{s}") for s in (1, 2, 3)}
    kinds = {k: T(f"signal.{k}") for k in KINDS}
    return pd.DataFrame(
        {
            T("col.severity"): signals.severity.map(levels),
            T("col.signal"): signals.kind.map(kinds),
            T("col.subject"): signals.subject,
            T("col.why"): signals.why,
            T("col.samples"): signals.samples,
            T("col.failures"): signals.failures,
            T("col.rate"): signals.rate.round(2),
            T("col.base_rate"): signals.base_rate.round(2),
            T("col.change"): signals.change.round(2),
            T("col.q"): signals.q,
        }
    )
