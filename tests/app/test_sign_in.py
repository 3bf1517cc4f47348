"""Optional sign-in: off by default; when configured, nobody sees numbers before signing in."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from orchestration.paths import DATA_DIR_VARIABLE
from tests.app.conftest import APP

AUTH = {
    "auth": {
        "redirect_uri": "http://localhost:8501/oauth2callback",
        "cookie_secret": "a-long-random-string",
        "client_id": "aispend",
        "client_secret": "not-a-real-secret",
        "server_metadata_url": "https://login.example.com/.well-known/openid-configuration",
    }
}


def _app(demo_paths, monkeypatch, secrets: dict, user: dict) -> AppTest:
    monkeypatch.setenv(DATA_DIR_VARIABLE, str(demo_paths.root))
    app = AppTest.from_file(APP, default_timeout=60)
    app.secrets = secrets
    app.user = user
    return app.run()


def test_without_sign_in_configured_the_dashboard_opens(demo_paths, monkeypatch):
    app = _app(demo_paths, monkeypatch, {}, {"is_logged_in": False})

    assert not app.exception
    assert app.title[0].value == "AI spend overview"
    assert not [b for b in app.button if b.label == "Sign in"]


def test_with_sign_in_configured_a_stranger_sees_only_the_sign_in_button(demo_paths, monkeypatch):
    app = _app(demo_paths, monkeypatch, AUTH, {"is_logged_in": False})

    assert not app.exception
    assert [b.label for b in app.button] == ["Sign in"]
    assert not app.metric
    assert not app.dataframe


def test_a_signed_in_person_sees_the_dashboard_and_who_they_are(demo_paths, monkeypatch):
    app = _app(demo_paths, monkeypatch, AUTH, {"is_logged_in": True, "email": "cfo@northwind.example"})

    assert not app.exception
    assert app.title[0].value == "AI spend overview"
    assert "Signed in as cfo@northwind.example" in [c.value for c in app.sidebar.caption]
