"""Helpers for tests that need discussion times and bookings."""

from __future__ import annotations

from datetime import timedelta

from elearn.core.time import utcnow
from elearn.discussions import services as discussions
from elearn.discussions.models import Attendance, PlaceKind


def plan(start, minutes=45, capacity=1, **kw) -> discussions.SlotPlan:
    return discussions.SlotPlan(
        starts_at=start,
        ends_at=start + timedelta(minutes=minutes),
        place_kind=kw.pop("place_kind", PlaceKind.IN_PERSON),
        place_detail=kw.pop("place_detail", "Keusote, Hyvinkää"),
        capacity=capacity,
        **kw,
    )


def supervise(db, supervisor, learner) -> None:
    """Assign the supervisor to the learner's cohort."""
    if learner.cohort not in supervisor.supervised_cohorts:
        supervisor.supervised_cohorts.append(learner.cohort)
    db.session.commit()


def attend_discussion(db, make_user, learner):
    """A past discussion the learner attended (booked before it began, memo after)."""
    from elearn.accounts.models import Role

    supervisor = make_user(Role.SUPERVISOR)
    supervise(db, supervisor, learner)
    start = utcnow() + timedelta(days=2)
    (slot,) = discussions.create_slots(supervisor, [plan(start)])
    booking = discussions.book(slot.id, learner, now=utcnow(), one_upcoming=False)
    slot.starts_at, slot.ends_at = utcnow() - timedelta(hours=2), utcnow() - timedelta(hours=1)
    discussions.record_memo(
        booking, attendance=Attendance.ATTENDED, summary="", followups="", private="", now=utcnow()
    )
    db.session.commit()
    return booking


def race_setup(db, tag: str, capacity: int, learners: int = 8, password_hash: str | None = None):
    """A cohort with a supervisor, ``learners`` learners and one time; committed for real.

    Returns (slot id, learner e-mails, ids to clean up).
    """
    from elearn.accounts.models import Cohort, Role, User, UserRole

    cohort = Cohort(name=f"Kilpailu {tag}", employment_model="employer_model")
    supervisor = User(email=f"race-sup-{tag}@example.fi", session_nonce="x", name="S")
    supervisor.role_rows = [UserRole(role=Role.SUPERVISOR.value)]
    supervisor.supervised_cohorts = [cohort]
    people = []
    for i in range(learners):
        person = User(
            email=f"race-{tag}-{i}@example.fi",
            session_nonce=f"n{i}",
            name=f"L{i}",
            cohort=cohort,
            password_hash=password_hash,
        )
        person.role_rows = [UserRole(role=Role.ASSISTANT.value)]
        people.append(person)
    db.session.add_all([cohort, supervisor, *people])
    db.session.flush()
    (slot,) = discussions.create_slots(
        supervisor, [plan(utcnow() + timedelta(days=4), capacity=capacity)]
    )
    db.session.commit()
    return (
        slot.id,
        [p.email for p in people],
        {"cohort": cohort.id, "users": [supervisor.id] + [p.id for p in people]},
    )


def run_together(target, argument_lists) -> None:
    """Run ``target`` in one thread per argument tuple and wait for all."""
    import threading

    threads = [threading.Thread(target=target, args=args) for args in argument_lists]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def live_bookings(db, slot_id: int) -> int:
    import sqlalchemy as sa

    from elearn.discussions.models import Booking

    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Booking)
        .where(Booking.slot_id == slot_id, Booking.status == "booked")
    )
