"""Who is signed in, and what they may do: everyone reads; writing needs an analyst account.

Accounts come from the file named by QCITY_ACCOUNTS (qcity.web.accounts: named, hashed, with a role and optionally
the tables of one agency), and the single password of earlier versions still works: QCITY_ANALYST_PASSWORD (or
`analyst_password` in .streamlit/secrets.toml), plain or as a hash, signs in the account `analyst` with every table.
Where OIDC is configured (an [auth] section in secrets), a user signed in with st.login is an analyst, limited to
`analyst_emails` when that list is given (the others are viewers).

Failed sign-ins slow and then stop further tries, per session and per client address (accounts.wait); the
address's failures are read from the audit log, so every replica counts them alike. The session keeps only a
User object, under a key no widget has: a value a browser could send (a widget's state, a URL) is never one.
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
from datetime import datetime, timedelta

import streamlit as st

from qcity.store import audit
from qcity.web import accounts

USER_KEY = "qcity_signed_in_user"
FAILURES_KEY = "qcity_sign_in_failures"
PASSWORD_ENV = "QCITY_ANALYST_PASSWORD"
SINGLE_ACCOUNT = "analyst"  # the name the single password signs in as
TRUSTED_PROXIES_ENV = "QCITY_TRUSTED_PROXIES"  # addresses whose X-Forwarded-For is believed (default: this machine)


def _secret(name: str):
    try:
        return st.secrets.get(name)
    except Exception:  # no secrets file at all: Streamlit raises rather than returning nothing
        return None


def _single_password() -> str | None:
    return os.environ.get(PASSWORD_ENV) or _secret("analyst_password")


def named_accounts() -> dict[str, dict]:
    """The accounts file's accounts ({} without one); a broken file raises accounts.AccountError."""
    path = os.environ.get(accounts.ENV)
    return accounts.load(path) if path else {}


def password_configured() -> bool:
    return bool(_single_password() or os.environ.get(accounts.ENV))


def oidc_configured() -> bool:
    return _secret("auth") is not None


def current() -> accounts.User | None:
    """The signed-in user: by password (kept in the session) or by OIDC; None for an anonymous reader."""
    user = st.session_state.get(USER_KEY)
    if isinstance(user, accounts.User):
        return user
    if oidc_configured() and getattr(st.user, "is_logged_in", False):
        allowed = _secret("analyst_emails")
        email = getattr(st.user, "email", None)
        return accounts.User(f"oidc:{email}", "analyst" if allowed is None or email in allowed else "viewer")
    return None


def may(action: str, table: str | None = None) -> bool:
    user = current()
    return user is not None and user.may(action, table)


def actor() -> audit.Actor:
    """The current user and address, as the audit log and the version log name them."""
    user = current()
    return audit.Actor(user.name if user else "anonymous", client_address())


def require(data_dir, action: str, *tables: str) -> audit.Actor:
    """The actor, when the current user may do this (to every one of `tables`); else the refusal is logged, naming
    the first table refused, and PermissionError raised. Every write calls it just before writing, whatever the
    page showed: a crafted request meets the same check."""
    refused = next((t for t in tables if not may(action, t)), None)
    if refused is None and may(action):
        return actor()
    audit.record(data_dir, action, actor(), ok=False, **({"table": refused} if refused else {}))
    raise PermissionError(f"{actor().user} may not {action}" + (f" {refused}" if refused else ""))


def client_address() -> str:
    """The browser's address: the connection's, or the last X-Forwarded-For hop when a trusted proxy (nginx on this
    machine, by default) relays it. 'local' for a browser on this machine."""
    address = st.context.ip_address
    if not isinstance(address, str):  # None for a browser on this machine
        address = "127.0.0.1"
    trusted = os.environ.get(TRUSTED_PROXIES_ENV, "127.0.0.1,::1").split(",")
    forwarded = st.context.headers.get("X-Forwarded-For") if address in trusted else None
    if forwarded:
        with contextlib.suppress(ValueError):  # not an address: keep the proxy's
            address = str(ipaddress.ip_address(forwarded.split(",")[-1].strip()))
    return "local" if address in ("127.0.0.1", "::1") else address


def retry_in(data_dir) -> timedelta:
    """How long this session, from this address, must wait before trying again."""
    now = datetime.now().astimezone()
    session = st.session_state.get(FAILURES_KEY, [])
    address = audit.failed_sign_ins(data_dir, client_address(), accounts.WINDOW)
    return max(accounts.wait(session, now), accounts.wait(address, now))


class TryLater(Exception):
    """A sign-in refused unchecked: the session or the address must wait this long."""

    def __init__(self, wait: timedelta):
        super().__init__(f"try again in {wait.total_seconds():.0f} s")
        self.wait = wait


def sign_in(data_dir, name: str, password: str) -> accounts.User | None:
    """Check a name and password (the name is ignored for the single password); remember only the user.

    Raises TryLater, without checking, while the session or the address must wait (see retry_in). Every try is
    logged; a refused one does not count as a failure (the wait runs from the last checked one)."""
    name = name.strip().lower() or SINGLE_ACCOUNT
    if (wait := retry_in(data_dir)) > timedelta(0):
        audit.record(data_dir, "sign_in", audit.Actor(name[:40], client_address()), ok=False, refused="wait")
        raise TryLater(wait)
    user = None
    account = named_accounts().get(name)
    if account and accounts.verify(password, account["password"]):
        user = accounts.user(name, account)
    elif account is None and name == SINGLE_ACCOUNT and (single := _single_password()):
        user = accounts.User(SINGLE_ACCOUNT, "analyst") if accounts.verify(password, str(single)) else None
    audit.record(data_dir, "sign_in", audit.Actor(name[:40], client_address()), ok=user is not None)
    if user is None:
        st.session_state[FAILURES_KEY] = [*st.session_state.get(FAILURES_KEY, []), datetime.now().astimezone()]
    else:
        st.session_state[USER_KEY] = user
    return user


def sign_out(data_dir) -> None:
    if user := current():
        audit.record(data_dir, "sign_out", audit.Actor(user.name, client_address()))
    st.session_state.pop(USER_KEY, None)
