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
