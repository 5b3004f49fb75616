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


def test_memo_mail_settings_are_on_by_default_and_can_be_turned_off(
    client, make_user, login_as, db
):
    from tests.htmltree import parse

    user = make_user()
    login_as(user)
    page = client.get("/profile").get_data(as_text=True)
    boxes = {i.attrs["name"]: i for i in parse(page).find_all("input", type="checkbox")}
    assert "checked" in boxes["mail-mail_memo_ready"].attrs
    assert "checked" in boxes["mail-mail_memo_reminder"].attrs
    assert "Lähetä minulle sähköpostia, kun keskustelun muistio on valmis" in page
    # Unticking both (a form without them) turns both off; nothing else changes.
    saved = client.post_form("/profile", {"mail-submit_mail": "Tallenna"})
    assert saved.status_code == 302 and saved.location.endswith("/profile#mail-h")
    db.session.refresh(user)
    assert (user.mail_memo_ready, user.mail_memo_reminder) == (False, False)
    assert user.name == "Testi Henkilö"
    page = client.get("/profile").get_data(as_text=True)
    assert "Sähköpostiasetuksesi on tallennettu." in page
    boxes = {i.attrs["name"]: i for i in parse(page).find_all("input", type="checkbox")}
    assert "checked" not in boxes["mail-mail_memo_ready"].attrs
    client.post_form("/profile", {"mail-submit_mail": "x", "mail-mail_memo_reminder": "y"})
    db.session.refresh(user)
    assert (user.mail_memo_ready, user.mail_memo_reminder) == (False, True)


def test_memo_mail_settings_are_shown_to_learners_only(client, make_user, login_as):
    from elearn.accounts.models import Role

    login_as(make_user(Role.TRAINER))
    assert "mail-mail_memo_ready" not in client.get("/profile").get_data(as_text=True)


def test_saving_mail_settings_is_not_an_email_change_attempt(app, client, make_user, login_as):
    # The e-mail change limit counts attempts at another address; these posts have none.
    login_as(make_user())
    limit = int(app.config["ELEARN_EMAIL_CHANGE_LIMIT"].split()[0])
    for _ in range(limit + 2):
        assert client.post_form("/profile", {"mail-submit_mail": "x"}).status_code == 302
