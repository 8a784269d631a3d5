"""Entry point: the data directory, language and global filters, navigation, then the chosen page."""

import streamlit as st

from qcity import app, db, filters, i18n, ui

database = db.current()
city = database.city()
if not city or {"districts.csv", "sectors.csv"} & set(database.missing):
    st.error(i18n.t("app.no_data", st.session_state.get("lang", i18n.DEFAULT_LANG), path=database.path))
    st.stop()

selected = filters.sidebar(min_samples=int(city.get("min_samples", 30)))
T = i18n.translator(selected.lang)
st.set_page_config(page_title=T("app.title"), layout="wide")
page = st.navigation(app.pages(selected.lang))
ui.banner(city, selected.lang)
for notice in st.session_state.pop("url_notices", []):
    st.warning(notice.text(selected.lang), icon=":material/link_off:")
if database.missing:
    st.info(T("app.missing_tables", files=", ".join(database.missing)))
if not database.rollups_current and "inspections.parquet" not in database.missing:
    st.info(T("app.rollup_stale", path=database.path))
page.run()
