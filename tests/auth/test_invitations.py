"""Invitations: sent by e-mail, accepted once, clear pages for used and expired links."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from elearn.accounts import services as accounts
from elearn.accounts.models import Role
from elearn.core.time import utcnow

NEW_PASSWORD = "lumi sataa hiljaa 2026"


@pytest.fixture
def invite(app, make_cohort, db):
    """Invite a learner through the service with the configured lifetime; returns the token."""

    def make(email: str, now=None):
        issued = accounts.invite_user(
            email,
            Role.ASSISTANT,
            cohort=make_cohort(),
            invited_by=None,
            now=now or utcnow(),
            lifetime=timedelta(days=app.config["ELEARN_INVITATION_DAYS"]),
        )
        db.session.commit()
        return issued

    return make


def invite_link(mailbox, email: str) -> str:
    (msg,) = mailbox.to(email)
    match = re.search(r"http://elearn\.test(/invitation/\S+)", mailbox.body(msg))
    assert match, mailbox.body(msg)
    return match.group(1)


def test_admin_invites_and_the_person_accepts(client, make_user, make_cohort, login_as, mailbox):
    cohort = make_cohort("Pilotti")
    login_as(make_user(Role.ADMIN))
    sent = client.post_form(
        "/admin/invite",
        {
            "email": "Uusi.Avustaja@Example.fi",
            "role": "assistant",
            "cohort": cohort.id,
            "language": "fi",
        },
    )
    assert sent.status_code == 302
    (msg,) = mailbox.to("uusi.avustaja@example.fi")
    assert msg["Subject"] == "Kutsu henkilökohtaisten avustajien perehdytyskoulutukseen"
    link = invite_link(mailbox, "uusi.avustaja@example.fi")
    client.post_form("/logout")

    form = client.get(link)
    assert form.status_code == 200
    assert "uusi.avustaja@example.fi" in form.get_data(as_text=True)
    accepted = client.post_form(
        link,
        {
            "name": "Uusi Avustaja",
            "password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
            "language": "sv",
        },
    )
    assert accepted.status_code == 302
    home = client.get("/")
    assert home.status_code == 200
    assert '<html lang="sv">' in home.get_data(as_text=True)
    user = accounts.get_user_by_email("uusi.avustaja@example.fi")
    assert (
        user.name == "Uusi Avustaja"
        and user.cohort_id == cohort.id
        and user.roles == {Role.ASSISTANT}
    )

    client.post_form("/logout")
    ok = client.post_form("/login", {"email": "uusi.avustaja@example.fi", "password": NEW_PASSWORD})
    assert ok.status_code == 302


def test_a_used_link_gives_a_clear_page(client, invite):
    issued = invite("kerran@example.fi")
    link = f"/invitation/{issued.secret}"
    data = {"name": "Kerran", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD, "language": "fi"}
    assert client.post_form(link, data).status_code == 302
    client.post_form("/logout")
    again = client.get(link)
    assert again.status_code == 410
    assert "on jo käytetty" in again.get_data(as_text=True)
    # Posting the form a second time (double click, back button) changes nothing.
    resubmit = client.post_form(
        link, dict(data, password="toinen salasana 123", confirm="toinen salasana 123")
    )
    assert resubmit.status_code == 410
    assert (
        client.post_form(
            "/login", {"email": "kerran@example.fi", "password": NEW_PASSWORD}
        ).status_code
        == 302
    )


def test_an_expired_link_gives_a_clear_page(client, invite):
    issued = invite("myohassa@example.fi", now=utcnow() - timedelta(days=8))
    page = client.get(f"/invitation/{issued.secret}")
    assert page.status_code == 410
    assert "vanhentunut" in page.get_data(as_text=True)


def test_a_made_up_link_is_not_found(client):
    page = client.get("/invitation/not-a-real-token")
    assert page.status_code == 404
    assert "kutsulinkki ei ole kelvollinen" in page.get_data(as_text=True)


def test_invitation_expires_after_seven_days_by_default(invite):
    now = utcnow()
    issued = invite("seitseman@example.fi", now=now)
    assert issued.token.expires_at == now + timedelta(days=7)
    token = accounts.find_token(
        issued.secret, accounts.TokenPurpose.INVITATION, now=now + timedelta(days=6, hours=23)
    )
    assert token.id == issued.token.id


def test_weak_password_is_refused_and_the_form_keeps_the_name(client, invite):
    issued = invite("heikko@example.fi")
    link = f"/invitation/{issued.secret}"
    page = client.post_form(
        link,
        {"name": "Heikki", "password": "salasana123", "confirm": "salasana123", "language": "fi"},
    )
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "liian yleinen" in html
    assert 'value="Heikki"' in html
    short = client.post_form(
        link, {"name": "Heikki", "password": "lyhyt", "confirm": "lyhyt", "language": "fi"}
    )
    assert "vähintään 10 merkkiä" in short.get_data(as_text=True)
    # The link is still usable after the refusals.
    assert client.get(link).status_code == 200


def test_resend_replaces_the_old_link(client, make_user, login_as, mailbox, invite):
    issued = invite("uudelleen@example.fi")
    login_as(make_user(Role.ADMIN))
    response = client.post_form(f"/admin/users/{issued.token.user_id}/resend")
    assert response.status_code == 302
    new_link = invite_link(mailbox, "uudelleen@example.fi")
    client.post_form("/logout")
    assert client.get(f"/invitation/{issued.secret}").status_code == 410
    assert client.get(new_link).status_code == 200


def test_assistant_invitation_needs_a_cohort(client, make_user, login_as, mailbox):
    login_as(make_user(Role.ADMIN))
    page = client.post_form(
        "/admin/invite",
        {"email": "ilman@example.fi", "role": "assistant", "cohort": 0, "language": "fi"},
    )
    assert page.status_code == 200
    assert "Opiskelijan täytyy kuulua ryhmään" in page.get_data(as_text=True)
    assert accounts.get_user_by_email("ilman@example.fi") is None
    assert mailbox.to("ilman@example.fi") == []


def test_inviting_an_existing_address_is_refused(client, make_user, login_as, make_cohort):
    make_user(email="olemassa@example.fi")
    login_as(make_user(Role.ADMIN))
    page = client.post_form(
        "/admin/invite",
        {"email": "OLEMASSA@example.fi", "role": "supervisor", "cohort": 0, "language": "fi"},
    )
    assert "on jo käyttäjätili" in page.get_data(as_text=True)


def test_trainer_may_invite_learners_but_not_admins(
    client, make_user, login_as, make_cohort, mailbox
):
    cohort = make_cohort()
    login_as(make_user(Role.TRAINER))
    ok = client.post_form(
        "/admin/invite",
        {"email": "a@example.fi", "role": "assistant", "cohort": cohort.id, "language": "fi"},
    )
    assert ok.status_code == 302 and mailbox.to("a@example.fi")
    refused = client.post_form(
        "/admin/invite", {"email": "b@example.fi", "role": "admin", "cohort": 0, "language": "fi"}
    )
    assert refused.status_code == 200
    assert accounts.get_user_by_email("b@example.fi") is None


def test_invitation_mail_is_in_the_invited_persons_language(
    client, make_user, login_as, mailbox, make_cohort
):
    login_as(make_user(Role.ADMIN))
    client.post_form(
        "/admin/invite",
        {"email": "sv@example.fi", "role": "supervisor", "cohort": 0, "language": "sv"},
    )
    (msg,) = mailbox.to("sv@example.fi")
    assert "inbjud" in msg["Subject"].lower()
