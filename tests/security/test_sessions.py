"""Sessions: generic login errors, a fresh session on login, logout that really ends the
session (a copied cookie stops working), password changes and the idle timeout."""

from __future__ import annotations

import re

import pytest

from elearn.config import from_environment
from tests.conftest import PASSWORD

COOKIE = "elearn_session"
IDLE_MESSAGE = "Sinut kirjattiin ulos, koska et käyttänyt palvelua"


def cookie_of(client) -> str | None:
    cookie = client.get_cookie(COOKIE)
    return cookie.value if cookie else None


def replay(app, value: str):
    """A new browser presenting a copied session cookie; what does it see at the front page?"""
    other = app.test_client()
    other.set_cookie(COOKIE, value)
    return other.get("/")


def test_login_errors_are_the_same_page_whatever_failed(client, make_user):
    make_user(email="known@example.fi")
    make_user(email="gone@example.fi", active=False)
    make_user(email="invited@example.fi", password=None)
    pages = []
    for email, password in [
        ("nobody@example.fi", PASSWORD),
        ("known@example.fi", "wrong password here"),
        ("gone@example.fi", PASSWORD),
        ("invited@example.fi", PASSWORD),
    ]:
        response = client.post_form("/login", {"email": email, "password": password})
        assert response.status_code == 200
        # Apart from the address typed in (and the CSRF token), nothing tells them apart.
        pages.append(re.sub(r'value="[^"]*"', "", response.get_data(as_text=True)))
    assert "Sähköpostiosoite tai salasana on väärä." in pages[0]
    assert all(page == pages[0] for page in pages)


def test_a_cookie_from_before_login_never_becomes_signed_in(app, client, make_user):
    user = make_user()
    client.get("/password-reset")  # the session now holds a CSRF secret
    before = cookie_of(client)
    assert before
    client.post_form("/login", {"email": user.email, "password": PASSWORD})
    after = cookie_of(client)
    assert after and after != before
    assert client.get("/").status_code == 200
    planted = replay(app, before)
    assert planted.status_code == 302 and planted.location.startswith("/login")


def test_logout_ends_the_session_even_for_a_copied_cookie(app, client, make_user, login_as):
    login_as(make_user())
    copied = cookie_of(client)
    assert replay(app, copied).status_code == 200
    client.post_form("/logout")
    assert client.get("/").status_code == 302
    replayed = replay(app, copied)
    assert replayed.status_code == 302 and replayed.location.startswith("/login")


def test_logging_in_again_after_logout_works(client, make_user, login_as):
    user = make_user()
    login_as(user)
    client.post_form("/logout")
    login_as(user)
    assert client.get("/").status_code == 200


def test_changing_the_password_keeps_this_session_and_ends_the_others(app, client, make_user):
    user = make_user(email="vaihtaja@example.fi")
    client.post_form("/login", {"email": user.email, "password": PASSWORD})
    elsewhere = app.test_client()
    elsewhere.post_form("/login", {"email": user.email, "password": PASSWORD})
    assert elsewhere.get("/").status_code == 200
    response = client.post_form(
        "/profile",
        {
            "pw-current_password": PASSWORD,
            "pw-password": "an entirely new passphrase",
            "pw-confirm": "an entirely new passphrase",
            "pw-submit_password": "1",
        },
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert elsewhere.get("/").status_code == 302


def age_session(client, seconds: int) -> None:
    with client.session_transaction() as sess:
        sess["active_at"] -= seconds


def test_an_idle_session_needs_a_new_login(app, client, make_user, login_as, monkeypatch):
    monkeypatch.setitem(app.config, "ELEARN_IDLE_MINUTES", 30)
    login_as(make_user())
    age_session(client, 29 * 60)
    assert client.get("/discussions/").status_code == 200  # still in, and active again
    age_session(client, 29 * 60)
    assert client.get("/discussions/").status_code == 200
    age_session(client, 31 * 60)
    copied = cookie_of(client)
    response = client.get("/discussions/")
    assert response.status_code == 302
    assert response.location == "/login?next=/discussions/"
    page = client.get(response.location).get_data(as_text=True)
    assert IDLE_MESSAGE in page and "30 minuuttiin" in page
    assert client.get("/").status_code == 302
    assert replay(app, copied).status_code == 302  # the idle copy is just as idle


def test_an_idle_post_changes_nothing_and_asks_to_log_in(app, client, make_user, login_as, db):
    user = make_user(name="Ennallaan")
    login_as(user)
    token = client.csrf_token()
    age_session(client, app.config["ELEARN_IDLE_MINUTES"] * 60 + 1)
    response = client.post(
        "/profile",
        data={"csrf_token": token, "name": "Muutettu", "email": user.email, "language": "fi"},
    )
    assert response.status_code == 302 and response.location == "/login"
    db.session.refresh(user)
    assert user.name == "Ennallaan"


def test_the_idle_timeout_can_be_turned_off(app, client, make_user, login_as, monkeypatch):
    monkeypatch.setitem(app.config, "ELEARN_IDLE_MINUTES", 0)
    login_as(make_user())
    age_session(client, 10 * 24 * 3600)
    assert client.get("/").status_code == 200


@pytest.mark.parametrize(("value", "minutes"), [("", 60), ("15", 15), ("0", 0)])
def test_idle_minutes_come_from_the_environment(monkeypatch, tmp_path, value, minutes):
    monkeypatch.setenv("ELEARN_IDLE_MINUTES", value)
    assert from_environment(str(tmp_path))["ELEARN_IDLE_MINUTES"] == minutes
