"""Mayor Quality Award: the review of the last selected year as a funnel, scores on the 1,000-point excellence
model, winners by district and domain, prize money over the years, and the applicants."""

import streamlit as st

from qcity import i18n
from qcity.analysis import narrative
from qcity.documents import charts, downloads
from qcity.web import cache, controls, tables, ui

f = controls.current()
T = i18n.translator(f.lang)
note = downloads.source_note(cache.current().city(), f.lang)

by_year = ui.area_overview("award", f)
if by_year is None:
    st.stop()

applicants = cache.run("award_applicants", **f.yearly_params)
if applicants.empty:
    st.info(T("empty"))
    st.stop()
left, right = st.columns(2)
with left:
    yearly = f.yearly.label(f.lang)
    st.subheader(T("award.funnel", year=yearly))
    funnel = cache.run("award_funnel", year=f.yearly_to, districts=f.districts, sectors=f.sectors)
    if funnel.empty:
        st.info(T("empty_year", year=yearly))
    else:
        st.markdown(cache.shared(narrative.award_funnel, funnel, f.yearly, f.lang))
        ui.chart(cache.shared(charts.funnel, funnel, f.lang, note), "award_funnel")
with right:
    st.subheader(T("award.scores"), help=ui.indicator_help("award_mean_score", f))
    ui.chart(cache.shared(charts.score_distribution, applicants, f.lang, note), "award_scores")

left, right = st.columns(2)
with left:
    st.subheader(T("award.by_district"))
    winners = cache.run("award_winners_by_district", **f.yearly_params)
    if winners.empty:
        st.info(T("award.no_winners"))
    else:
        st.markdown(
            cache.shared(
                narrative.composition, winners, "district_code", "winners", "domain", f.lang, i18n.name_column(f.lang)
            )
        )
        ui.chart(
            cache.shared(
                charts.stacked_bars,
                winners,
                "district_code",
                "winners",
                "domain",
                f.lang,
                note,
                T("col.winners"),
                x_labels=i18n.name_column(f.lang),
                horizontal=True,
            ),
            "award_districts",
            select="districts",
        )
        st.caption(T("districts.click"))
with right:
    st.subheader(T("award.prizes"))
    ui.chart(
        cache.shared(
            charts.bars_by_year,
            cache.run("award_by_year", **f.yearly_params),
            "prize_10k_yuan",
            f.lang,
            note,
            T("col.prize_10k_yuan"),
            line="winners",
            line_title=T("col.winners"),
        ),
        "award_prizes",
    )

st.subheader(T("award.winners"))
winners_table = applicants[applicants.stage == "winner"].drop(columns=["enterprise_id", "district_code", "sector_code"])
tables.table(i18n.localize(winners_table, f.lang), f, note, "award-winners", "award_winners")

st.subheader(T("spot.table"))
tables.rows_table(applicants, f, note, "award", key="award_rows")
