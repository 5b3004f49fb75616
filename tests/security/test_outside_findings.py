"""Findings of the outside security test (issue 17), each reproduced first, then fixed."""

from __future__ import annotations

import tempfile

import pytest

from elearn.config import DEFAULTS, ConfigError, check_production, from_environment
from tests.conftest import PASSWORD


@pytest.mark.parametrize(
    "target",
    ["/discussions\r\nSet-Cookie: x=1", "/ok\nLocation: http://evil.example", "//evil.example",
     "https://evil.example/", "/\\evil.example", "/tab\there"],
)  # fmt: skip
def test_an_unsafe_next_on_the_language_switch_falls_back_to_the_front_page(client, target):
    response = client.post_form("/language", {"language": "sv", "next": target})
    assert response.status_code == 302
    assert response.location == "/"


def test_a_safe_next_is_kept(client):
    response = client.post_form("/language", {"language": "sv", "next": "/modules/"})
    assert response.status_code == 302 and response.location == "/modules/"


PRIVATE_PAGES = [
    "/",  # waiting surveys, notes
    "/modules/",
    "/discussions/",
    "/profile",
    "/privacy/",
    "/privacy/export.json",
    "/reports/",
    "/feedback/results",
    "/admin/users",
    "/admin/mail",
]


def test_every_page_a_person_sees_is_kept_out_of_the_browser_cache(client, login_as, make_user):
    from elearn.accounts.models import Role

    admin = make_user((Role.ADMIN, Role.TRAINER, Role.ASSISTANT))
    login_as(admin)
    for path in PRIVATE_PAGES:
        response = client.get(path)
        assert response.status_code == 200, path
        assert "no-store" in response.headers["Cache-Control"], path


def test_journal_memo_and_preparation_pages_are_not_stored(world, db, app):
    from tests.security.access import login_client_factory

    learner = login_client_factory(app, db, world)("learner")
    supervisor = login_client_factory(app, db, world)("supervisor")
    pages = [
        (learner, f"/modules/{world.module_key}"),  # the journal
        (learner, f"/discussions/bookings/{world.past_booking.id}"),  # the memo
        (supervisor, f"/discussions/bookings/{world.past_booking.id}/prepare"),
    ]
    for who, path in pages:
        response = who.request("GET", path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "no-store", path


def test_static_files_may_be_cached(client):
    response = client.get("/static/css/elearn.css")
    assert response.status_code == 200 and "no-store" not in response.headers.get(
        "Cache-Control", ""
    )


def _production(**overrides):
    config = {**DEFAULTS, **from_environment(tempfile.gettempdir()), "ELEARN_ENV": "production"}
    config.update(SECRET_KEY="x" * 40, MAIL_BACKEND="smtp", ELEARN_PASSWORD_HASH="scrypt")
    config.update(RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/0", ELEARN_MAIL_DELIVERY="thread")
    config.update(overrides)
    return config


def test_production_refuses_login_throttling_counted_per_process():
    # memory:// counts in each worker: with -w 4 every documented limit lets through four
    # times as many attempts.
    with pytest.raises(ConfigError, match="RATELIMIT_STORAGE_URI"):
        check_production(_production(RATELIMIT_STORAGE_URI="memory://"))
    check_production(_production())  # Redis: one count for every worker and server
    # A single process may say so explicitly.
    check_production(_production(RATELIMIT_STORAGE_URI="memory://", ELEARN_SINGLE_PROCESS=True))


def test_probing_addresses_through_the_profile_is_limited(client, login_as, make_user, app):
    learner = make_user(email="kokeilija@example.fi")
    for i in range(3):
        make_user(email=f"olemassa{i}@example.fi")
    login_as(learner)
    limit = int(app.config["ELEARN_EMAIL_CHANGE_LIMIT"].split()[0])
    statuses = []
    for i in range(limit + 2):
        response = client.post_form(
            "/profile",
            {
                "name": "Kokeilija",
                "email": f"olemassa{i % 3}@example.fi",
                "language": "fi",
                "current_password": PASSWORD,
            },
        )
        statuses.append(response.status_code)
    assert statuses[:limit] == [200] * limit  # each answered "already in use"
    assert statuses[limit:] == [429, 429]
    # Saving the name without changing the address is never limited.
    response = client.post_form(
        "/profile", {"name": "Uusi nimi", "email": learner.email, "language": "fi"}
    )
    assert response.status_code == 302
