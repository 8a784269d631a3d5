"""Takeaways: one or two sentences that say what a chart shows, computed by fixed rules from the same query rows.

No language model and no adjectives the data does not support: a value, its change on last year (or "level" when
the change rounds to zero at the shown precision), a run of years moving the same way, the highest and lowest
ranked districts, and the target. Numbers are formatted as on the KPI cards (万/亿 for large Chinese counts).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from qcity import i18n
from qcity.analysis.filters import Period
from qcity.analysis.indicators import Indicator, Kpi

# The all-domain spot-check pass rate of the Spot checks page's heatmap and sector ranking: not one of the
# registry's indicators (those are per domain), but formatted and compared like them.
PASS_RATE = Indicator("pass_rate", "safety", "pct", True, "inspections", "samples")

VERBS = {  # (rise, fall) per unit family and language
    "pct": {"zh": ("提高", "下降"), "en": ("up", "down")},
    "count": {"zh": ("增加", "减少"), "en": ("up", "down")},
    "other": {"zh": ("上升", "下降"), "en": ("up", "down")},
}


def _number(value: float, ind: Indicator, lang: str) -> str:
    return i18n.fmt_value(value, ind.unit, lang, ind.digits)


def _verb(ind: Indicator, rising: bool, lang: str) -> str:
    family = "pct" if ind.unit == "pct" else "count" if ind.unit in ("count", "yuan_10k") else "other"
    return VERBS[family][lang][0 if rising else 1]


def change_phrase(change: float, ind: Indicator, period: Period, lang: str) -> str:
    """ "比上年提高 0.6 个百分点" / "up 0.6 points on last year" ("同比" / "year on year" for part of a year), or
    level when it rounds to zero."""
    if round(change, ind.digits) == 0:
        return i18n.t("period.level_same", lang) if period.partial else i18n.t("period.level_last", lang)
    verb = _verb(ind, change > 0, lang)
    if ind.unit == "pct":
        size = f"{abs(change):.{ind.digits}f} 个百分点" if lang == "zh" else f"{abs(change):.{ind.digits}f} points"
    else:
        size = _number(abs(change), ind, lang)
    return f"{period.versus(lang)}{verb} {size}" if lang == "zh" else f"{verb} {size} {period.versus(lang)}"


def _run_length(trend: pd.DataFrame, year: int, digits: int) -> int:
    """How many consecutive years up to `year` changed in the same direction (0 when this year's is flat)."""
    changes = trend.set_index("year")["change"]
    sign, run = None, 0
    while year in changes.index and pd.notna(changes[year]) and round(changes[year], digits) != 0:
        this = changes[year] > 0
        if sign is not None and this != sign:
            break
        sign, run, year = this, run + 1, year - 1
    return run


def _joined(names: list[str], lang: str) -> str:
    """Tied names, at most three of them and how many more."""
    return i18n.join_names(names, lang, most=3)


def _extremes(league: pd.DataFrame, ind: Indicator, lang: str) -> str:
    """ "岳麓区最高（98.6%），望城区最低（96.1%）" over ranked districts; empty with fewer than two."""
    ranked = league[league.enough_samples.fillna(False).astype(bool) & league.value.notna()]
    if len(ranked) < 2:
        return ""
    names = i18n.name_column(lang)
    shown = ranked.value.round(ind.digits)
    top, bottom = shown.max(), shown.min()
    if top == bottom:
        value = _number(top, ind, lang)
        return f"各区县均为 {value}" if lang == "zh" else f"every district at {value}"
    highest = _joined(list(ranked.loc[shown == top, names]), lang)
    lowest = _joined(list(ranked.loc[shown == bottom, names]), lang)
    if lang == "zh":
        return f"{highest}最高（{_number(top, ind, lang)}），{lowest}最低（{_number(bottom, ind, lang)}）"
    return f"highest in {highest} ({_number(top, ind, lang)}), lowest in {lowest} ({_number(bottom, ind, lang)})"


def _benchmarks(row, ind: Indicator, lang: str) -> str:
    """ "高于全国（93.93%）0.7 个百分点。" for each published benchmark of that year; empty when there is none."""
    out = []
    for scope in ("national", "provincial"):
        reference = row.get(scope)
        if reference is None or pd.isna(reference):
            continue
        where = i18n.t(f"scope.{scope}", lang)
        gap, shown = row.value - reference, _number(reference, ind, lang)
        if round(gap, ind.digits) == 0:
            out.append(
                f"与{where}水平（{shown}）持平。" if lang == "zh" else f"Level with the {where.lower()} {shown}."
            )
            continue
        above = gap > 0
        if ind.unit == "pct":
            size = f"{abs(gap):.{ind.digits}f} 个百分点" if lang == "zh" else f"{abs(gap):.{ind.digits}f} points"
            out.append(
                f"{'高于' if above else '低于'}{where}（{shown}）{size}。"
                if lang == "zh"
                else f"{size.capitalize()} {'above' if above else 'below'} the {where.lower()} {shown}."
            )
        else:
            out.append(
                f"{'高于' if above else '低于'}{where}（{shown}）。"
                if lang == "zh"
                else f"{'Above' if above else 'Below'} the {where.lower()} {shown}."
            )
    return (" " if lang == "en" else "").join(out)


def _target(row, ind: Indicator, lang: str) -> str:
    if ind.higher_is_better is None or pd.isna(row.target):
        return ""
    met = row.value >= row.target if ind.higher_is_better else row.value <= row.target
    target = _number(row.target, ind, lang)
    if lang == "zh":
        return f"目标{'' if ind.higher_is_better else '不高于'} {target}，{'已达标' if met else '未达标'}。"
    return f"Target {'' if ind.higher_is_better else 'at most '}{target}: {'met' if met else 'not met'}."


def indicator(ind: Indicator, trend: pd.DataFrame, league: pd.DataFrame, period: Period, lang: str) -> str:
    """The takeaway for an indicator's trend, district ranking or map.

    `trend` holds indicator_by_year rows of this indicator (year, value, change, target); `league` the
    district_league rows for the period (one row per selected district). With one district selected the sentence is
    about that district; with several, it names the highest and lowest ranked ones.
    """
    name = i18n.t(f"ind.{ind.id}", lang)
    year, when = period.year, period.label(lang)
    rows = trend[trend.year == year]
    if rows.empty or pd.isna(rows.value.iloc[0]):
        return f"{when}没有{name}的数据。" if lang == "zh" else f"No data on {name.lower()} for {when}."
    row = rows.iloc[0]
    single = league.iloc[0][i18n.name_column(lang)] if len(league) == 1 else None
    clauses = (
        [change_phrase(row.change, ind, period, lang)]
        if pd.notna(row.change)
        else ["无上年数据可比" if lang == "zh" else "no figure for the year before to compare"]
    )
    if (run := _run_length(trend, year, ind.digits)) >= 2:
        verb = _verb(ind, row.change > 0, lang)
        clauses.append(f"连续 {run} 年{verb}" if lang == "zh" else f"{verb} {run} years running")
    if not single and (extremes := _extremes(league, ind, lang)):
        clauses.append(extremes)
    value = _number(row.value, ind, lang)
    if lang == "zh":
        first = f"{when}{single or ''}{name} {value}，" + "；".join(clauses) + "。"
    else:
        where = f" in {single}" if single else ""
        first = f"{name}{where}: {value} in {when}, " + "; ".join(clauses) + "."
    later = [text for text in (_benchmarks(row, ind, lang), _target(row, ind, lang)) if text]
    return first + "".join((" " if lang == "en" else "") + text for text in later)


def domains(by_domain: pd.DataFrame, period: Period, lang: str) -> str:
    """The takeaway for pass rates by domain: the highest and lowest domain in the period, and how many rose."""
    year, when = period.year, period.label(lang)
    rows = by_domain[by_domain.year == year]
    if rows.empty:
        return f"{when}没有抽检数据。" if lang == "zh" else f"No spot-check data for {when}."
    shown = rows.set_index("domain").pass_rate.round(1)

    def label(domain: str) -> str:
        return i18n.label("domain", domain, lang)

    previous = by_domain[by_domain.year == year - 1].set_index("domain").pass_rate.round(1)
    compared = [d for d in shown.index if d in previous.index]
    rose = sum(shown[d] > previous[d] for d in compared)
    top, bottom = shown.max(), shown.min()
    highest = _joined([label(d) for d in shown.index[shown == top]], lang)
    lowest = _joined([label(d) for d in shown.index[shown == bottom]], lang)
    if len(shown) == 1 or top == bottom:
        head = f"{when}{highest}抽检合格率 {top:.1f}%" if lang == "zh" else f"Pass rate in {when}: {highest} {top:.1f}%"
    else:
        head = (
            f"{when}{highest}抽检合格率最高（{top:.1f}%），{lowest}最低（{bottom:.1f}%）"
            if lang == "zh"
            else f"In {when}, {highest} had the highest pass rate ({top:.1f}%) and {lowest} the lowest ({bottom:.1f}%)"
        )
    if not compared:
        return head + ("。" if lang == "zh" else ".")
    if lang == "zh":
        return f"{head}；{len(compared)} 个领域中 {rose} 个{period.versus(lang)}提高。"
    return f"{head}; {rose} of {len(compared)} domains rose {period.versus(lang)}."


def spot_checks(by_domain: pd.DataFrame, period: Period, lang: str, place: str) -> str:
    """The spot checks of the period in the words of the national bulletins: batches checked (in `place`: 全市, or
    the districts chosen), failed, the pass rate and its change on the same months of the year before."""
    now, before = (by_domain[by_domain.year == year] for year in (period.year, period.year - 1))
    if now.empty:
        return i18n.t("narrative.no_spot_checks", lang, period=period.label(lang))
    samples, passed = int(now.samples.sum()), int(now.passed.sum())
    rate = 100 * passed / samples
    change = ""
    if len(before):
        change = i18n.t(
            "narrative.change",
            lang,
            change=change_phrase(rate - 100 * before.passed.sum() / before.samples.sum(), PASS_RATE, period, lang),
        )
    return i18n.t(
        "narrative.spot_checks",
        lang,
        period=period.label(lang),
        place=place,
        samples=f"{samples:,}",
        failed=f"{samples - passed:,}",
        rate=f"{rate:.2f}%",
        change=change,
    )  # exact, as bulletins give them


def quality_index(this_year: pd.DataFrame, period: Period, lang: str) -> str:
    """The takeaway for the quality index league: the first and last ranked district, and how many are ranked."""
    ranked = this_year[this_year["rank"].notna()].sort_values("rank")
    year = period.label(lang)
    if ranked.empty:
        return (
            f"{year}没有可排名的质量指数。" if lang == "zh" else f"No district has a ranked quality index for {year}."
        )
    names = i18n.name_column(lang)
    first, last = ranked.iloc[0], ranked.iloc[-1]
    if len(ranked) == 1:
        return (
            f"{year}{first[names]}质量指数 {first.quality_index:.1f}。"
            if lang == "zh"
            else f"Quality index {year}: {first[names]} {first.quality_index:.1f}."
        )
    if lang == "zh":
        return (
            f"{year}质量指数{first[names]}最高（{first.quality_index:.1f}），{last[names]}最低"
            f"（{last.quality_index:.1f}）；{len(ranked)} 个区县参与排名。"
        )
    return (
        f"Quality index {year}: {first[names]} highest ({first.quality_index:.1f}), {last[names]} lowest "
        f"({last.quality_index:.1f}); {len(ranked)} districts ranked."
    )


def district_years(by_district_year: pd.DataFrame, period: Period, lang: str) -> str:
    """The takeaway for the district x year heatmap: highest and lowest district in the period and how many rose
    (one district: its rate and change)."""
    year, when = period.year, period.label(lang)
    rows = by_district_year[by_district_year.year == year]
    if rows.empty:
        return f"{when}没有抽检数据。" if lang == "zh" else f"No spot-check data for {when}."
    names = i18n.name_column(lang)
    before = by_district_year[by_district_year.year == year - 1].set_index("district_code").pass_rate
    shown = rows.set_index("district_code")
    if len(shown) == 1:
        code = shown.index[0]
        change = (
            change_phrase(shown.pass_rate.iloc[0] - before[code], PASS_RATE, period, lang)
            if code in before.index
            else ("无上年数据可比" if lang == "zh" else "no figure for the year before to compare")
        )
        value = _number(shown.pass_rate.iloc[0], PASS_RATE, lang)
        return (
            f"{when}{shown[names].iloc[0]}抽检合格率 {value}，{change}。"
            if lang == "zh"
            else f"Pass rate in {shown[names].iloc[0]}: {value} in {when}, {change}."
        )
    league = shown.rename(columns={"pass_rate": "value"}).assign(enough_samples=True)
    head = _extremes(league, PASS_RATE, lang)
    compared = [c for c in shown.index if c in before.index]
    rose = sum(round(shown.at[c, "pass_rate"], 1) > round(before[c], 1) for c in compared)
    if lang == "zh":
        tail = f"；{len(compared)} 个区县中 {rose} 个{period.versus(lang)}提高" if compared else ""
        return f"{when}抽检合格率{head}{tail}。"
    tail = f"; {rose} of {len(compared)} districts rose {period.versus(lang)}" if compared else ""
    return f"Pass rate in {when}: {head}{tail}."


def sectors(by_sector: pd.DataFrame, period: Period, lang: str) -> str:
    """The takeaway for the sector ranking: the lowest and highest ranked sector with their samples."""
    year = period.label(lang)
    ranked = by_sector[by_sector.enough_samples.fillna(False).astype(bool)].sort_values("pass_rate")
    if ranked.empty:
        return (
            f"{year}没有样本量足以排名的行业。"
            if lang == "zh"
            else f"No sector has enough samples to be ranked in {year}."
        )
    names = i18n.name_column(lang)
    low, high = ranked.iloc[0], ranked.iloc[-1]
    samples = i18n.t("hover.samples", lang)
    if lang == "zh":
        text = (
            f"{year}抽检合格率最低的行业是{low[names]}（{low.pass_rate:.1f}%，{samples} "
            f"{i18n.fmt_count(low.samples, lang)}）"
        )
        if len(ranked) > 1:
            text += f"，最高的是{high[names]}（{high.pass_rate:.1f}%）；{len(ranked)} 个行业参与排名"
        return text + "。"
    text = (
        f"Lowest pass rate in {year}: {low[names]} ({low.pass_rate:.1f}%, {i18n.fmt_count(low.samples, lang)} "
        f"{samples})"
    )
    if len(ranked) > 1:
        text += f"; highest: {high[names]} ({high.pass_rate:.1f}%); {len(ranked)} sectors ranked"
    return text + "."


def failures(by_item: pd.DataFrame, lang: str) -> str:
    """The takeaway for the failure-reason Pareto: the most common reason and what the top three add up to."""
    if by_item.empty:
        return "所选范围内没有不合格项目。" if lang == "zh" else "No failed items for these filters."
    top = by_item.iloc[0]
    name = i18n.label("failed_item", top.failed_item, lang)
    three = by_item.iloc[min(2, len(by_item) - 1)].cumulative_pct
    n = i18n.fmt_count(top.failures, lang)
    if lang == "zh":
        text = f"不合格项目中{name}最多（{n} 项次，占 {top.share_pct:.1f}%）"
        return text + (f"；前 3 项合计占 {three:.1f}%。" if len(by_item) > 3 else "。")
    text = f"{name} is the most common failure ({n}, {top.share_pct:.1f}% of all)"
    return text + (f"; the top 3 make up {three:.1f}%." if len(by_item) > 3 else ".")


def failed_items(top: pd.DataFrame, lang: str) -> str:
    """The takeaway for the failed-item ranking: the most frequent item, its category and share, and the runner-up."""
    if top.empty:
        return (
            "所选范围内的不合格批次没有记录不合格项目。"
            if lang == "zh"
            else "The failed samples for these filters do not name their failed items."
        )
    first = top.iloc[0]
    category = i18n.label("failed_item", first.failed_item, lang)
    n = i18n.fmt_count(first.failures, lang)
    if lang == "zh":
        share = f"{first.share_of_failed_pct:.1f}%"
        text = f"不合格项目中{first['item']}最多（{category}，{n} 批次，占有项目记录的不合格批次 {share}）"
        return text + (
            f"，其次是{top.iloc[1]['item']}（{i18n.fmt_count(top.iloc[1].failures, lang)} 批次）。"
            if len(top) > 1
            else "。"
        )
    text = (
        f"The most frequent failed item is {first['item']} ({category}: {n} samples, "
        f"{first.share_of_failed_pct:.1f}% of the failed samples that name their items)"
    )
    return text + (
        f", then {top.iloc[1]['item']} ({i18n.fmt_count(top.iloc[1].failures, lang)})." if len(top) > 1 else "."
    )


def item_rates(rates: pd.DataFrame, lang: str) -> str:
    """The takeaway for the item failure rates: the item failing most batches, out of how many tested for it, and
    the failure furthest over its limit (notices' failures have no batches tested beside them: not the first)."""
    judged = rates[rates.tested > 0]
    if judged.empty:
        return ""
    first = judged.iloc[0]
    failed, tested = i18n.fmt_count(first.failed, lang), i18n.fmt_count(first.tested, lang)
    rate = "" if pd.isna(first.failure_rate_pct) else f"{first.failure_rate_pct:.2f}%"
    worst = rates.dropna(subset=["times_over_max"])
    worst = worst.loc[worst.times_over_max.idxmax()] if len(worst) else None
    if lang == "zh":
        text = f"{first['item']}不合格 {failed} 批次，检验该项目 {tested} 批次" + (f"（{rate}）" if rate else "")
        if worst is not None:
            text += f"；超标最多的是{worst['item']}，达限量的 {worst.times_over_max:.2f} 倍"
        return text + "。"
    text = f"{first['item']} failed {failed} of the {tested} batches tested for it" + (f" ({rate})" if rate else "")
    if worst is not None:
        text += f"; the furthest over its limit was {worst['item']}, at {worst.times_over_max:.2f} times the limit"
    return text + "."


def award_funnel(stages: pd.DataFrame, period: Period, lang: str) -> str:
    """The takeaway for the award funnel: applicants, how many reached the on-site review, winners and their share."""
    year = period.label(lang)
    reached = stages.set_index("stage").reached
    applied = int(reached.get("applied", 0))
    if applied == 0:
        return f"{year}没有市长质量奖申报。" if lang == "zh" else f"No Mayor Quality Award applicants in {year}."
    onsite, winners = int(reached.get("onsite_review", 0)), int(reached.get("winner", 0))
    share = 100 * winners / applied
    if lang == "zh":
        return (
            f"{year} {applied} 家企业申报市长质量奖，{onsite} 家进入现场评审，"
            f"{winners} 家获奖（占申报的 {share:.1f}%）。"
        )
    return (
        f"{applied} enterprises applied for the Mayor Quality Award in {year}; {onsite} reached the on-site "
        f"review and {winners} won ({share:.1f}% of applicants)."
    )


COUNT = Indicator("count", "", "count", None, "", digits=0)  # formats and compares plain counts


def so_far(by_month: pd.DataFrame, column: str, ind: Indicator, title: str, lang: str) -> str:
    """The takeaway for a month-by-month chart: the value so far in the latest year, against the same months of the
    year before ("1–9月累计合格率 97.2%，同比提高 0.3 个百分点")."""
    if by_month.empty:
        return "所选范围内没有数据。" if lang == "zh" else "No data for these filters."
    year = int(by_month.year.max())
    now = by_month[by_month.year == year].iloc[-1]
    period = Period(year, 1, int(now.month), "ytd")
    before = by_month[(by_month.year == year - 1) & (by_month.month <= now.month)]
    value = _number(now[column], ind, lang)
    change = (
        change_phrase(now[column] - before[column].iloc[-1], ind, period, lang)
        if len(before)
        else ("无上年同期数据可比" if lang == "zh" else "no figure for the same months of last year")
    )
    return (
        f"{period.label(lang)}{title} {value}，{change}。"
        if lang == "zh"
        else f"{title}, {period.label(lang)}: {value}, {change}."
    )


def composition(
    frame: pd.DataFrame, x: str, y: str, by: str, lang: str, x_labels: str | None = None, period: Period | None = None
) -> str:
    """The takeaway for a stacked bar chart of counts (`y` per `x`, stacked by the enumeration `by`).

    By year: the last year's total (over the months of `period`, when given), its change on the year before and
    the largest part. By category (a district or sector column with names in `x_labels`): the category with the
    most and its share of the total.
    """
    if frame.empty:
        return "所选范围内没有数据。" if lang == "zh" else "No data for these filters."
    if x == "year":
        year = int(frame.year.max())
        shown = Period(year) if period is None else Period(year, period.month_from, period.month_to, period.kind)
        rows = frame[frame.year == year]
        total = rows[y].sum()
        parts = rows.groupby(by)[y].sum().sort_values(ascending=False, kind="stable")
        name = i18n.label(by, parts.index[0], lang)
        before = frame[frame.year == year - 1]
        change = (
            change_phrase(total - before[y].sum(), COUNT, shown, lang)
            if len(before)
            else ("无上年数据可比" if lang == "zh" else "no figure for the year before to compare")
        )
        n, share = i18n.fmt_count(parts.iloc[0], lang), 100 * parts.iloc[0] / total if total else 0.0
        when, total = shown.label(lang), i18n.fmt_count(total, lang)
        if lang == "zh":
            return f"{when}合计 {total}，{change}；其中{name}最多（{n}，占 {share:.1f}%）。"
        return f"{when}: {total} in all, {change}; {name} the largest part ({n}, {share:.1f}%)."
    totals = frame.groupby(x)[y].sum().sort_values(ascending=False, kind="stable")
    labels = dict(zip(frame[x], frame[x_labels])) if x_labels else {}
    top, total = totals.index[0], totals.sum()
    name, n = labels.get(top, top), i18n.fmt_count(totals.iloc[0], lang)
    share = 100 * totals.iloc[0] / total if total else 0.0
    if lang == "zh":
        return f"{name}最多（{n}，占 {share:.1f}%）；图中 {len(totals)} 项合计 {i18n.fmt_count(total, lang)}。"
    return (
        f"{name} has the most: {n}, {share:.1f}% of the {i18n.fmt_count(total, lang)} across the {len(totals)} "
        f"bars shown."
    )


def attention(signals: pd.DataFrame, period: Period, lang: str, name_top: bool = True) -> str:
    """The early-warning list in a sentence or two: how many signals at each level, and (with `name_top`) the most
    serious one with why it was flagged (qcity.analysis.attention's signal table, most serious first). Without it,
    nothing names a district, sector or enterprise: for what the public reads."""
    label = period.label(lang)
    if signals.empty:
        return i18n.t("attention.none", lang, period=label)
    levels = signals.severity.value_counts()
    text = i18n.tn(
        "attention.summary",
        len(signals),
        lang,
        period=label,
        n=len(signals),
        high=int(levels.get(3, 0)),
        medium=int(levels.get(2, 0)),
        low=int(levels.get(1, 0)),
    )
    if not name_top:
        return text
    top = signals.iloc[0]
    return f"{text}{'' if lang == 'zh' else ' '}{i18n.t('attention.top', lang, subject=top.subject, why=top.why)}"


@dataclass(frozen=True)
class Card:
    """A KPI card in words, as the Overview, the edition and anything else showing a card write it."""

    label: str
    value: str  # "96.9%", or the no-data text
    change: str | None  # "-0.3 个百分点", None without a comparable last year
    versus: str  # "比上年" / "同比"
    period: str  # "2026年1–9月", "2025年（年度数据）"
    target: str | None  # "目标 98.0%"; None without a target or a direction
    verdict: str | None  # "已达标" / "未达标"
    met: bool | None
    national: str | None  # "全国 93.93%"
    base: str | None  # "样本 1.4万"


def card(kpi: Kpi, lang: str) -> Card:
    """The words and numbers of a KPI card, formatted once for every place that shows one."""
    T = i18n.translator(lang)
    ind = kpi.indicator
    if kpi.value is None:
        return Card(T(f"ind.{ind.id}.short"), T("kpi.no_data"), None, "", "", None, None, None, None, None)
    target = verdict = None
    if ind.directional and kpi.target is not None:
        target = T("kpi.target", target=i18n.fmt_value(kpi.target, ind.unit, lang, ind.digits))
        missed = T("kpi.missed") if ind.higher_is_better else T("kpi.missed_ceiling")
        verdict = T("kpi.met") if kpi.status == "met" else missed
    elif ind.directional:
        target = T("kpi.no_target")
    national = (
        None
        if kpi.national is None
        else T("kpi.national", value=i18n.fmt_value(kpi.national, ind.unit, lang, ind.digits + 1))
    )
    base = (
        T("kpi.base", base_label=T(f"base.{ind.base}"), n=i18n.fmt_count(kpi.base, lang))
        if ind.base and kpi.base is not None
        else None
    )
    return Card(
        T(f"ind.{ind.id}.short"),
        i18n.fmt_value(kpi.value, ind.unit, lang, ind.digits),
        i18n.fmt_change(kpi.change, ind.unit, lang, ind.digits) if kpi.change is not None else None,
        kpi.period.versus(lang),
        kpi.period.label(lang, ind.yearly),
        target,
        verdict,
        None if verdict is None else kpi.status == "met",
        national,
        base,
    )
