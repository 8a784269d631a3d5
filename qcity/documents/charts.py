"""Chart builders: pure functions DataFrame -> Plotly Figure with one house style and a source footnote.

Pages never style a figure themselves. Fonts are system CJK fonts (nothing is fetched), and the district map
draws the boundary GeoJSON on a blank geo layer: no basemap, no tiles.
"""

from __future__ import annotations

import math
import os

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.colors import get_colorscale, sample_colorscale
from plotly.subplots import make_subplots

from qcity import i18n
from qcity.analysis.indicators import Indicator
from qcity.store.schema import ENUMS

FONT = "Noto Sans CJK SC, Source Han Sans SC, PingFang SC, Microsoft YaHei, WenQuanYi Micro Hei, sans-serif"
COLORS = ["#1f5aa6", "#d9822b", "#2a9d8f", "#c0392b", "#7b5ea7", "#6c757d", "#e9c46a", "#8d5524", "#4cc9f0", "#9bbf3a"]
# Colour scales as explicit lists: served figures skip Plotly's checks, which would expand a name plotly.js lacks.
# Worse to better as red to blue through yellow: ColorBrewer's RdYlBu, which readers with red-green colour blindness
# tell apart (RdYlGn's red and green ends look alike to them).
GOOD_TO_BAD = get_colorscale("RdYlBu")
GOOD_TO_BAD_REVERSED = get_colorscale("RdYlBu_r")
NEUTRAL = get_colorscale("Blues")  # for indicators where neither direction is better
SMALL_DISTRICT = 0.10  # label a district when its area is at least this share of the largest one's
MIN_COLOUR_SPAN = {"pct": 2.0, "per_10k": 0.05}  # the map's colour scale covers at least this range
MUTED = "#9aa0a6"
TEMPLATE = go.layout.Template(
    layout=go.Layout(
        font=dict(family=FONT, size=14),
        colorway=COLORS,
        margin=dict(l=10, r=10, t=40, b=10),
        legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0),
        hoverlabel=dict(font_family=FONT),
    )
)


def _figure(*traces: dict) -> go.Figure:
    """A new figure. Plotly checks every property set on a figure against its schema, which costs several times
    the rest of building a chart (a trend builds about 10 times faster without); each served rerun builds several.
    The builders are tested with the checks on (QCITY_VALIDATE_FIGURES=1, set by tests/conftest.py), so pages
    skip them."""
    return go.Figure(list(traces) or None, _validate=os.environ.get("QCITY_VALIDATE_FIGURES") == "1")


def _finish(fig: go.Figure, note: str, height: int = 420, bottom: int = 110) -> go.Figure:
    """Apply the house template and the footnote (source, and the synthetic label for demo data).

    The footnote sits at the figure's bottom edge, inside a bottom margin tall enough for any tick labels and axis
    title, so it never overlaps them (Plotly's title automargin does not guarantee that for bottom titles).
    """
    fig.update_layout(template=TEMPLATE, height=height, margin=dict(b=bottom))
    fig.add_annotation(
        text=note,
        xref="paper",
        yref="paper",
        x=0,
        y=0,
        yshift=-(bottom - 4),
        xanchor="left",
        yanchor="bottom",
        showarrow=False,
        font=dict(size=11, color=MUTED),
    )
    return fig


def _axis_unit(indicator: Indicator, lang: str) -> str:
    return (
        f"{i18n.t(f'ind.{indicator.id}', lang)}（{i18n.t(f'unit.{indicator.unit}', lang)}）"
        if lang == "zh"
        else f"{i18n.t(f'ind.{indicator.id}', lang)} ({i18n.t(f'unit.{indicator.unit}', lang)})"
    )


def indicator_trend(
    by_year: pd.DataFrame, events: pd.DataFrame, indicator: Indicator, lang: str, note: str
) -> go.Figure:
    """One indicator by year with its target and the published national and provincial values (where there are
    any), each labelled at its end, and programme events as dated lines."""
    digits = indicator.digits + 1
    last = [""] * (len(by_year) - 1) + [i18n.fmt_value(by_year.value.iloc[-1], indicator.unit, lang, digits)]
    fig = _figure()
    fig.add_scatter(
        x=by_year.year,
        y=by_year.value,
        mode="lines+markers+text",
        name=i18n.t("legend.value", lang),
        line=dict(width=3, color=COLORS[0]),
        text=last,
        textposition="top center",
        textfont=dict(color=COLORS[0], size=13),
        cliponaxis=False,
        hovertemplate="%{x}: %{y:." + str(digits) + "f}<extra></extra>",
    )
    _target_line(fig, by_year, indicator, lang)
    _published_lines(fig, by_year, indicator, lang, digits)
    _event_lines(fig, by_year, events, lang)
    first, last = int(by_year.year.min()), int(by_year.year.max())
    fig.update_xaxes(
        title=i18n.t("axis.year", lang),
        dtick=1 if last - first < 8 else 2,
        tickformat="d",
        range=[first - 0.4, last + 0.4],
    )  # autorange would pad for the labels' text, too far when narrow
    fig.update_yaxes(title=_axis_unit(indicator, lang))
    fig.update_layout(showlegend=False, margin=dict(t=40 + 16 * min(len(events), 3), r=90))
    return _finish(fig, note)


