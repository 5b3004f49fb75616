"""The profile page: name, e-mail, language and password."""

from __future__ import annotations

from tests.conftest import PASSWORD


def test_change_name_and_language(client, make_user, login_as, db):
    user = make_user(name="Vanha Nimi")
    login_as(user)
    response = client.post_form(
        "/profile", {"name": "Uusi Nimi", "email": user.email, "language": "en"}
    )
    assert response.status_code == 302
    page = client.get("/profile").get_data(as_text=True)
    assert '<html lang="en">' in page and 'value="Uusi Nimi"' in page
    db.session.refresh(user)
    assert user.language == "en"


def test_email_change_needs_the_current_password(client, make_user, login_as):
    user = make_user(email="vanha@example.fi")
    login_as(user)
    page = client.post_form("/profile", {"name": "X", "email": "uusi@example.fi", "language": "fi"})
    assert "Kirjoita nykyinen salasanasi" in page.get_data(as_text=True)
    ok = client.post_form(
        "/profile",
        {"name": "X", "email": "uusi@example.fi", "language": "fi", "current_password": PASSWORD},
    )
    assert ok.status_code == 302
    client.post_form("/logout")
    assert (
        client.post_form("/login", {"email": "uusi@example.fi", "password": PASSWORD}).status_code
        == 302
    )


def test_change_password(client, make_user, login_as):
    user = make_user()
    login_as(user)
    wrong = client.post_form(
        "/profile",
        {
            "pw-current_password": "not it at all",
            "pw-password": "aivan uusi salasana",
            "pw-confirm": "aivan uusi salasana",
            "pw-submit_password": "1",
        },
    )
    assert "Nykyinen salasana on väärä" in wrong.get_data(as_text=True)
    ok = client.post_form(
        "/profile",
        {
            "pw-current_password": PASSWORD,
            "pw-password": "aivan uusi salasana",
            "pw-confirm": "aivan uusi salasana",
            "pw-submit_password": "1",
        },
    )
    assert ok.status_code == 302
    assert client.get("/profile").status_code == 200  # this session goes on
    client.post_form("/logout")
    assert (
        client.post_form(
            "/login", {"email": user.email, "password": "aivan uusi salasana"}
        ).status_code
        == 302
    )
