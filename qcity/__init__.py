"""Quality City Dashboard: shared logic for the pages (db, filters, charts, i18n, demo data)."""