def _target_line(fig: go.Figure, by_year: pd.DataFrame, indicator: Indicator, lang: str) -> None:
    """The target as a dashed step line, labelled at its end."""
    targets = by_year.dropna(subset=["target"])
    if targets.empty:
        return
    fig.add_scatter(
        x=targets.year,
        y=targets.target,
        mode="lines",
        name=i18n.t("legend.target", lang),
        line=dict(dash="dash", width=2, color=COLORS[1], shape="hv"),
    )
    label = f"{i18n.t('legend.target', lang)} {i18n.fmt_value(targets.target.iloc[-1], indicator.unit, lang)}"
    fig.add_annotation(
        x=targets.year.iloc[-1],
        y=targets.target.iloc[-1],
        text=label,
        showarrow=False,
        xanchor="left",
        xshift=6,
        font=dict(color=COLORS[1], size=12),
    )


def _published_lines(fig: go.Figure, by_year: pd.DataFrame, indicator: Indicator, lang: str, digits: int) -> None:
    """The published national and provincial values as dotted lines with their source in the hover, where there
    are any."""
    for scope, colour in (("national", MUTED), ("provincial", COLORS[4])):
        published = by_year.dropna(subset=[scope]) if scope in by_year else by_year.iloc[:0]
        if published.empty:
            continue
        where = i18n.t(f"scope.{scope}", lang)
        fig.add_scatter(
            x=published.year,
            y=published[scope],
            mode="lines+markers",
            name=where,
            line=dict(dash="dot", width=2, color=colour),
            marker=dict(size=6, color=colour),
            customdata=published[f"{scope}_source"],
            hovertemplate=f"{where} %{{x}}: %{{y:.{digits}f}}<br>%{{customdata}}<extra></extra>",
        )
        label = f"{where} {i18n.fmt_value(published[scope].iloc[-1], indicator.unit, lang, digits)}"
        fig.add_annotation(
            x=published.year.iloc[-1],
            y=published[scope].iloc[-1],
            text=label,
            showarrow=False,
            xanchor="left",
            xshift=6,
            yshift=-12,
            font=dict(color=colour, size=12),
        )


def _event_lines(fig: go.Figure, by_year: pd.DataFrame, events: pd.DataFrame, lang: str) -> None:
    """Programme events as dated vertical lines, their titles staggered over the plot."""
    title = i18n.name_column(lang).replace("name", "title")
    middle = (by_year.year.min() + by_year.year.max()) / 2
    for i, event in enumerate(events.itertuples()):
        fig.add_vline(x=event.year_position, line=dict(color=MUTED, dash="dot", width=1))
        fig.add_annotation(
            x=event.year_position,
            y=1,
            yref="paper",
            yshift=4 + 16 * (i % 3),
            text=getattr(event, title),
            showarrow=False,
            yanchor="bottom",
            xanchor="left" if event.year_position < middle else "right",  # stay inside the figure
            font=dict(size=11, color=MUTED),
        )


def domain_trend(by_domain: pd.DataFrame, lang: str, note: str) -> go.Figure:
    """Pass rate by year, one line per domain, with the Wilson interval in the hover."""
    fig = _figure()
    for i, (domain, rows) in enumerate(by_domain.groupby("domain", sort=False)):
        fig.add_scatter(
            x=rows.year,
            y=rows.pass_rate,
            mode="lines+markers",
            name=i18n.label("domain", domain, lang),
            showlegend=True,  # named even when only one domain is selected
            line=dict(width=3, color=COLORS[i % len(COLORS)]),
            customdata=rows[["samples", "interval_low", "interval_high"]],
            hovertemplate=(
                f"%{{x}}: %{{y:.2f}}%<br>{i18n.t('hover.samples', lang)} %{{customdata[0]:,}}<br>"
                f"{i18n.t('hover.interval', lang)} %{{customdata[1]:.2f}}–%{{customdata[2]:.2f}}%"
                "<extra></extra>"
            ),
        )
    fig.update_xaxes(title=i18n.t("axis.year", lang), dtick=1, tickformat="d")
    fig.update_yaxes(title=i18n.t("axis.pass_rate", lang), ticksuffix="%")
    return _finish(fig, note)


