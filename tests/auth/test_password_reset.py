"""Password reset by an e-mailed one-time link."""

from __future__ import annotations

import re

from tests.conftest import PASSWORD

NEW = "uusi pitka salasana 42"


def reset_link(mailbox, email: str) -> str:
    (msg,) = mailbox.to(email)
    return re.search(r"http://elearn\.test(/password-reset/\S+)", mailbox.body(msg)).group(1)


def test_reset_by_mail_link(client, make_user, mailbox):
    make_user(email="unohti@example.fi")
    response = client.post_form("/password-reset", {"email": "unohti@example.fi"})
    assert response.status_code == 302
    link = reset_link(mailbox, "unohti@example.fi")
    assert client.get(link).status_code == 200
    done = client.post_form(link, {"password": NEW, "confirm": NEW})
    assert done.status_code == 302
    client.post_form("/logout")
    assert (
        client.post_form("/login", {"email": "unohti@example.fi", "password": PASSWORD}).status_code
        == 200
    )
    assert (
        client.post_form("/login", {"email": "unohti@example.fi", "password": NEW}).status_code
        == 302
    )
    client.post_form("/logout")
    used = client.get(link)
    assert used.status_code == 410
    assert "on jo käytetty" in used.get_data(as_text=True)


def test_unknown_address_gets_the_same_answer_and_no_mail(client, mailbox):
    response = client.post_form(
        "/password-reset", {"email": "eiole@example.fi"}, follow_redirects=True
    )
    assert "Jos osoite kuuluu" in response.get_data(as_text=True)
    assert mailbox.messages == []


def test_mismatched_passwords_are_refused(client, make_user, mailbox):
    make_user(email="kirjoitusvirhe@example.fi")
    client.post_form("/password-reset", {"email": "kirjoitusvirhe@example.fi"})
    link = reset_link(mailbox, "kirjoitusvirhe@example.fi")
    page = client.post_form(link, {"password": NEW, "confirm": NEW + "x"})
    assert page.status_code == 200
    assert "Salasanat eivät ole samat" in page.get_data(as_text=True)
