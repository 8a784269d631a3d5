"""Streamlit pieces shared by pages: the demo banner, KPI cards, source notes and table downloads."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from qcity import export, i18n
from qcity.filters import Filters
from qcity.indicators import Kpi


def source_note(city: dict, lang: str) -> str:
    """The footnote for charts and exports: the synthetic label for demo data, else the configured source."""
    if city.get("synthetic"):
        return i18n.t("note.synthetic", lang)
    return i18n.t("note.source", lang, source=city.get(f"source_{lang}", city.get(i18n.name_column(lang), "")))


def banner(city: dict, lang: str) -> None:
    """A visible label on every page whenever the loaded data is the synthetic demo."""
    if city.get("synthetic"):
        st.warning(i18n.t("app.synthetic_banner", lang, city=city[i18n.name_column(lang)]), icon=":material/science:")


def kpi_cards(cards: list[Kpi], lang: str, per_row: int = 3) -> None:
    """A card per indicator: value, change on last year (green when it moves the right way), target, base."""
    T = i18n.translator(lang)
    for start in range(0, len(cards), per_row):
        for column, card in zip(st.columns(per_row), cards[start:start + per_row]):
            ind = card.indicator
            with column.container(border=True):
                if card.value is None:
                    st.metric(T(f"ind.{ind.id}.short"), T("kpi.no_data"), help=T(f"ind.{ind.id}"))
                    continue
                st.metric(
                    T(f"ind.{ind.id}.short"), i18n.fmt_value(card.value, ind.unit, lang, ind.digits),
                    help=T(f"ind.{ind.id}"),
                    delta=i18n.fmt_change(card.change, ind.unit, lang, ind.digits) if card.change is not None else None,
                    delta_color="off" if card.improved is None else "normal" if ind.higher_is_better else "inverse",
                    delta_arrow="off" if card.improved is None else "auto",
                    delta_description=T("kpi.vs_last_year"))
                if card.target is None:
                    target = T("kpi.no_target")
                else:
                    verdict = {"met": T("kpi.met"),
                               "missed": T("kpi.missed") if ind.higher_is_better else T("kpi.missed_ceiling")}
                    colour = "green" if card.status == "met" else "red"
                    target = (f"{T('kpi.target', target=i18n.fmt_value(card.target, ind.unit, lang, ind.digits))} · "
                              f":{colour}[{verdict[card.status]}]")
                base = T("kpi.base", base_label=T(f"base.{ind.base}"), n=i18n.fmt_count(card.base, lang))
                st.markdown(f"{target} · {base}")


def filter_note(f: Filters, districts: pd.DataFrame, sectors: pd.DataFrame) -> str:
    """The filters in words, for exports."""
    T = i18n.translator(f.lang)
    names = i18n.name_column(f.lang)
    joiner = "、" if f.lang == "zh" else ", "
    chosen_districts = T("export.all") if f.all_districts else joiner.join(districts.loc[list(f.districts), names])
    chosen_sectors = T("export.all") if f.all_sectors else joiner.join(sectors.loc[list(f.sectors), names])
    return T("export.filters", years=f"{f.year_from}–{f.year_to}", districts=chosen_districts, sectors=chosen_sectors)


def download_csv(frame: pd.DataFrame, file_stem: str, notes: list[str], lang: str, key: str) -> None:
    """A download button for a table as CSV (UTF-8 with BOM, formulas neutralised, notes on top)."""
    st.download_button(i18n.t("spot.download", lang), export.csv_bytes(frame, notes), f"{file_stem}.csv",
                       "text/csv", key=key, icon=":material/download:")