def district_year_heatmap(by_district_year: pd.DataFrame, lang: str, note: str) -> go.Figure:
    """Pass rate per district (rows) and year (columns), labelled in each cell."""
    names = by_district_year.drop_duplicates("district_code").set_index("district_code")[i18n.name_column(lang)]
    rate = by_district_year.pivot(index="district_code", columns="year", values="pass_rate")  # rows in code order
    samples = by_district_year.pivot(index="district_code", columns="year", values="samples").reindex_like(rate)
    fig = _figure(
        dict(
            type="heatmap",
            z=rate.to_numpy(),
            x=rate.columns,
            y=names[rate.index].to_numpy(),
            colorscale=GOOD_TO_BAD,
            customdata=samples.to_numpy(),
            text=rate.map(lambda v: "" if pd.isna(v) else f"{v:.1f}").to_numpy(),
            texttemplate="%{text}",
            colorbar=dict(title=dict(text="%"), thickness=12),
            hovertemplate=(
                f"%{{y}} %{{x}}: %{{z:.2f}}%<br>{i18n.t('hover.samples', lang)} %{{customdata:,}}<extra></extra>"
            ),
        )
    )
    fig.update_xaxes(title=i18n.t("axis.year", lang), dtick=1, tickformat="d")
    fig.update_yaxes(title=None, autorange="reversed", categoryorder="array", categoryarray=list(fig.data[0].y))
    return _finish(fig, note, height=max(320, 60 + 34 * len(rate)))


def interval_ranking(by_sector: pd.DataFrame, lang: str, note: str) -> go.Figure:
    """Pass rate per sector as a point with its 95% interval; sectors with too few samples in grey, unranked."""
    names = i18n.name_column(lang)
    rows = by_sector.iloc[::-1]  # plotly draws the first row at the bottom
    label = [f"{name} (n={n:,})" for name, n in zip(rows[names], rows.samples)]
    fig = _figure()
    for enough, name, color in (
        (True, i18n.t("legend.ranked", lang), COLORS[0]),
        (False, i18n.t("legend.few_samples", lang), MUTED),
    ):
        mask = (rows.enough_samples == enough).to_numpy()
        part = rows[mask]
        fig.add_scatter(
            x=part.pass_rate,
            y=[lab for lab, keep in zip(label, mask) if keep],
            mode="markers",
            name=name,
            marker=dict(size=9, color=color),
            error_x=dict(
                type="data",
                symmetric=False,
                array=part.interval_high - part.pass_rate,
                arrayminus=part.pass_rate - part.interval_low,
                color=color,
                thickness=1.5,
            ),
            hovertemplate="%{y}: %{x:.2f}%<extra></extra>",
        )
    fig.update_yaxes(categoryorder="array", categoryarray=label, title=None)
    fig.update_xaxes(title=i18n.t("axis.pass_rate", lang), ticksuffix="%")
    return _finish(fig, note, height=max(360, 90 + 26 * len(rows)))


def pareto(failures: pd.DataFrame, lang: str, note: str) -> go.Figure:
    """Failures per reason as bars, largest first, with the cumulative share as a line."""
    labels = [i18n.label("failed_item", item, lang) for item in failures.failed_item]
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    fig.add_bar(x=labels, y=failures.failures, name=i18n.t("legend.failures", lang), marker_color=COLORS[0])
    fig.add_scatter(
        x=labels,
        y=failures.cumulative_pct,
        name=i18n.t("legend.cumulative", lang),
        mode="lines+markers",
        line=dict(color=COLORS[1], width=2),
        secondary_y=True,
    )
    fig.update_yaxes(title=i18n.t("axis.failures", lang), secondary_y=False)
    fig.update_yaxes(
        title=i18n.t("axis.cumulative", lang),
        range=[0, 104],
        tickvals=[0, 20, 40, 60, 80, 100],
        ticksuffix="%",
        showgrid=False,
        secondary_y=True,
    )
    return _finish(fig, note)


def item_trend(by_year: pd.DataFrame, items: list[str], lang: str, note: str) -> go.Figure:
    """Failed samples per year for the given items (match keys), one line each, in the order given."""
    fig = _figure()
    for i, key in enumerate(items):
        rows = by_year[by_year.item_key == key]
        fig.add_scatter(
            x=rows.year,
            y=rows.failures,
            name=rows["item"].iloc[0],
            mode="lines+markers",
            line=dict(color=COLORS[i % len(COLORS)], width=2),
        )
    fig.update_xaxes(title=i18n.t("axis.year", lang), dtick=1)
    fig.update_yaxes(title=i18n.t("axis.failures", lang), rangemode="tozero")
    return _finish(fig, note)


