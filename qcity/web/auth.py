"""Who may write: everyone reads; import and rollback need an analyst sign-in.

The analyst password comes from the environment (QCITY_ANALYST_PASSWORD) or Streamlit secrets
(`analyst_password` in .streamlit/secrets.toml). Where OIDC is configured (an [auth] section in secrets), a user
signed in with st.login is an analyst, limited to `analyst_emails` when that list is given. The password is never
shown or kept: the session only remembers that the check passed.
"""

from __future__ import annotations

import hmac
import os

import streamlit as st


def _secret(name: str):
    try:
        return st.secrets.get(name)
    except Exception:  # no secrets file at all: Streamlit raises rather than returning nothing
        return None


def password_configured() -> bool:
    return bool(os.environ.get("QCITY_ANALYST_PASSWORD") or _secret("analyst_password"))


def oidc_configured() -> bool:
    return _secret("auth") is not None


def is_analyst() -> bool:
    if st.session_state.get("analyst"):
        return True
    if oidc_configured() and getattr(st.user, "is_logged_in", False):
        allowed = _secret("analyst_emails")
        return allowed is None or getattr(st.user, "email", None) in allowed
    return False


def sign_in(password: str) -> bool:
    """Check a password in constant time; remember only whether it matched."""
    expected = os.environ.get("QCITY_ANALYST_PASSWORD") or _secret("analyst_password") or ""
    matched = bool(expected) and hmac.compare_digest(password.encode(), str(expected).encode())
    st.session_state["analyst"] = matched
    return matched


def sign_out() -> None:
    st.session_state["analyst"] = False
