"""Quality City Dashboard: the shared logic behind dashboard.py and pages/, grouped along the flow of the data.

    i18n       every word the user sees, in both languages                imports nothing of qcity
    progress   how far long work is, for a status box or a terminal      imports nothing of qcity
    store      the data model and the database over the data directory's files
    analysis   indicators, filters, pages, takeaways in words             imports store
    intake     agencies' files in, versions, demo data, a city's set-up    imports store, analysis
    documents  charts, images, storylines, decks, reports, downloads      imports analysis, store
    delivery   the plan that sends bulletins, editions, worklists on time  imports documents, analysis, store
    web        navigation, sidebar and URL, page parts, sign-in           imports any of the above

Each part imports only those above it (tests/test_layout.py checks that, and that there is no import circle). The
other modules beside i18n.py and progress.py (demo, ingest, rollups, export, deliver, city, accounts, serve) are the
documented `python -m qcity.X` commands, each a door to the module that does the work.
"""
