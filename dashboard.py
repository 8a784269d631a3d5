"""Entry point: the data directory, language and global filters, navigation, then the chosen page."""

import streamlit as st

from qcity import i18n
from qcity.analysis import pages
from qcity.store import db, schema
from qcity.web import app, cache, controls, ui

cache.pin_version()
database = cache.current()
city = database.city()
lang = st.session_state.get("lang") or (
    st.query_params.get("lang") if st.query_params.get("lang") in i18n.LANGS else i18n.DEFAULT_LANG
)  # for the messages before the sidebar exists
if not city or {"districts.csv", "sectors.csv"} & set(database.missing):
    st.error(i18n.t("app.no_data", lang, path=database.path))
    st.stop()
if unusable := {"districts", "sectors"} & set(database.broken):  # nothing can be filtered or named without them
    st.error(
        i18n.t(
            "app.broken_file",
            lang,
            file=schema.TABLES[min(unusable)].file,
            error=database.broken[min(unusable)],
            path=database.path,
        )
    )
    st.stop()

selected = controls.sidebar(min_samples=int(city.get("min_samples", 30)))
T = i18n.translator(selected.lang)
st.set_page_config(page_title=T("app.title"), layout="wide")
page = st.navigation(app.pages(selected.lang))
ui.banner(city, selected.lang)
for notice in st.session_state.pop("url_notices", []):
    st.warning(notice.text(selected.lang), icon=":material/link_off:")
read_here = pages.tables_read_by(page.url_path)
if missing := [schema.TABLES[t].file for t in read_here if schema.TABLES[t].file in database.missing]:
    st.info(T("app.missing_tables", files=", ".join(missing)))
for table in sorted(set(database.broken) & set(read_here)):
    st.error(T("app.broken_file", file=schema.TABLES[table].file, error=database.broken[table], path=database.path))
if (
    not database.rollups_current
    and not {"inspections.parquet"} & set(database.missing)
    and "inspections" not in database.broken
):
    st.info(T("app.rollup_stale", path=database.path))
try:
    page.run()
except db.DataError as error:  # a file damaged while the app was running: say so instead of a traceback
    st.error(T("app.data_error", error=str(error), path=database.path))
