"""Object-level access: guessing the id of someone else's row gives 404, exactly as an id
that does not exist would, shows nothing of the row and changes nothing."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from elearn.certificates import services as certificates
from elearn.certificates.models import Certificate
from elearn.core.time import utcnow
from elearn.discussions.models import Booking, DiscussionSlot
from tests.security.access import login_client_factory

MISSING = 987654  # an id no row has

# (what, who guesses, method, URL with {id}, which id of the world, text that must not leak)
GUESSES = [
    ("quiz attempt", "other_learner", "GET", "/modules/{m}/quiz/attempts/{id}", "attempt", None),
    ("quiz attempt", "supervisor", "GET", "/modules/{m}/quiz/attempts/{id}", "attempt", None),
    ("quiz attempt", "trainer", "GET", "/modules/{m}/quiz/attempts/{id}", "attempt", None),
    ("booking", "other_learner", "GET", "/discussions/bookings/{id}", "booking", "Viesti"),
    ("booking", "other_learner", "POST", "/discussions/bookings/{id}", "past_booking", "Muistio"),
    ("booking", "other_supervisor", "GET", "/discussions/bookings/{id}", "booking", "Viesti"),
    ("booking", "admin", "GET", "/discussions/bookings/{id}", "booking", "Viesti"),
    (
        "booking .ics",
        "other_learner",
        "GET",
        "/discussions/bookings/{id}/calendar.ics",
        "booking",
        "VCALENDAR",
    ),
    (
        "booking .ics",
        "other_supervisor",
        "GET",
        "/discussions/bookings/{id}/calendar.ics",
        "booking",
        "VCALENDAR",
    ),
    (
        "booking cancel",
        "other_learner",
        "POST",
        "/discussions/bookings/{id}/cancel",
        "booking",
        None,
    ),
    (
        "preparation and memo",
        "other_supervisor",
        "GET",
        "/discussions/bookings/{id}/prepare",
        "past_booking",
        "Yksityinen",
    ),
    (
        "preparation and memo",
        "other_supervisor",
        "POST",
        "/discussions/bookings/{id}/prepare",
        "past_booking",
        "Yksityinen",
    ),
    (
        "preparation and memo",
        "learner",
        "GET",
        "/discussions/bookings/{id}/prepare",
        "past_booking",
        "Yksityinen",
    ),
    (
        "preparation and memo",
        "trainer",
        "GET",
        "/discussions/bookings/{id}/prepare",
        "past_booking",
        "Yksityinen",
    ),
    ("slot edit", "other_supervisor", "GET", "/discussions/slots/{id}/edit", "slot", "Tuo kysy"),
    ("slot edit", "other_supervisor", "POST", "/discussions/slots/{id}/edit", "slot", None),
    ("slot cancel", "other_supervisor", "POST", "/discussions/slots/{id}/cancel", "slot", None),
    ("slot booking", "other_supervisor", "GET", "/discussions/slots/{id}/book", "free_slot", None),
    (
        "discussion survey",
        "other_learner",
        "GET",
        "/feedback/answer/discussion/{id}",
        "past_booking",
        None,
    ),
    (
        "discussion survey",
        "other_learner",
        "POST",
        "/feedback/answer/discussion/{id}/skip",
        "past_booking",
        None,
    ),
    ("user page", "trainer", "GET", "/admin/users/{id}", "learner", "liisa@example.fi"),
    ("user page", "supervisor", "POST", "/admin/users/{id}", "learner", "liisa@example.fi"),
    ("user deactivation", "trainer", "POST", "/admin/users/{id}/active", "learner", None),
    ("invitation resend", "supervisor", "POST", "/admin/users/{id}/resend", "learner", None),
    ("group page", "learner", "GET", "/admin/cohorts/{id}", "cohort", "Liisa"),
    ("group progress", "supervisor", "GET", "/admin/cohorts/{id}/progress", "cohort", "Liisa"),
]


def fingerprint(db) -> tuple:
    """What the guesses could change: bookings, slots, users."""
    return (
        db.session.execute(sa.select(Booking.__table__)).all(),
        db.session.execute(sa.select(DiscussionSlot.__table__)).all(),
        db.session.execute(sa.text("SELECT id, name, is_active, session_nonce FROM users")).all(),
    )


@pytest.mark.parametrize(
    ("what", "who", "method", "pattern", "target", "secret"),
    GUESSES,
    ids=[f"{g[0]}-{g[1]}-{g[2]}" for g in GUESSES],
)
def test_guessing_an_id_gives_404_like_a_missing_one(
    app, client, db, world, what, who, method, pattern, target, secret
):
    as_guesser = login_client_factory(app, db, world)(who)
    row = getattr(world, target)
    data = {"active": "0", "summary": "Vieras muistio", "note": "x", "capacity": "1"}
    before = fingerprint(db)

    def send(id_):
        url = pattern.format(m=world.module_key, id=id_)
        token = as_guesser.token
        return as_guesser.client.open(
            url, method=method, data=dict(data, csrf_token=token) if method == "POST" else None
        )

    guessed = send(row.id)
    missing = send(MISSING)
    assert guessed.status_code == 404, f"{what}: {guessed.status_code}"
    assert missing.status_code == 404
    body = guessed.get_data(as_text=True)
    assert "Sivua ei löytynyt" in body
    if secret:
        assert secret not in body
    db.session.expire_all()
    assert fingerprint(db) == before, f"{what} changed by {who}"


def test_a_shared_journal_entry_cannot_be_anyone_elses(app, client, db, world):
    """Booking with the id of another learner's journal entry shares nothing."""
    as_other = login_client_factory(app, db, world)("other_learner")
    response = as_other.client.post(
        f"/discussions/slots/{world.free_slot.id}/book",
        data={"csrf_token": as_other.token, "share": str(world.entry.id), "message": "hei"},
    )
    assert response.status_code == 200  # the form refuses the unknown choice
    assert "Oma pohdinta" not in response.get_data(as_text=True)
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Booking)
            .where(Booking.slot_id == world.free_slot.id)
        )
        == 0
    )


def test_the_journal_shows_only_the_readers_own_entries(app, client, db, world):
    as_other = login_client_factory(app, db, world)("other_learner")
    page = as_other.client.get(f"/journal/{world.module_key}").get_data(as_text=True)
    assert "Oma pohdinta" not in page
    as_learner = login_client_factory(app, db, world)("learner")
    page = as_learner.client.get(f"/journal/{world.module_key}").get_data(as_text=True)
    assert "Oma pohdinta" in page


def test_certificate_data_is_only_the_holders(app, client, db, world):
    certificate = Certificate(
        user_id=world.learner.id,
        code="ABCDEFGHJKLM",
        completed_at=utcnow(),
        issued_at=utcnow(),
        course_version="v",
    )
    db.session.add(certificate)
    db.session.commit()
    formatted = certificates.format_code(certificate.code)
    for role in ("other_learner", "supervisor", "trainer", "admin"):
        page = login_client_factory(app, db, world)(role).client.get("/certificate")
        assert page.status_code == 200
        assert formatted not in page.get_data(as_text=True), role
    as_learner = login_client_factory(app, db, world)("learner")
    assert formatted in as_learner.client.get("/certificate").get_data(as_text=True)
    public = app.test_client().get(f"/verify?code={formatted}").get_data(as_text=True)
    assert "voimassa oleva" in public and "Liisa" not in public
