"""Discussion rules: times and series, booking limits, cancellation, memos, DST."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from elearn.accounts.models import Role
from elearn.core.time import NonexistentLocalTime, utcnow
from elearn.discussions import services as discussions
from elearn.discussions.models import Attendance
from elearn.journal import services as journal
from elearn.outbox import services as outbox
from tests.discussions.util import plan, supervise

HELSINKI = ZoneInfo("Europe/Helsinki")


@pytest.fixture
def people(make_user, make_cohort, db):
    cohort = make_cohort()
    supervisor = make_user(Role.SUPERVISOR, name="Sanna Ohjaaja")
    learners = [make_user(cohort=cohort, name=f"Oppija {i}") for i in range(4)]
    supervise(db, supervisor, learners[0])  # the whole cohort
    return supervisor, learners


def soon(days=3, hour=9):
    return (utcnow() + timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)


def test_overlapping_own_times_are_refused(people, db):
    supervisor, _ = people
    discussions.create_slots(supervisor, [plan(soon())])
    with pytest.raises(discussions.Overlaps):
        discussions.create_slots(supervisor, [plan(soon() + timedelta(minutes=30))])
    with pytest.raises(discussions.Overlaps):  # two new times that overlap each other
        discussions.create_slots(supervisor, [plan(soon(5)), plan(soon(5) + timedelta(minutes=10))])
    discussions.create_slots(
        supervisor, [plan(soon() + timedelta(minutes=45))]
    )  # back to back is fine


def test_series_keeps_local_times_across_the_autumn_change():
    spans = discussions.series_starts(
        date(2027, 10, 19),
        time(9, 0),
        time(12, 0),
        minutes=45,
        break_minutes=15,
        weeks=3,
        zone=HELSINKI,
    )
    assert len(spans) == 9  # 9.00, 10.00, 11.00 on three Tuesdays
    local_starts = [s.astimezone(HELSINKI).strftime("%d.%m. %H.%M") for s, _ in spans]
    assert local_starts[:3] == ["19.10. 09.00", "19.10. 10.00", "19.10. 11.00"]
    assert local_starts[3] == "26.10. 09.00" and local_starts[6] == "02.11. 09.00"
    # Summer time before 31.10.2027, winter time after: the UTC hour moves, the local one does not.
    assert spans[0][0].hour == 6 and spans[3][0].hour == 6 and spans[6][0].hour == 7


def test_spring_forward_hour_is_refused_and_autumn_hour_is_explicit():
    with pytest.raises(NonexistentLocalTime):
        discussions.series_starts(
            date(2027, 3, 28),
            time(3, 15),
            time(4, 0),
            minutes=30,
            break_minutes=0,
            weeks=1,
            zone=HELSINKI,
        )
    (start, _end), *_ = discussions.series_starts(
        date(2027, 10, 31),
        time(3, 30),
        time(4, 0),
        minutes=20,
        break_minutes=0,
        weeks=1,
        zone=HELSINKI,
    )
    assert start == datetime(2027, 10, 31, 0, 30, tzinfo=UTC)  # the first 3.30 (EEST)


def test_capacity_one_upcoming_and_overlap_rules(people, db):
    supervisor, learners = people
    one, group = discussions.create_slots(supervisor, [plan(soon()), plan(soon(4), capacity=2)])
    first = discussions.book(one.id, learners[0], now=utcnow())
    assert first.sequence == 0 and first.uid.endswith("@elearn")
    with pytest.raises(discussions.SlotFull):
        discussions.book(one.id, learners[1], now=utcnow())
    with pytest.raises(discussions.AlreadyBooked):
        discussions.book(one.id, learners[0], now=utcnow())
    with pytest.raises(discussions.AlreadyHasUpcoming):
        discussions.book(group.id, learners[0], now=utcnow())
    later = discussions.create_slots(supervisor, [plan(soon() + timedelta(days=10))])[0]
    assert discussions.book(later.id, learners[0], now=utcnow(), one_upcoming=False)


def test_overlapping_booking_is_refused(people, db, make_user):
    supervisor, learners = people
    second_supervisor = make_user(Role.SUPERVISOR)
    supervise(db, second_supervisor, learners[0])
    (a,) = discussions.create_slots(supervisor, [plan(soon())])
    (b,) = discussions.create_slots(second_supervisor, [plan(soon() + timedelta(minutes=20))])
    discussions.book(a.id, learners[0], now=utcnow())
    with pytest.raises(discussions.BookingOverlaps):
        discussions.book(b.id, learners[0], now=utcnow(), one_upcoming=False)


def test_only_the_learners_own_supervisors_times_can_be_booked(people, db, make_user):
    supervisor, learners = people
    stranger = make_user(Role.SUPERVISOR)
    (theirs,) = discussions.create_slots(stranger, [plan(soon())])
    assert discussions.free_slots(learners[0], now=utcnow()) == []
    with pytest.raises(discussions.SlotUnavailable):
        discussions.book(theirs.id, learners[0], now=utcnow())
    (ours,) = discussions.create_slots(supervisor, [plan(soon())])
    assert [s.id for s in discussions.free_slots(learners[0], now=utcnow())] == [ours.id]


def test_past_and_cancelled_times_cannot_be_booked(people, db):
    supervisor, learners = people
    (slot,) = discussions.create_slots(supervisor, [plan(soon())])
    with pytest.raises(discussions.SlotUnavailable):
        discussions.book(slot.id, learners[0], now=slot.starts_at + timedelta(minutes=1))
    discussions.cancel_slot(slot, now=utcnow())
    with pytest.raises(discussions.SlotUnavailable):
        discussions.book(slot.id, learners[0], now=utcnow())


def test_cancel_deadline(people, db):
    supervisor, learners = people
    (slot,) = discussions.create_slots(supervisor, [plan(soon(days=3))])
    booking = discussions.book(slot.id, learners[0], now=utcnow())
    with pytest.raises(discussions.TooLateToCancel):
        discussions.cancel_booking(
            booking, now=slot.starts_at - timedelta(hours=23), deadline=timedelta(hours=24)
        )
    discussions.cancel_booking(booking, now=utcnow(), deadline=timedelta(hours=24))
    assert booking.status == "cancelled" and booking.sequence == 1
    assert discussions.book(slot.id, learners[1], now=utcnow())  # the place is free again


def test_changing_and_cancelling_a_time_updates_bookings(people, db):
    supervisor, learners = people
    (slot,) = discussions.create_slots(supervisor, [plan(soon(), capacity=2)])
    booking = discussions.book(slot.id, learners[0], now=utcnow())
    booking.reminder_sent_at = utcnow()
    moved = plan(soon() + timedelta(hours=2), capacity=2)
    assert discussions.update_slot(slot, moved, now=utcnow()) is True
    assert booking.sequence == 1 and booking.reminder_sent_at is None
    assert (
        discussions.update_slot(slot, moved, now=utcnow()) is False
    )  # nothing booked learners need to hear
    discussions.book(slot.id, learners[1], now=utcnow())
    with pytest.raises(discussions.CapacityBelowBookings):
        discussions.update_slot(slot, plan(slot.starts_at, capacity=1), now=utcnow())
    affected = discussions.cancel_slot(slot, now=utcnow())
    assert (
        {b.id for b in affected} >= {booking.id}
        and booking.status == "cancelled"
        and booking.sequence == 2
    )


def test_memo_and_reply(people, db, mailbox):
    supervisor, learners = people
    (slot,) = discussions.create_slots(supervisor, [plan(soon())])
    booking = discussions.book(slot.id, learners[0], now=utcnow())
    with pytest.raises(discussions.MemoTooEarly):  # the discussion has not begun
        discussions.record_memo(
            booking, attendance=Attendance.ATTENDED, summary="", followups="", private="",
            now=utcnow(),
        )  # fmt: skip
    slot.starts_at, slot.ends_at = utcnow() - timedelta(hours=2), utcnow() - timedelta(hours=1)
    db.session.commit()
    outbox.deliver_due()
    mailbox.clear()
    discussions.record_memo(
        booking,
        attendance=Attendance.ATTENDED,
        summary="Puhuimme rajoista.",
        followups="Kokeile uutta tapaa.",
        private="Oma muistiinpano",
        now=utcnow(),
    )
    db.session.commit()
    outbox.deliver_due()
    # The learner is told that the memo is ready, with a link to read and confirm it.
    (ready,) = mailbox.to(learners[0].email)
    assert f"/discussions/bookings/{booking.id}" in mailbox.body(ready)
    assert mailbox.to(supervisor.email) == []
    discussions.respond_to_memo(booking, comment="Kiitos!", confirm=True, now=utcnow())
    assert booking.learner_confirmed_at is not None and booking.learner_comment == "Kiitos!"
    # A rewritten memo needs a new confirmation.
    discussions.record_memo(
        booking,
        attendance=Attendance.ATTENDED,
        summary="Uusi",
        followups="",
        private="",
        now=utcnow(),
    )
    assert booking.learner_confirmed_at is None
    db.session.commit()
    outbox.deliver_due()  # a memo changed after confirming is announced again
    assert len(mailbox.to(learners[0].email)) == 2


def test_journal_is_saved_and_cleared(people, db):
    _, learners = people
    entry = journal.save_answer(learners[0].id, "etiikka", 1, "Kysymys?", " Vastaus ", now=utcnow())
    assert entry.body == "Vastaus"
    assert [e.id for e in journal.entries(learners[0].id)] == [entry.id]
    assert journal.entries(learners[1].id) == []
    journal.save_answer(learners[0].id, "etiikka", 1, "Kysymys?", "", now=utcnow())
    assert journal.entries(learners[0].id) == []


def test_most_missed_counts_misses_per_question(people, db, app):
    from elearn.courses.services import get_course
    from elearn.quizzes import services as quizzes

    _, learners = people
    with app.app_context():
        course = get_course()
    for module in course.modules[:2]:
        for _ in range(2):
            attempt = quizzes.start_or_resume(learners[0].id, module, now=utcnow())
            answers = {
                q.key: [o.key for o in q.options if o.correct] for q in module.quiz.questions
            }
            missed = module.quiz.questions[0]
            answers[missed.key] = [next(o.key for o in missed.options if not o.correct)]
            quizzes.submit(attempt.id, learners[0].id, module, answers, now=utcnow())
    top = quizzes.most_missed(learners[0].id)
    assert sorted(top) == sorted((m.key, m.quiz.questions[0].key, 2) for m in course.modules[:2])


def test_a_series_over_the_repeated_autumn_hour_keeps_its_length():
    # 31.10.2027: 04.00 summer time becomes 03.00 winter time; 03.15-04.00 local is 105
    # minutes of real time. A 45-minute discussion starting at 03.15 lasts 45 minutes.
    spans = discussions.series_starts(
        date(2027, 10, 31),
        time(3, 15),
        time(4, 0),
        minutes=45,
        break_minutes=0,
        weeks=1,
        zone=HELSINKI,
    )
    assert spans and all(end - start == timedelta(minutes=45) for start, end in spans)
    # The window is 105 real minutes: two discussions fit (03.15 summer time and 03.00
    # winter time), each 45 minutes long.
    assert len(spans) == 2
    assert [s.astimezone(HELSINKI).strftime("%H.%M %Z") for s, _ in spans] == [
        "03.15 EEST",
        "03.00 EET",
    ]


def test_a_spring_series_ending_in_the_skipped_hour_says_the_end_is_the_problem():
    # 28.3.2027: 03.00 becomes 04.00; a window 02.00-03.30 starts at a time that exists
    # but ends in the hour that does not.
    with pytest.raises(NonexistentLocalTime) as error:
        discussions.series_starts(
            date(2027, 3, 28),
            time(2, 0),
            time(3, 30),
            minutes=30,
            break_minutes=0,
            weeks=1,
            zone=HELSINKI,
        )
    assert error.value.part == "end"
    with pytest.raises(NonexistentLocalTime) as error:
        discussions.series_starts(
            date(2027, 3, 28), time(3, 15), time(5, 0), minutes=30, break_minutes=0, weeks=1,
            zone=HELSINKI,
        )  # fmt: skip
    assert error.value.part == "start"


def test_the_series_form_points_at_the_end_that_does_not_exist(client, login_as, people, db, app):
    supervisor, _learners = people
    login_as(supervisor)
    page = client.post_form(
        "/discussions/slots/series",
        {
            "first_day": "2027-03-28",
            "window_start": "02:00",
            "window_end": "03:30",
            "minutes": "30",
            "break_minutes": "0",
            "weeks": "1",
            "place_kind": "in_person",
            "capacity": "1",
        },
    ).get_data(as_text=True)
    error = re.search(r'<p class="error" id="window_end-error">(.*?)</p>', page, re.S)
    assert error and "03.30" in error.group(1) and "28.03.2027" in error.group(1)
    assert 'id="window_start-error"' not in page