def _rings(geometry: dict) -> list[list]:
    """The outer rings of a Polygon or MultiPolygon."""
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    return [polygon[0] for polygon in polygons]


def _centroid(ring: list) -> tuple[float, float, float]:
    """Area-weighted centroid and absolute area of a ring (shoelace formula); the label goes at the centroid."""
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1]):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if not area:
        return float(ring[0][0]), float(ring[0][1]), 0.0
    return cx / (3 * area), cy / (3 * area), abs(area) / 2


def district_map(
    league: pd.DataFrame, boundaries: dict, indicator: Indicator, lang: str, note: str, digits: int | None = None
) -> go.Figure:
    """Districts filled by an indicator's value, drawn from the boundary GeoJSON on plain axes, labelled with
    `digits` decimals (default: one more than the indicator's, as the league tables beside the maps show).

    Plotly's geo layer fetches world topojson from a CDN even when hidden, so the map is drawn as filled
    polygons instead: no basemap, no tiles, nothing from the network.
    """
    values = league.set_index("district_code")
    scale = (
        NEUTRAL
        if indicator.higher_is_better is None
        else GOOD_TO_BAD
        if indicator.higher_is_better
        else GOOD_TO_BAD_REVERSED
    )
    low, high = _colour_range(values.value.dropna(), indicator)
    fmt = f".{indicator.digits + 1 if digits is None else digits}f"
    fig = _figure()
    labels = _district_shapes(fig, boundaries, values, scale, (low, high), fmt, i18n.name_column(lang))
    _district_labels(fig, labels, indicator, lang)
    fig.add_scatter(
        x=[None],
        y=[None],
        mode="markers",
        showlegend=False,
        hoverinfo="skip",
        marker=dict(
            colorscale=scale,
            cmin=low,
            cmax=high,
            color=[low],
            showscale=True,
            colorbar=dict(title=dict(text=i18n.t(f"unit.{indicator.unit}", lang)), thickness=12),
        ),
    )
    fig.update_layout(clickmode="event+select")
    latitudes = [p[1] for f in boundaries["features"] for ring in _rings(f["geometry"]) for p in ring]
    mid = math.radians((min(latitudes) + max(latitudes)) / 2) if latitudes else 0.0
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False, scaleanchor="x", scaleratio=1 / math.cos(mid))
    fig.update_layout(plot_bgcolor="rgba(0,0,0,0)", hovermode="closest")
    return _finish(fig, note, height=440, bottom=30)


def _district_shapes(
    fig: go.Figure, boundaries: dict, values: pd.DataFrame, scale, bounds: tuple, fmt: str, names: str
):
    """Each district's outline filled by its value's colour (grey without one); returns what labels the districts
    with a value: (x, y, area, code, name, value as text, base)."""
    low, high = bounds
    labels = []
    for feature in boundaries["features"]:
        code = feature["properties"]["district_code"]
        selected = code in values.index and pd.notna(values.at[code, "value"])
        colour = (
            sample_colorscale(scale, [(values.at[code, "value"] - low) / (high - low)])[0] if selected else "#e3e5e8"
        )
        rings = _rings(feature["geometry"])
        for ring in rings:
            fig.add_scatter(
                x=[p[0] for p in ring],
                y=[p[1] for p in ring],
                fill="toself",
                fillcolor=colour,
                mode="lines",
                line=dict(color="white", width=1.5),
                hoverinfo="skip",
                showlegend=False,
            )
        if selected:
            x, y, area = _centroid(max(rings, key=len))
            row = values.loc[code]
            labels.append((x, y, area, code, row[names], format(row.value, fmt), row.get("base")))
    return labels


def _colour_range(known: pd.Series, indicator: Indicator) -> tuple[float, float]:
    """The values the colour scale runs between: the districts' own, widened to the unit's minimum span so that a
    small gap does not look like red against green."""
    low, high = (known.min(), known.max()) if len(known) else (0.0, 1.0)
    min_span = MIN_COLOUR_SPAN.get(indicator.unit, 0.0)
    if high - low < min_span or high == low:
        middle, half = (low + high) / 2, max(min_span, abs(high) * 0.02, 1e-9) / 2
        low, high = middle - half, middle + half
    return low, high


