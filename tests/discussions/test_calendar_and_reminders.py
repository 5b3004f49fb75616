"""Calendar entries parse back with the right UID, SEQUENCE and METHOD; reminders are
idempotent and skip cancellations."""

from __future__ import annotations

from datetime import timedelta

import pytest
from icalendar import Calendar

from elearn.accounts.models import Role
from elearn.core.time import utcnow
from elearn.discussions import services as discussions
from elearn.discussions.calendar import booking_calendar
from elearn.outbox import services as outbox
from tests.discussions.util import plan, supervise


@pytest.fixture
def booked(make_user, make_cohort, db):
    cohort = make_cohort()
    supervisor = make_user(Role.SUPERVISOR, email="ohjaaja.kal@example.fi")
    learner = make_user(cohort=cohort, email="oppija.kal@example.fi")
    other = make_user(cohort=cohort, email="toinen.kal@example.fi")
    supervise(db, supervisor, learner)
    (slot,) = discussions.create_slots(
        supervisor, [plan(utcnow() + timedelta(hours=20), capacity=3)]
    )
    booking = discussions.book(slot.id, learner, now=utcnow())
    discussions.book(slot.id, other, now=utcnow())
    db.session.commit()
    return booking


def parse(data: bytes):
    cal = Calendar.from_ical(data)
    (event,) = cal.walk("VEVENT")
    return cal, event


def test_ics_carries_uid_sequence_method_and_utc_times(booked):
    cal, event = parse(
        booking_calendar(booked, summary="Keskustelu", description="x", now=utcnow())
    )
    assert str(cal["METHOD"]) == "REQUEST"
    assert str(event["UID"]) == booked.uid
    assert int(event["SEQUENCE"]) == 0
    assert event.decoded("DTSTART") == booked.slot.starts_at.replace(microsecond=0)
    assert event.decoded("DTSTART").utcoffset() == timedelta(0)
    assert event.decoded("DTEND") == booked.slot.ends_at.replace(microsecond=0)
    assert str(event["STATUS"]) == "CONFIRMED"
    # Privacy: a group time's entry names only this learner.
    attendees = event.get("ATTENDEE")
    attendees = attendees if isinstance(attendees, list) else [attendees]
    assert [str(a) for a in attendees] == ["mailto:oppija.kal@example.fi"]


def test_change_raises_sequence_and_cancel_sends_method_cancel(booked, db):
    discussions.update_slot(
        booked.slot, plan(booked.slot.starts_at + timedelta(hours=1), capacity=3), now=utcnow()
    )
    _, event = parse(booking_calendar(booked, summary="K", description="", now=utcnow()))
    assert int(event["SEQUENCE"]) == 1 and str(event["UID"]) == booked.uid
    discussions.cancel_booking(booked, now=utcnow(), deadline=timedelta(0))
    cal, event = parse(booking_calendar(booked, summary="K", description="", now=utcnow()))
    assert str(cal["METHOD"]) == "CANCEL" and str(event["STATUS"]) == "CANCELLED"
    assert int(event["SEQUENCE"]) == 2 and str(event["UID"]) == booked.uid


def test_booking_mails_carry_the_calendar_entry(booked, app, mailbox):
    # The booking queued its messages in the outbox (the fixture committed them).
    with app.test_request_context():
        outbox.deliver_due()
    # The learner gets theirs; the supervisor one for each of the two bookings.
    for address, count in (("oppija.kal@example.fi", 1), ("ohjaaja.kal@example.fi", 2)):
        messages = mailbox.to(address)
        assert len(messages) == count
        uids = set()
        for msg in messages:
            (part,) = [p for p in msg.iter_attachments() if p.get_content_type() == "text/calendar"]
            assert part.get_param("method") == "REQUEST"
            uids.add(str(parse(part.get_payload(decode=True))[1]["UID"]))
        assert booked.uid in uids


def test_reminders_are_sent_once_and_never_for_cancellations(
    booked, runner, mailbox, db, make_user
):
    cancelled_learner = booked.slot.active_bookings[1]
    discussions.cancel_booking(cancelled_learner, now=utcnow(), deadline=timedelta(0))
    (far,) = discussions.create_slots(booked.slot.supervisor, [plan(utcnow() + timedelta(days=5))])
    db.session.commit()
    outbox.deliver_due()  # the booking and cancellation messages of the fixture
    mailbox.clear()
    first = runner.invoke(args=["reminders", "send"])
    assert first.exit_code == 0, first.output
    assert "1 reminder(s) queued" in first.output
    assert len(mailbox.to("oppija.kal@example.fi")) == 1
    assert mailbox.to("toinen.kal@example.fi") == []
    again = runner.invoke(args=["reminders", "send"])
    assert "0 reminder(s) queued" in again.output
    assert len(mailbox.to("oppija.kal@example.fi")) == 1


def test_a_claimed_reminder_cannot_be_claimed_again(booked, db):
    now = utcnow()
    due = discussions.due_reminders(now=now, ahead=timedelta(hours=24))
    assert booked.id in due and len(due) == 2
    assert discussions.queue_reminder(booked.id, now=now)
    assert not discussions.queue_reminder(booked.id, now=now)
    assert booked.id not in discussions.due_reminders(now=now, ahead=timedelta(hours=24))
