"""Words and documents: charts, images, storylines, decks, reports, editions and downloads.

charts (Plotly figures in one house style, for pages and slides alike), images (charts as PNG/SVG through kaleido
on the local Chromium), story (storylines: views checked like links, rendered to title, takeaway, chart and
figures), deck (PPTX and PDF from a storyline; the `python -m qcity.export` command), bulletin (the Word quality
bulletin of a period), edition (a storyline for a period as a static page for phones, and the archive of
them), downloads (CSV and Excel with their notes).

Imports: qcity.analysis, qcity.store and i18n. No Streamlit.
"""