def _district_labels(fig: go.Figure, labels: list[tuple], indicator: Indicator, lang: str) -> None:
    """Each district's name and value at its centroid (large enough districts only), with the base in the hover;
    the points are what a click selects."""
    if not labels:
        return
    base = i18n.t(f"base.{indicator.base}", lang) if indicator.base else ""
    x, y, area, code, name, text, n = zip(*labels)
    big = max(area) * SMALL_DISTRICT  # small urban districts stay unlabelled: their labels would overlap
    fig.add_scatter(
        x=x,
        y=y,
        mode="text+markers",
        marker=dict(size=14, opacity=0),
        showlegend=False,
        text=[f"{a}<br>{b}" if s >= big else "" for a, b, s in zip(name, text, area)],
        textfont=dict(size=12, color="#1b1f24"),
        customdata=list(zip(code, name, text, n)),
        hovertemplate="%{customdata[1]}: %{customdata[2]}"
        + (f"<br>{base} %{{customdata[3]:,}}" if base else "")
        + "<extra></extra>",
    )


def district_ranking(league: pd.DataFrame, indicator: Indicator, lang: str, note: str) -> go.Figure:
    """An indicator per district, best first; unranked districts (too small a base) grey.

    Rates are dots with their 95% interval on an axis fitted to the data (a bar would have to start at zero to be
    honest, hiding half-point gaps); other values are bars from zero. Each mark carries its district code, so
    clicking it can narrow the page to that district.
    """
    names = i18n.name_column(lang)
    rows = league.dropna(subset=["value"]).iloc[::-1]  # plotly draws the first row at the bottom
    colours = [COLORS[0] if r else MUTED for r in rows.enough_samples.to_numpy()]
    digits = indicator.digits + 1
    text = [i18n.fmt_value(v, indicator.unit, lang, digits) for v in rows.value]
    base = f"<br>{i18n.t(f'base.{indicator.base}', lang)} %{{customdata[1]:,.0f}}" if indicator.base else ""
    common = dict(
        x=rows.value,
        y=rows[names],
        customdata=rows[["district_code", "base"]],
        text=text,
        hovertemplate="%{y}: %{text}" + base + "<extra></extra>",
    )
    if indicator.unit == "pct":
        has_interval = rows.interval_low.notna()
        fig = _figure(
            dict(
                type="scatter",
                **common,
                mode="markers+text",
                textposition="top center",
                textfont=dict(size=11),
                cliponaxis=False,  # the best district's label overhangs the axis's end, into the right margin
                marker=dict(size=10, color=colours),
                error_x=dict(
                    type="data",
                    symmetric=False,
                    array=(rows.interval_high - rows.value).where(has_interval, 0),
                    arrayminus=(rows.value - rows.interval_low).where(has_interval, 0),
                    color="#5f6368",
                    thickness=1.2,
                ),
            )
        )
        low, high = rows.interval_low.fillna(rows.value).min(), rows.interval_high.fillna(rows.value).max()
        pad = max((high - low) * 0.08, 0.2)
        fig.update_xaxes(range=[low - pad, min(100.0, high + pad) + pad / 2], ticksuffix="%")
    else:
        fig = _figure(dict(type="bar", **common, orientation="h", marker_color=colours, textposition="auto"))
        fig.update_xaxes(rangemode="tozero")
    fig.update_xaxes(title=_axis_unit(indicator, lang))
    fig.update_yaxes(title=None, categoryorder="array", categoryarray=list(rows[names]))
    fig.update_layout(clickmode="event+select", showlegend=False, margin=dict(r=36))
    return _finish(fig, note, height=max(300, 100 + 34 * len(rows)))


def stacked_bars(
    frame: pd.DataFrame,
    x: str,
    y: str,
    by: str,
    lang: str,
    note: str,
    y_title: str,
    x_labels: str | None = None,
    horizontal: bool = False,
) -> go.Figure:
    """Counts or sums stacked by an enumeration (`by`), e.g. standards per year by level.

    `x` is the category column; `x_labels` a column with its display names (else the values are shown, as for
    years). Horizontal bars put the categories on the y axis, for long names.
    """
    fig = _figure()
    order = list(dict.fromkeys(frame[x]))
    labels = dict(zip(frame[x], frame[x_labels])) if x_labels else {v: v for v in order}
    values = ENUMS.get(by, ())
    ordered = sorted(frame.groupby(by, sort=False), key=lambda g: values.index(g[0]) if g[0] in values else 99)
    for value, rows in ordered:  # a value keeps its colour (its place in the schema) in every chart
        i = values.index(value) if value in values else len(fig.data)
        cats = [labels[v] for v in rows[x]]
        fig.add_bar(
            x=rows[y] if horizontal else cats,
            y=cats if horizontal else rows[y],
            orientation="h" if horizontal else "v",
            name=i18n.label(by, value, lang),
            marker_color=COLORS[i % len(COLORS)],
            customdata=rows[[x]],
        )  # the code, for click-to-filter
    category_axis, value_axis = (
        (fig.update_yaxes, fig.update_xaxes) if horizontal else (fig.update_xaxes, fig.update_yaxes)
    )
    shown = [labels[v] for v in order]
    category_axis(
        title=i18n.t("axis.year", lang) if x == "year" else None,
        categoryorder="array",
        categoryarray=shown[::-1] if horizontal else shown,  # horizontal: the first row on top
        **({"dtick": 1} if x == "year" else {}),
    )
    value_axis(title=y_title)
    fig.update_layout(barmode="stack", clickmode="event+select")
    return _finish(fig, note, height=max(380, 90 + 28 * len(order)) if horizontal else 420)


