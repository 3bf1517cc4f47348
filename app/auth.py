"""Optional sign-in: when Streamlit's `[auth]` secrets are configured, only signed-in people see data.

Sign-in is Streamlit's own OpenID Connect login (`st.login`), so any company identity provider
(Microsoft Entra ID, Okta, Google Workspace, Keycloak, ...) works. Without an `[auth]` section in
`.streamlit/secrets.toml` the dashboard is open to whoever can reach it, which is why it binds to
localhost unless told otherwise. The README shows the configuration.
"""

from __future__ import annotations

import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError


def sign_in_is_configured() -> bool:
    """True when the secrets hold an `[auth]` section."""
    try:
        return "auth" in st.secrets
    except (FileNotFoundError, StreamlitSecretNotFoundError):
        return False


def require_sign_in() -> None:
    """Stop the run with a sign-in button unless sign-in is off or the person has signed in."""
    if not sign_in_is_configured():
        return
    if not st.user.is_logged_in:
        st.title("aispend")
        st.write("Sign in with your company account to see AI spend.")
        st.button("Sign in", on_click=st.login, type="primary")
        st.stop()
    with st.sidebar:
        st.caption(f"Signed in as {st.user.get('email') or st.user.get('name') or 'you'}")
        st.button("Sign out", on_click=st.logout)
