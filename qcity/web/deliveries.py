"""The Data page's deliveries (qcity.delivery): the plan with each entry's next run, the latest deliveries and
what failed, and for an analyst a button that sends one entry now, checked and audit-logged like every write."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pandas as pd
import streamlit as st

from qcity import i18n
from qcity.delivery import parcel, run
from qcity.delivery.plan import FILE, Plan, PlanError, load
from qcity.web import auth, controls, tables

SHOWN = 20  # latest deliveries on the page; the audit log holds them all
RESULT_KEY = "data_deliver_result"


def panel(database, lang: str) -> None:
    T = i18n.translator(lang)
    st.subheader(T("deliveries.title"))
    options, districts, sectors = controls.load_options()
    try:
        plan = load(database.path, options)
    except PlanError as error:
        st.error(T("deliveries.bad_plan", error=str(error)))
        return
    if plan is None:
        st.caption(T("deliveries.none", file=FILE))
        return
    st.caption(T("deliveries.plan_note"))
    tables.grid(i18n.localize(entries(plan, datetime.now()), lang), key="data_deliveries_plan")
    log = run.history(database.path)
    if failing := unresolved_failures(log):
        st.warning(T("deliveries.failing", items="; ".join(failing)))
    if log:
        st.caption(T("deliveries.recent"))
        tables.grid(i18n.localize(recent(log), lang), key="data_deliveries_recent")
    if auth.may("deliver"):
        name = st.selectbox(T("deliveries.entry"), plan.names, key="data_deliver_entry")
        source = parcel.Source(database.path, database.query, database.city(), options, (districts, sectors))
        st.button(
            T("deliveries.send_now"),
            key="data_deliver_now",
            icon=":material/send:",
            on_click=_send_now,
            args=(plan, name, source),
        )
    if result := st.session_state.pop(RESULT_KEY, None):
        ok, text = result
        if ok:
            st.success(T("deliveries.done", result=text))
        else:
            st.error(T("deliveries.not_done", result=text))


def entries(plan: Plan, now: datetime) -> pd.DataFrame:
    """The plan, an entry a row: what, which period, for whom, when, next run, to which channels."""
    return pd.DataFrame(
        [
            {
                "entry": e.name,
                "what": ", ".join(e.what),
                "period": e.period,
                "district": e.district or "",
                "schedule": e.when,
                "next_run": f"{e.next_run(now):%Y-%m-%d %H:%M}",
                "channel": ", ".join(f"{c} ({plan.channels[c].recipients()})" for c in e.to),
            }
            for e in plan.entries
        ]
    )


def recent(log: list[dict]) -> pd.DataFrame:
    """The latest deliveries, newest first."""
    columns = ["time", "entry", "period", "channel", "recipients", "outcome", "note", "user"]
    return pd.DataFrame([{c: e.get(c) for c in columns} for e in reversed(log[-SHOWN:])], columns=columns)


def unresolved_failures(log: list[dict]) -> list[str]:
    """Each entry, period and channel whose latest send failed: "group 2026-ytd-09 → wecom (HTTP 500 …)"."""
    latest = {}
    for e in log:
        if e.get("channel"):
            latest[(e.get("entry"), e.get("period"), e.get("channel"))] = e
    return [f"{k[0]} {k[1]} → {k[2]} ({e.get('note')})" for k, e in latest.items() if e.get("outcome") == "failed"]


def _send_now(plan: Plan, name: str, source: parcel.Source) -> None:
    """The button's action, before the page runs: the user is checked (a refusal is logged), then the entry is
    sent for the period its last scheduled run names, again if it was sent already."""
    try:
        actor = auth.require(Path(source.data_dir), "deliver")
    except PermissionError as error:
        st.session_state[RESULT_KEY] = (False, str(error))
        return
    with run.one_run(source.data_dir) as alone:
        if not alone:
            st.session_state[RESULT_KEY] = (False, "another delivery run is in progress")
            return
        outcomes = run.deliver(plan, plan.entry(name), source, datetime.now(), actor, force=True)
    failed = any(o.outcome == "failed" for o in outcomes)
    st.session_state[RESULT_KEY] = (not failed, "; ".join(o.line() for o in outcomes))
