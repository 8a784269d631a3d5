"""Delivery: the numbers reach people on their own, on a schedule.

plan (the delivery plan DATA_DIR/deliveries.toml: what, which period, for whom, how, when, and its secrets),
channels (a folder, e-mail through SMTP, the WeChat Work, DingTalk and Feishu group robots), parcel (what an entry
sends for a period: files, an edition's link, a message with the headline figures), run (what is due, at most once
a period, retries, the audit log; the `python -m qcity.deliver` command).

Imports: qcity.documents, qcity.analysis, qcity.store and i18n. No Streamlit.
"""