def funnel(stages: pd.DataFrame, lang: str, note: str) -> go.Figure:
    """The award review as a funnel: applicants reaching each stage, with the share of all applicants."""
    labels = [i18n.label("stage", s, lang) for s in stages.stage]
    fig = _figure(
        dict(
            type="funnel",
            y=labels,
            x=stages.reached,
            textinfo="value+percent initial",
            marker=dict(color=[COLORS[0]] * 4 + [COLORS[2], COLORS[1]]),
        )
    )
    return _finish(fig, note, height=380, bottom=40)


def score_distribution(applicants: pd.DataFrame, lang: str, note: str) -> go.Figure:
    """Scores of reviewed applicants in 25-point bins, winners and nominees picked out from the rest."""
    fig = _figure()
    groups = (("winner", COLORS[2]), ("nominee", COLORS[1]), (None, COLORS[0]))
    for stage, colour in groups:
        rows = (
            applicants[applicants.stage == stage]
            if stage
            else applicants[~applicants.stage.isin(["winner", "nominee"])]
        )
        name = i18n.label("stage", stage, lang) if stage else i18n.t("legend.other_applicants", lang)
        fig.add_histogram(x=rows.score.dropna(), name=name, marker_color=colour, xbins=dict(start=0, end=1000, size=25))
    fig.update_xaxes(title=i18n.t("axis.score", lang))
    fig.update_yaxes(title=i18n.t("axis.applicants", lang))
    fig.update_layout(barmode="stack")
    return _finish(fig, note, height=380)


def bars_by_year(
    frame: pd.DataFrame,
    y: str,
    lang: str,
    note: str,
    y_title: str,
    line: str | None = None,
    line_title: str | None = None,
) -> go.Figure:
    """One value per year as bars, optionally a second one as a line on its own axis (e.g. prizes and winners)."""
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    fig.add_bar(x=frame.year, y=frame[y], name=y_title, marker_color=COLORS[0])
    if line:
        fig.add_scatter(
            x=frame.year,
            y=frame[line],
            name=line_title,
            mode="lines+markers",
            line=dict(color=COLORS[1], width=2),
            secondary_y=True,
        )
        whole = (frame[line].dropna() % 1 == 0).all()  # counts get whole-number ticks
        step = max(1, math.ceil(frame[line].max() / 5)) if whole and len(frame) else None
        fig.update_yaxes(title=line_title, rangemode="tozero", showgrid=False, dtick=step, secondary_y=True)
    fig.update_xaxes(title=i18n.t("axis.year", lang), dtick=1, tickformat="d")
    fig.update_yaxes(title=y_title, secondary_y=False)
    return _finish(fig, note)


