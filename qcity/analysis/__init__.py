"""Numbers and their meaning: which indicators there are, what a view selects, and what the numbers say.

indicators (id, area, unit, direction, source; change against last year and the target), filters (years,
districts, sectors and language as values, parsed from a link), pages (the dashboard's pages and the tables each
reads), narrative (takeaways in words, by fixed rules over query rows), attention (early warnings: control
charts, year-on-year tests with a false discovery rate, repeat offenders and targets at risk, with statsmodels).

Imports: qcity.store, i18n and statsmodels only. No Streamlit.
"""
