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


def memo_written(booking, db, *, days_ago: float):
    """The discussion took place and its memo was written ``days_ago`` days ago."""
    from elearn.discussions.models import Attendance

    written = utcnow() - timedelta(days=days_ago)
    booking.slot.starts_at = written - timedelta(hours=2)
    booking.slot.ends_at = written - timedelta(hours=1)
    discussions.record_memo(
        booking, attendance=Attendance.ATTENDED, summary="S", followups="", private="", now=written
    )
    db.session.commit()
    outbox.deliver_due()  # the booking's and the memo's own messages


REMINDER_SUBJECT = "Muistutus: vahvista reflektiivisen keskustelusi muistio"


def reminders_to(mailbox, address):
    return [m for m in mailbox.to(address) if m["Subject"] == REMINDER_SUBJECT]


def test_an_unconfirmed_memo_is_reminded_of_once_after_the_configured_days(
    booked, runner, mailbox, db, app
):
    assert app.config["ELEARN_MEMO_REMINDER_DAYS"] == 3
    memo_written(booked, db, days_ago=2.9)
    mailbox.clear()
    early = runner.invoke(args=["reminders", "send"])
    assert "0 memo reminder(s) queued" in early.output, early.output
    booked.memo_written_at = utcnow() - timedelta(days=3, minutes=1)
    db.session.commit()
    due = runner.invoke(args=["reminders", "send"])
    assert "1 memo reminder(s) queued" in due.output, due.output
    (message,) = reminders_to(mailbox, "oppija.kal@example.fi")
    body = mailbox.body(message)
    assert f"/discussions/bookings/{booked.id}" in body and "profiilissasi" in body
    assert mailbox.to("ohjaaja.kal@example.fi") == []  # the learner's business only
    again = runner.invoke(args=["reminders", "send"])
    assert "0 memo reminder(s) queued" in again.output
    assert len(reminders_to(mailbox, "oppija.kal@example.fi")) == 1


def test_a_confirmed_memo_or_a_learner_who_said_no_gets_no_reminder(booked, db, mailbox):
    memo_written(booked, db, days_ago=5)
    learner = booked.learner
    learner.mail_memo_reminder = False
    db.session.commit()
    now = utcnow()
    assert discussions.due_memo_reminders(now=now, after=timedelta(days=3)) == []
    assert not discussions.queue_memo_reminder(booked.id, now=now)
    learner.mail_memo_reminder = True
    discussions.respond_to_memo(booked, comment="", confirm=True, now=now)
    db.session.commit()
    assert discussions.due_memo_reminders(now=now, after=timedelta(days=3)) == []
    assert not discussions.queue_memo_reminder(booked.id, now=now)


def test_a_memo_rewritten_after_confirmation_may_be_reminded_of_again(booked, db):
    memo_written(booked, db, days_ago=5)
    now = utcnow()
    assert discussions.queue_memo_reminder(booked.id, now=now)
    assert not discussions.queue_memo_reminder(booked.id, now=now)  # claimed once
    discussions.respond_to_memo(booked, comment="", confirm=True, now=now)
    memo_written(booked, db, days_ago=4)  # changed after the learner confirmed it
    assert booked.memo_reminder_sent_at is None
    assert discussions.due_memo_reminders(now=utcnow(), after=timedelta(days=3)) == [booked.id]


def test_the_memo_ready_mail_follows_the_learners_choice(booked, db, mailbox):
    ready = "Reflektiivisen keskustelusi muistio on valmis"
    booked.learner.mail_memo_ready = False
    db.session.commit()
    memo_written(booked, db, days_ago=0)
    assert [m for m in mailbox.to("oppija.kal@example.fi") if m["Subject"] == ready] == []
    other = booked.slot.active_bookings[1]
    memo_written(other, db, days_ago=0)
    assert [m for m in mailbox.to("toinen.kal@example.fi") if m["Subject"] == ready]