def months_against_last_year(
    by_month: pd.DataFrame,
    line: str,
    bars: str,
    lang: str,
    note: str,
    line_title: str,
    bar_title: str,
    small_below: int | None = None,
) -> go.Figure:
    """A year against the year before, month by month: a line per year (e.g. the pass rate so far) over bars per
    year on their own axis (e.g. each month's samples). With `small_below`, months whose `bars` value is below it
    are drawn hollow and named in the legend: too few samples to judge."""
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    years = sorted(by_month.year.unique())
    ticks = [i18n.t("period.month", lang, a=i18n.t(f"month.{m}", lang)) for m in range(1, 13)]
    digits = ".2f" if line.startswith("pass_rate") else ",.0f"
    for year in years:
        rows = by_month[by_month.year == year]
        colour = COLORS[0] if year == years[-1] else MUTED
        fig.add_bar(
            x=rows.month,
            y=rows[bars],
            name=f"{year} {bar_title}",
            marker_color=colour,
            opacity=0.3,
            offsetgroup=str(year),
            legendgroup=str(year),
            secondary_y=True,
            hovertemplate=f"{year} %{{x}}: %{{y:,}}<extra>{bar_title}</extra>",
        )
        small = rows[bars] < small_below if small_below else pd.Series(False, index=rows.index)
        fig.add_scatter(
            x=rows.month,
            y=rows[line],
            name=f"{year} {line_title}",
            mode="lines+markers",
            legendgroup=str(year),
            line=dict(color=colour, width=3 if year == years[-1] else 2),
            marker=dict(size=9, symbol=["circle-open" if s else "circle" for s in small], color=colour),
            hovertemplate=f"{year} %{{x}}: %{{y:{digits}}}<extra>{line_title}</extra>",
        )
    if small_below and (by_month[bars] < small_below).any():
        fig.add_scatter(
            x=[None],
            y=[None],
            mode="markers",
            marker=dict(size=9, symbol="circle-open", color=MUTED),
            name=i18n.t("legend.small_month", lang, n=small_below),
        )
    fig.update_xaxes(title=i18n.t("axis.month", lang), tickvals=list(range(1, 13)), ticktext=ticks, range=[0.5, 12.5])
    fig.update_yaxes(title=line_title, ticksuffix="%" if line.startswith("pass_rate") else None, secondary_y=False)
    top = float(by_month[bars].max()) if len(by_month) else 1.0
    fig.update_yaxes(
        title=bar_title, showgrid=False, range=[0, top * 1.15], tickmode="auto", tickformat=",d", secondary_y=True
    )
    fig.update_layout(barmode="group")
    return _finish(fig, note)


