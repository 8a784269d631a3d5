"""The web app: navigation, the sidebar's filters and the URL, page parts, sign-in.

app (the navigation and Streamlit's legacy-mode guard), controls (filter widgets mirrored in the URL), ui (cards,
chart sections, tables with downloads, the import form), auth (who may write).

Imports: any other part of qcity; nothing imports this but dashboard.py and pages/.
"""
