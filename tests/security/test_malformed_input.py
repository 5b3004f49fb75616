"""Hostile or broken requests get a 4xx with a clear, localized message, never a 500."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from elearn.discussions.models import DiscussionSlot
from tests.security.access import IGNORED_METHODS, login_client_factory
from tests.security.test_authorization_matrix import Refs, url_of

HUGE = "99999999999999999999"  # beyond PostgreSQL's integer and SQLite's 64 bits
NOT_FOUND = "Sivua ei löytynyt"
NOT_UNDERSTOOD = "Lomaketta tai osoitetta ei ymmärretty"


def assert_clear_4xx(response, status: int | None = None, text: str | None = None) -> None:
    body = response.get_data(as_text=True)
    assert 400 <= response.status_code < 500, (response.status_code, body[:300])
    if status is not None:
        assert response.status_code == status, (response.status_code, body[:300])
    if text is not None:
        assert text in body, body[:500]
    assert "Traceback" not in body


@pytest.fixture
def as_admin(app, client, db, world):
    return login_client_factory(app, db, world)("admin")


@pytest.fixture
def people(app, client, db, world):
    make = login_client_factory(app, db, world)
    return {role: make(role) for role in ("learner", "supervisor", "trainer", "admin")}


ID_URLS = [
    ("learner", "GET", "/modules/{m}/quiz/attempts/{id}"),
    ("learner", "GET", "/discussions/bookings/{id}"),
    ("learner", "GET", "/discussions/bookings/{id}/calendar.ics"),
    ("learner", "POST", "/discussions/bookings/{id}/cancel"),
    ("learner", "GET", "/discussions/slots/{id}/book"),
    ("learner", "GET", "/feedback/answer/discussion/{id}"),
    ("supervisor", "GET", "/discussions/bookings/{id}/prepare"),
    ("supervisor", "GET", "/discussions/slots/{id}/edit"),
    ("supervisor", "POST", "/discussions/slots/{id}/cancel"),
    ("admin", "GET", "/admin/users/{id}"),
    ("admin", "POST", "/admin/users/{id}/active"),
    ("admin", "GET", "/admin/cohorts/{id}"),
    ("admin", "GET", "/admin/cohorts/{id}/progress"),
]


@pytest.mark.parametrize("bad_id", [HUGE, "2147483648", "-1", "abc", "1.5", "1e3", "%00"])
def test_malformed_ids_in_the_path_give_404(people, world, bad_id):
    for role, method, pattern in ID_URLS:
        as_role = people[role]
        url = pattern.format(m=world.module_key, id=bad_id)
        response = as_role.request(method, url)
        if bad_id == "%00":  # a NUL character is refused wherever it is
            assert_clear_4xx(response, 400, NOT_UNDERSTOOD)
        else:
            assert_clear_4xx(response, 404, NOT_FOUND)


@pytest.mark.parametrize("bad_id", [HUGE, "-5", "abc", "\x00"])
def test_malformed_ids_in_forms_and_query_strings(people, world, bad_id):
    learner, trainer, admin = people["learner"], people["trainer"], people["admin"]
    checks = [
        learner.request("POST", f"/modules/{world.module_key}/quiz", {"attempt": bad_id}),
        trainer.request("GET", f"/feedback/results?cohort={bad_id}&survey=module-check"),
        trainer.request("GET", f"/feedback/results.csv?cohort={bad_id}&survey=module-check"),
        admin.request("GET", f"/admin/invite?cohort={bad_id}"),
        admin.request("POST", "/admin/invite", {"email": "a@example.fi", "cohort": bad_id}),
        admin.request("POST", f"/admin/users/{world.learner.id}", {"cohort": bad_id}),
        trainer.request("POST", "/feedback/notes", {"title": "t", "body": "b", "cohort": bad_id}),
        learner.request("POST", f"/discussions/slots/{world.free_slot.id}/book", {"share": bad_id}),
    ]
    for response in checks:
        assert response.status_code < 500
        if response.status_code >= 400:
            assert_clear_4xx(response)


@pytest.mark.parametrize(
    "bad_date",
    ["2027-02-30", "31.12.2027", "0000-01-01", "9999-99-99", "x" * 300, "2027-01-01\x00", HUGE],
)
def test_malformed_dates_in_the_slot_form_and_filters(people, world, db, bad_date):
    supervisor, trainer = people["supervisor"], people["trainer"]
    form = {
        "day": bad_date,
        "start": "25:61",
        "minutes": "45",
        "place_kind": "phone",
        "capacity": "1",
    }
    page = supervisor.request("POST", "/discussions/slots/new", form)
    assert page.status_code in (200, 400), page.status_code
    series = {
        "first_day": bad_date,
        "window_start": "9",
        "window_end": "x",
        "minutes": HUGE,
        "weeks": "-1",
        "place_kind": "phone",
        "capacity": "1",
    }
    assert supervisor.request("POST", "/discussions/slots/series", series).status_code in (
        200,
        400,
    )
    for query in (f"from={bad_date}&to={bad_date}", f"model={bad_date}&module={bad_date}"):
        response = trainer.request("GET", f"/feedback/results?{query}")
        assert response.status_code in (200, 400), response.status_code
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DiscussionSlot)) == 3


def test_overlong_fields_are_form_errors(people, world, db):
    supervisor, learner, admin = people["supervisor"], people["learner"], people["admin"]
    page = supervisor.request(
        "POST",
        "/discussions/slots/new",
        {
            "day": "2030-01-01",
            "start": "10:00",
            "minutes": "45",
            "place_kind": "phone",
            "capacity": "1",
            "note": "x" * 2001,
            "place_detail": "y" * 301,
        },
    )
    assert page.status_code == 200 and "error-summary" in page.get_data(as_text=True)
    page = learner.request(
        "POST", "/profile", {"name": "n" * 121, "email": "liisa@example.fi", "language": "fi"}
    )
    assert page.status_code == 200 and "error-summary" in page.get_data(as_text=True)
    page = admin.request(
        "POST", "/admin/invite", {"email": "e" * 250 + "@example.fi", "role": "assistant"}
    )
    assert page.status_code == 200 and "error-summary" in page.get_data(as_text=True)


def test_an_oversized_body_gets_413(people, app):
    big = "x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = people["learner"].request("POST", "/journal/whatever", {"q-1": big})
    assert_clear_4xx(response, 413, "Lähettämäsi tieto oli liian suuri")


def test_unexpected_methods_get_405_on_every_route(app, people, world):
    refs = Refs(app, world)
    for rule in app.url_map.iter_rules():
        url = url_of(app, rule, refs)
        for method in ("PUT", "DELETE", "PATCH"):
            if method in rule.methods - IGNORED_METHODS:
                continue
            response = people["admin"].request(method, url)
            assert_clear_4xx(response, 405, NOT_UNDERSTOOD)


@pytest.mark.parametrize("value", ["nul\x00byte", "\x00"])
def test_nul_bytes_in_free_text_never_reach_the_database(people, world, db, value):
    learner, supervisor, trainer, admin = (
        people["learner"],
        people["supervisor"],
        people["trainer"],
        people["admin"],
    )
    checks = [
        learner.request(
            "POST", "/profile", {"name": value, "email": "liisa@example.fi", "language": "fi"}
        ),
        learner.request("POST", f"/journal/{world.module_key}", {"q-1": value}),
        learner.request(
            "POST", f"/discussions/bookings/{world.past_booking.id}", {"comment": value}
        ),
        learner.request(
            "POST",
            f"/discussions/slots/{world.free_slot.id}/book",
            {"message": value, "theme": value},
        ),
        learner.request("POST", "/login", {"email": value, "password": value}),
        learner.request("POST", "/password-reset", {"email": value}),
        learner.request("GET", f"/verify?code={value}"),
        learner.request("GET", f"/discussions/?q={value}"),
        supervisor.request(
            "POST",
            f"/discussions/bookings/{world.past_booking.id}/prepare",
            {"attendance": "attended", "summary": value},
        ),
        supervisor.request(
            "POST",
            "/discussions/slots/new",
            {
                "day": "2030-01-01",
                "start": "10:00",
                "minutes": "45",
                "place_kind": "phone",
                "capacity": "1",
                "note": value,
            },
        ),
        trainer.request("POST", "/feedback/notes", {"title": value, "body": value, "cohort": "0"}),
        admin.request("GET", f"/admin/users?q={value}"),
        admin.request(
            "POST",
            "/admin/invite",
            {
                "email": "nul@example.fi",
                "name": value,
                "role": "assistant",
                "language": "fi",
                "cohort": str(world.cohort.id),
            },
        ),
        admin.request(
            "POST", "/admin/cohorts/new", {"name": value, "employment_model": "employer_model"}
        ),
        learner.request("GET", f"/modules/{value}"),
        learner.request("GET", f"/feedback/answer/{value}/{value}"),
    ]
    for response in checks:
        assert_clear_4xx(response, 400, NOT_UNDERSTOOD)


def test_broken_utf8_in_body_query_and_path(people, world):
    """Broken UTF-8 in a path or query string is refused with 400; in a body it stays text."""
    learner = people["learner"].client
    token = people["learner"].token
    body = b"csrf_token=" + token.encode() + b"&q-1=%FF%FEbroken&name=%C3%28"
    for url in (f"/journal/{world.module_key}", "/profile"):
        response = learner.post(url, data=body, content_type="application/x-www-form-urlencoded")
        # Werkzeug keeps undecodable escapes in a form body as literal text: no error, no loss.
        assert response.status_code < 500, (url, response.status_code)
    for url in (
        "/modules/%FF%FE",
        "/verify?code=%FF%FE",
        "/admin/users?q=%C3%28",
        "/feedback/answer/%C3%28/%FF",
    ):
        assert_clear_4xx(learner.get(url), 400, NOT_UNDERSTOOD)