def control_chart(chart: pd.DataFrame, lang: str, note: str, min_samples: int) -> go.Figure:
    """A p-chart (qcity.analysis.attention.p_chart rows): the pass rate month by month, the centre line and the
    control limits (steps, as they vary with each month's samples), the baseline shaded; signals in red with their
    test in the hover, points above the upper limit in green, months with too few samples hollow."""
    labels = [f"{m // 12}-{m % 12 + 1:02d}" for m in chart.month]
    fig = _figure()
    positions = list(range(len(chart)))
    _control_lines(fig, chart, positions, lang)
    thin = chart.samples < min_samples
    rules = [i18n.t(f"rule.{r}", lang) if r else "" for r in chart.rule]
    fig.add_scatter(
        x=positions,
        y=chart.rate,
        mode="lines+markers",
        name=i18n.t("legend.rate", lang),
        line=dict(color=COLORS[0], width=2.5),
        marker=dict(size=8, color=COLORS[0], symbol=["circle-open" if t else "circle" for t in thin]),
        customdata=list(zip(labels, chart.samples, chart.lower, chart.upper, rules)),
        hovertemplate=(
            f"%{{customdata[0]}}: %{{y:.2f}}%<br>{i18n.t('hover.samples', lang)} "
            "%{customdata[1]:,}<br>%{customdata[2]:.2f}–%{customdata[3]:.2f}%"
            "<br>%{customdata[4]}<extra></extra>"
        ),
    )
    _control_marks(fig, chart, positions, thin, lang)
    step = max(1, len(labels) // 12)
    fig.update_xaxes(
        title=i18n.t("axis.month", lang),
        tickvals=positions[::step],
        ticktext=labels[::step],
        range=[-0.5, len(labels) - 0.5],
    )
    fig.update_yaxes(title=i18n.t("axis.pass_rate", lang), ticksuffix="%")
    return _finish(fig, note)


def _control_lines(fig: go.Figure, chart: pd.DataFrame, positions: list[int], lang: str) -> None:
    """The baseline shaded, the centre line and the control limits as steps."""
    first_judged = chart.index[~chart.baseline]
    if chart.baseline.any() and len(first_judged):
        fig.add_vrect(
            x0=-0.5,
            x1=first_judged[0] - 0.5,
            fillcolor=MUTED,
            opacity=0.12,
            line_width=0,
            annotation_text=i18n.t("legend.baseline", lang),
            annotation_position="top left",
            annotation_font=dict(size=11, color=MUTED),
        )
    for column, name, dash in (
        ("upper", "legend.limits", "dash"),
        ("lower", None, "dash"),
        ("centre", "legend.centre", "solid"),
    ):
        fig.add_scatter(
            x=positions,
            y=chart[column],
            mode="lines",
            name=i18n.t(name, lang) if name else None,
            showlegend=name is not None,
            legendgroup=column if column == "centre" else "limits",
            line=dict(color=COLORS[1] if column != "centre" else MUTED, dash=dash, width=1.5, shape="hvh"),
            hoverinfo="skip",
        )


def _control_marks(fig: go.Figure, chart: pd.DataFrame, positions: list[int], thin: pd.Series, lang: str) -> None:
    """Signals in red, months above the upper limit in green, and a legend entry for the hollow thin months."""
    for mask, name, colour in (
        (chart.rule != "", "legend.signal", COLORS[3]),
        (chart.better, "legend.better", "#1e7b34"),
    ):
        hits = chart[mask]
        if len(hits):
            fig.add_scatter(
                x=[positions[i] for i in np.flatnonzero(mask.to_numpy())],
                y=hits.rate,
                mode="markers",
                name=i18n.t(name, lang),
                marker=dict(size=13, color=colour, line=dict(width=0)),
                hoverinfo="skip",
            )
    if thin.any():
        fig.add_scatter(
            x=[None],
            y=[None],
            mode="markers",
            marker=dict(size=8, symbol="circle-open", color=MUTED),
            name=i18n.t("legend.thin", lang),
        )


def group_comparison(by_group: pd.DataFrame, lang: str, note: str) -> go.Figure:
    """Pass rate per year for groups of samples (e.g. served enterprises after the service vs the rest), each
    point with its 95% interval and sample count."""
    fig = _figure()
    for i, (group, rows) in enumerate(by_group.groupby("grp", sort=False)):
        fig.add_scatter(
            x=rows.year,
            y=rows.pass_rate,
            mode="lines+markers",
            name=i18n.label("grp", group, lang),
            line=dict(width=2.5, color=COLORS[i % len(COLORS)]),
            customdata=rows[["samples"]],
            error_y=dict(
                type="data",
                symmetric=False,
                array=rows.interval_high - rows.pass_rate,
                arrayminus=rows.pass_rate - rows.interval_low,
                thickness=1,
            ),
            hovertemplate=f"%{{x}}: %{{y:.2f}}%<br>{i18n.t('hover.samples', lang)} %{{customdata[0]:,}}<extra></extra>",
        )
    fig.update_xaxes(title=i18n.t("axis.year", lang), dtick=1, tickformat="d")
    fig.update_yaxes(title=i18n.t("axis.pass_rate", lang), ticksuffix="%")
    return _finish(fig, note)


def index_contributions(parts: pd.DataFrame, lang: str, note: str) -> go.Figure:
    """Each district's composite index as stacked bars, one segment per indicator's contribution, best first."""
    names = i18n.name_column(lang)
    order = list(dict.fromkeys(parts.sort_values("quality_index")[names]))  # plotly draws bottom-up
    fig = _figure()
    for i, (indicator, rows) in enumerate(parts.groupby("indicator", sort=False)):
        fig.add_bar(
            x=rows.contribution,
            y=rows[names],
            orientation="h",
            name=i18n.t(f"ind.{indicator}.short", lang),
            marker_color=COLORS[i % len(COLORS)],
            customdata=rows[["district_code"]],
            hovertemplate="%{y}: %{x:.1f}<extra>%{fullData.name}</extra>",
        )
    fig.update_xaxes(title=i18n.t("axis.index", lang), range=[0, 100])
    fig.update_yaxes(title=None, categoryorder="array", categoryarray=order)
    legend_rows = math.ceil(len(fig.data) / 4)  # the template's legend sits on top, about four entries a row
    fig.update_layout(barmode="stack", clickmode="event+select", margin=dict(t=30 + 22 * legend_rows))
    return _finish(fig, note, height=max(420, 120 + 22 * legend_rows + 32 * len(order)), bottom=80)


def for_export(fig: go.Figure, factor: float = 1.0) -> go.Figure:
    """A copy of a figure for an image or a projector: axes make room for their labels (the app's Streamlit theme
    does that on screen, a bare renderer does not) and type is scaled by `factor` (1.4 for slides and the
    Present page); the footnote and its margin grow with it."""
    out = go.Figure(fig.to_dict(), _validate=False)
    size = TEMPLATE.layout.font.size
    for axes in (out.update_xaxes, out.update_yaxes):  # explicit, so Streamlit's theme keeps them on the Present page
        axes(automargin=True, tickfont_size=round((size - 1) * factor), title_font_size=round(size * factor))
    out.update_layout(
        font_size=round(size * factor),
        legend_font_size=round(size * factor),
        margin_b=round((out.layout.margin.b or 80) * factor),
        margin_l=max(20, out.layout.margin.l or 0),
        margin_r=max(20, out.layout.margin.r or 0),
    )  # a builder's wider margin holds end labels
    for annotation in out.layout.annotations:
        if annotation.font.size:
            annotation.font.size = round(annotation.font.size * factor)
        if annotation.yshift and annotation.yref == "paper" and annotation.y == 0:
            annotation.yshift = round(annotation.yshift * factor)
    for trace in out.data:
        if getattr(trace, "textfont", None) is not None and trace.textfont.size:
            trace.textfont.size = round(trace.textfont.size * factor)
    return out
