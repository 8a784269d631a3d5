"""Spot checks: pass rate by domain and year, this year against last month by month, district x year heatmap,
sector ranking with intervals, failure reasons as a Pareto, and the rows behind the charts for download."""

import streamlit as st

from qcity import i18n
from qcity.analysis import narrative
from qcity.documents import charts, downloads
from qcity.web import cache, controls, guide, tables, ui

TOP_ITEMS = 15

f = controls.current()
T = i18n.translator(f.lang)
note = downloads.source_note(cache.current().city(), f.lang)


def notices() -> None:
    """What published notices list (failed batches only), apart from the full data, with a pass rate only where
    the batches sampled are known (sampling_totals)."""
    scope = {k: f.params[k] for k in ("year_from", "year_to", "districts", "sectors")}
    listed = cache.run("notice_batches", **scope)
    if listed.empty:
        return
    st.subheader(T("spot.notices"))
    st.caption(T("spot.notices_note"))
    tables.table(i18n.localize(listed, f.lang), f, note, "notice-batches", key="spot_notice_rows")
    rates = cache.run("notice_pass_rates", **scope)
    if rates.empty:
        st.info(T("spot.notice_no_totals"))
    else:
        st.markdown(f"**{T('spot.notice_rates')}**")
        tables.table(
            i18n.localize(rates.round({"pass_rate": 2}), f.lang), f, note, "notice-pass-rates", key="spot_notice_rates"
        )


st.title(T("spot.title"), help=guide.page("spot_checks", f.lang))
by_domain = cache.run("pass_rate_by_domain_year", **f.params)
if by_domain.empty:
    st.info(T("empty"))
    notices()
    st.stop()

st.subheader(T("spot.by_domain"))
st.markdown(cache.shared(narrative.domains, by_domain, f.at(), f.lang))
ui.chart(cache.shared(charts.domain_trend, by_domain, f.lang, note), "spot_domains")

st.subheader(T("spot.by_month", year=f.year_to, last=f.year_to - 1))
by_month = cache.run("pass_rate_by_month", **f.months_params)
st.markdown(cache.shared(narrative.so_far, by_month, "pass_rate_so_far", narrative.PASS_RATE, T("spot.so_far"), f.lang))
ui.chart(
    cache.shared(
        charts.months_against_last_year,
        by_month,
        "pass_rate_so_far",
        "samples",
        f.lang,
        note,
        T("axis.pass_rate_so_far"),
        T("axis.samples_month"),
        f.min_samples,
    ),
    "spot_months",
)
st.caption(T("spot.by_month_note", n=f.min_samples))

left, right = st.columns(2)
with left:
    st.subheader(T("spot.heatmap"))
    by_district_year = cache.run("pass_rate_by_district_year", **f.params)
    st.markdown(cache.shared(narrative.district_years, by_district_year, f.at(), f.lang))
    ui.chart(cache.shared(charts.district_year_heatmap, by_district_year, f.lang, note), "spot_heatmap")
with right:
    st.subheader(T("spot.sectors", year=f.at().label(f.lang)))
    by_sector = cache.run("pass_rate_by_sector", **f.last_year_params, min_samples=f.min_samples)
    if by_sector.empty:
        st.info(T("empty"))
    else:
        st.markdown(cache.shared(narrative.sectors, by_sector, f.at(), f.lang))
        ui.chart(cache.shared(charts.interval_ranking, by_sector, f.lang, note), "spot_sectors")
        st.caption(T("spot.sectors_note", n=f.min_samples))

st.subheader(T("spot.pareto"))
failures = cache.run("failures_by_item", **f.params)
st.markdown(cache.shared(narrative.failures, failures, f.lang))
ui.chart(cache.shared(charts.pareto, failures, f.lang, note), "spot_pareto")

st.subheader(T("spot.items", n=TOP_ITEMS))
domain = st.radio(
    T("spot.items_domain"),
    ["", *sorted(by_domain.domain.unique())],
    horizontal=True,
    key="spot_items_domain",
    format_func=lambda d: i18n.label("domain", d, f.lang) if d else T("export.all"),
)
top_items = cache.run("failed_items_top", **f.params, domain=domain)
st.markdown(cache.shared(narrative.failed_items, top_items, f.lang))
if not top_items.empty:
    shown = top_items.head(TOP_ITEMS)
    left, right = st.columns(2)
    with left:
        ui.chart(
            cache.shared(
                charts.stacked_bars,
                shown,
                "item_key",
                "failures",
                "failed_item",
                f.lang,
                note,
                T("axis.failures"),
                x_labels="item",
                horizontal=True,
            ),
            "spot_items",
        )
    with right:
        by_year = cache.run("failed_items_by_year", **f.params, domain=domain)
        st.markdown(f"**{T('spot.item_trend')}**")
        ui.chart(
            cache.shared(charts.item_trend, by_year, shown.item_key.head(5).tolist(), f.lang, note), "spot_item_trend"
        )
    st.caption(T("spot.items_note"))
    tables.table(
        i18n.localize(shown.drop(columns="item_key").round({"share_of_failed_pct": 1}), f.lang),
        f,
        note,
        "failed-items",
        key="spot_items_rows",
    )

st.subheader(T("spot.item_rates"))
item_rates = cache.run("item_failure_rates", **f.params, domain=domain)
if item_rates.empty:
    st.caption(T("spot.item_rates_none"))
else:
    st.markdown(cache.shared(narrative.item_rates, item_rates, f.lang))
    tables.table(
        i18n.localize(
            item_rates.drop(columns="item_key").round(
                {"failure_rate_pct": 2, "times_over_median": 2, "times_over_max": 2}
            ),
            f.lang,
        ),
        f,
        note,
        "item-rates",
        key="spot_item_rates",
    )
    st.caption(T("spot.item_rates_note"))

notices()

st.subheader(T("spot.table"))
rows = cache.run("pass_rate_by_district_sector_year", **f.params).round({"pass_rate": 2})
tables.rows_table(rows, f, note, "spot-checks", key="spot_rows")
