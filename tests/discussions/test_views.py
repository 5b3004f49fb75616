"""Discussion pages: a supervisor publishes, a learner books and shares, memo, privacy."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from elearn.accounts.models import Role
from elearn.core.time import to_local, utcnow
from elearn.discussions import services as discussions
from elearn.discussions.models import Booking, DiscussionSlot
from elearn.journal import services as journal
from tests.discussions.util import plan, supervise


@pytest.fixture
def setup(make_user, make_cohort, db):
    cohort = make_cohort("Keskusteluryhmä")
    supervisor = make_user(Role.SUPERVISOR, name="Sanna Ohjaaja", email="sanna@example.fi")
    learner = make_user(cohort=cohort, name="Liisa Oppija", email="liisa@example.fi")
    other = make_user(cohort=cohort, name="Olli Toinen", email="olli@example.fi")
    supervise(db, supervisor, learner)
    return supervisor, learner, other


def in_days(days):
    return (utcnow() + timedelta(days=days)).replace(second=0, microsecond=0)


def test_supervisor_publishes_a_time_in_local_time(app, client, login_as, setup, db):
    supervisor, _, _ = setup
    login_as(supervisor)
    day = (utcnow() + timedelta(days=7)).date()
    response = client.post_form(
        "/discussions/slots/new",
        {
            "day": day.isoformat(),
            "start": "09:30",
            "minutes": 45,
            "place_kind": "video",
            "place_detail": "https://meet.example/abc",
            "capacity": 1,
            "module_key": "etiikka",
            "theme": "",
            "note": "",
        },
    )
    assert response.status_code == 302
    slot = db.session.scalar(
        sa.select(DiscussionSlot).where(DiscussionSlot.supervisor_id == supervisor.id)
    )
    with app.app_context():
        local = to_local(slot.starts_at)
    assert (local.date(), local.hour, local.minute) == (day, 9, 30) and slot.minutes == 45
    listing = client.get("/discussions/supervise").get_data(as_text=True)
    assert "klo 9.30" in listing


def test_nonexistent_spring_time_is_refused_with_a_message(client, login_as, setup, db):
    supervisor, _, _ = setup
    login_as(supervisor)
    page = client.post_form(
        "/discussions/slots/new",
        {
            "day": "2027-03-28",
            "start": "03:30",
            "minutes": 30,
            "place_kind": "phone",
            "capacity": 1,
        },
    )
    assert page.status_code == 200 and "error-summary" in page.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DiscussionSlot)) == 0


def test_ambiguous_autumn_time_is_shown_with_its_zone(client, login_as, setup, db):
    supervisor, _, _ = setup
    login_as(supervisor)
    client.post_form(
        "/discussions/slots/new",
        {
            "day": "2027-10-31",
            "start": "03:30",
            "minutes": 20,
            "place_kind": "phone",
            "capacity": 1,
        },
    )
    assert "klo 3.30 (EEST)" in client.get("/discussions/supervise").get_data(as_text=True)


def test_series_form_creates_weekly_times(client, login_as, setup, db):
    supervisor, _, _ = setup
    login_as(supervisor)
    first = (utcnow() + timedelta(days=3)).date()
    response = client.post_form(
        "/discussions/slots/series",
        {
            "first_day": first.isoformat(),
            "window_start": "09:00",
            "window_end": "12:00",
            "minutes": 45,
            "break_minutes": 15,
            "weeks": 6,
            "place_kind": "in_person",
            "place_detail": "Hyvinkää",
            "capacity": 1,
        },
    )
    assert response.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DiscussionSlot)) == 18
    again = client.post_form(
        "/discussions/slots/series",
        {
            "first_day": first.isoformat(),
            "window_start": "09:30",
            "window_end": "11:00",
            "minutes": 30,
            "break_minutes": 0,
            "weeks": 1,
            "place_kind": "in_person",
            "capacity": 1,
        },
    )
    assert again.status_code == 200 and "error-summary" in again.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DiscussionSlot)) == 18


def test_learner_books_shares_and_gets_mail(client, login_as, setup, db, mailbox):
    supervisor, learner, _ = setup
    (slot,) = discussions.create_slots(supervisor, [plan(in_days(3))])
    shared = journal.save_answer(
        learner.id, "etiikka", 1, "Mikä on vaikeaa?", "Rajojen pitäminen.", now=utcnow()
    )
    private = journal.save_answer(
        learner.id, "etiikka", 2, "Mikä ilahduttaa?", "Salainen vastaus.", now=utcnow()
    )
    db.session.commit()
    login_as(learner)
    assert f"/discussions/slots/{slot.id}/book" in client.get("/discussions/").get_data(
        as_text=True
    )
    response = client.post_form(
        f"/discussions/slots/{slot.id}/book",
        {
            "module_key": "etiikka",
            "theme": "",
            "share": [shared.id],
            "message": "Haluan puhua vuoroista.",
        },
    )
    booking = db.session.scalar(sa.select(Booking).where(Booking.learner_id == learner.id))
    assert response.location == f"/discussions/bookings/{booking.id}"
    assert [e.entry_id for e in booking.shared_entries] == [shared.id]
    for address in ("liisa@example.fi", "sanna@example.fi"):
        (msg,) = mailbox.to(address)
        assert any(p.get_content_type() == "text/calendar" for p in msg.iter_attachments())
    ics = client.get(f"/discussions/bookings/{booking.id}/calendar.ics")
    assert (
        ics.status_code == 200
        and ics.mimetype == "text/calendar"
        and booking.uid in ics.get_data(as_text=True)
    )

    client.post_form("/logout")
    login_as(supervisor)
    prep = client.get(f"/discussions/bookings/{booking.id}/prepare").get_data(as_text=True)
    assert "Rajojen pitäminen." in prep and "Haluan puhua vuoroista." in prep
    assert "Salainen vastaus." not in prep and private.body not in prep


def test_a_full_time_offers_the_next_free_times(client, login_as, setup, db, make_user):
    supervisor, learner, other = setup
    full, free = discussions.create_slots(supervisor, [plan(in_days(3)), plan(in_days(4))])
    discussions.book(full.id, other, now=utcnow())
    db.session.commit()
    login_as(learner)
    page = client.post_form(
        f"/discussions/slots/{full.id}/book", {"module_key": "", "theme": "", "message": ""}
    )
    html = page.get_data(as_text=True)
    assert page.status_code == 409
    assert f"/discussions/slots/{free.id}/book" in html
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(Booking).where(Booking.learner_id == learner.id)
        )
        == 0
    )


def test_cancel_before_and_after_the_deadline(client, login_as, setup, db, mailbox):
    supervisor, learner, _ = setup
    soon_slot, later_slot = discussions.create_slots(
        supervisor, [plan(utcnow() + timedelta(hours=5)), plan(in_days(5))]
    )
    near = discussions.book(soon_slot.id, learner, now=utcnow())
    db.session.commit()
    login_as(learner)
    client.post_form(f"/discussions/bookings/{near.id}/cancel")
    db.session.refresh(near)
    assert near.status == "booked"  # less than 24 h left
    far = discussions.book(later_slot.id, learner, now=utcnow(), one_upcoming=False)
    db.session.commit()
    client.post_form(f"/discussions/bookings/{far.id}/cancel")
    db.session.refresh(far)
    assert far.status == "cancelled"
    cancel_mail = mailbox.to("liisa@example.fi")[-1]
    (part,) = [p for p in cancel_mail.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert part.get_param("method") == "CANCEL"


def test_memo_is_written_after_the_start_and_the_learner_confirms(client, login_as, setup, db):
    supervisor, learner, _ = setup
    (slot,) = discussions.create_slots(supervisor, [plan(in_days(2))])
    booking = discussions.book(slot.id, learner, now=utcnow())
    db.session.commit()
    login_as(supervisor)
    early = client.post_form(
        f"/discussions/bookings/{booking.id}/prepare", {"attendance": "attended", "summary": "x"}
    )
    assert early.status_code == 200
    db.session.refresh(booking)
    assert booking.memo_written_at is None
    slot.starts_at, slot.ends_at = utcnow() - timedelta(hours=2), utcnow() - timedelta(hours=1)
    db.session.commit()
    done = client.post_form(
        f"/discussions/bookings/{booking.id}/prepare",
        {
            "attendance": "attended",
            "summary": "Puhuimme rajoista.",
            "followups": "Kokeile taukoja.",
            "private": "Vain minulle.",
        },
    )
    assert done.status_code == 302
    client.post_form("/logout")
    login_as(learner)
    page = client.get(f"/discussions/bookings/{booking.id}").get_data(as_text=True)
    assert "Puhuimme rajoista." in page and "Kokeile taukoja." in page
    assert "Vain minulle." not in page
    client.post_form(f"/discussions/bookings/{booking.id}", {"comment": "Kiitos!", "confirm": "y"})
    db.session.refresh(booking)
    assert booking.learner_confirmed_at is not None and booking.learner_comment == "Kiitos!"


def test_privacy_between_learners_and_supervisors(client, login_as, setup, db, make_user):
    supervisor, learner, other = setup
    stranger = make_user(Role.SUPERVISOR)
    (slot,) = discussions.create_slots(supervisor, [plan(in_days(3), capacity=3)])
    booking = discussions.book(slot.id, learner, now=utcnow())
    others_booking = discussions.book(slot.id, other, now=utcnow())
    db.session.commit()
    login_as(other)
    assert client.get(f"/discussions/bookings/{booking.id}").status_code == 404
    assert client.get(f"/discussions/bookings/{booking.id}/calendar.ics").status_code == 404
    assert client.post_form(f"/discussions/bookings/{booking.id}/cancel").status_code == 404
    own = client.get(f"/discussions/bookings/{others_booking.id}").get_data(as_text=True)
    assert "Liisa Oppija" not in own  # group participants are hidden by default
    slot.show_participants = True
    db.session.commit()
    assert "Liisa Oppija" in client.get(f"/discussions/bookings/{others_booking.id}").get_data(
        as_text=True
    )
    assert client.get(f"/discussions/bookings/{booking.id}/prepare").status_code == 404
    client.post_form("/logout")
    login_as(stranger)
    assert client.get(f"/discussions/bookings/{booking.id}/prepare").status_code == 404
    assert client.get(f"/discussions/slots/{slot.id}/edit").status_code == 404
    assert client.post_form(f"/discussions/slots/{slot.id}/cancel").status_code == 404
    assert client.get(f"/discussions/bookings/{booking.id}/calendar.ics").status_code == 404


def test_the_journal_page_is_private(app, client, login_as, setup, db):
    _, learner, other = setup
    login_as(learner)
    page = client.get("/journal/etiikka").get_data(as_text=True)
    assert page.count('name="q-') >= 2
    saved = client.post_form("/journal/etiikka", {"q-1": "Oma pohdintani.", "q-2": ""})
    assert saved.status_code == 302 and saved.location == "/journal/etiikka"
    assert "Oma pohdintani." in client.get("/journal/etiikka").get_data(as_text=True)
    client.post_form("/logout")
    login_as(other)
    assert "Oma pohdintani." not in client.get("/journal/etiikka").get_data(as_text=True)


def test_supervisor_cancels_a_time_and_learners_hear(client, login_as, setup, db, mailbox):
    supervisor, learner, _ = setup
    (slot,) = discussions.create_slots(supervisor, [plan(in_days(3))])
    discussions.book(slot.id, learner, now=utcnow())
    db.session.commit()
    login_as(supervisor)
    client.post_form(f"/discussions/slots/{slot.id}/cancel")
    last = mailbox.to("liisa@example.fi")[-1]
    (part,) = [p for p in last.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert part.get_param("method") == "CANCEL"
    assert re.search(r"STATUS:CANCELLED", part.get_payload(decode=True).decode())
