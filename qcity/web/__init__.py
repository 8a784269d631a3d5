"""The web app: navigation, the sidebar's filters and the URL, page parts, sign-in.

app (the navigation and Streamlit's legacy-mode guard), cache (the process-wide caches: a Database per data
directory and version, query results keyed on the data version, figures shared by every session), controls (filter
widgets mirrored in the URL), ui (the area pages' parts: cards, an indicator's section, charts, the scorecard),
tables (grids and their CSV and Excel downloads), signals (the early warnings on a page), builds (files built when
their download is clicked, and their progress), upload (the Data page's import form), editions (the Present page's
edition panel: publish, address, QR code), deliveries (the Data page's delivery plan, latest deliveries and
"Send now"), guide (the "?" links into the documentation site the app serves),
accounts (named accounts, hashed passwords, roles, the wait after failed sign-ins;
python -m qcity.accounts), auth (who is signed in and may write), admin (the Data page's catalog, sign-in, table
editors, versions and audit log),
client (a session without a browser: page views over the app's websocket), serve (the server started ready for its
first reader; python -m qcity.serve).

Imports: any other part of qcity; nothing imports this but dashboard.py and pages/.
"""
