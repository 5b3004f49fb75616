"""What every report shares: which learners and which period it covers, and score bins."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from elearn.accounts.models import Cohort, Role, User, UserRole
from elearn.discussions.models import Booking, BookingStatus, DiscussionSlot

SCORE_BINS = 10  # score distributions in bins of 10 percentage points

Window = tuple[datetime | None, datetime | None]


@dataclass(frozen=True)
class Filters:
    """Which learners and which period a report covers. Empty values mean "all"."""

    cohort_id: int | None = None
    employment_model: str | None = None
    start: date | None = None
    end: date | None = None  # inclusive
    supervisor_id: int | None = None  # only learners who have booked with this supervisor

    def window(self, zone: ZoneInfo) -> Window:
        """The period as UTC instants: local midnight of ``start`` to the midnight after ``end``."""
        lower = upper = None
        if self.start is not None:
            lower = datetime.combine(self.start, time(), tzinfo=zone)
        if self.end is not None:
            upper = datetime.combine(self.end + timedelta(days=1), time(), tzinfo=zone)
        return lower, upper


def in_window(column: Any, window: Window) -> list[Any]:
    """Conditions that keep ``column`` within the period (none for an open end)."""
    lower, upper = window
    conditions = []
    if lower is not None:
        conditions.append(column >= lower)
    if upper is not None:
        conditions.append(column < upper)
    return conditions


def covered(stmt: sa.Select, filters: Filters) -> sa.Select:
    """``stmt`` (selecting from ``User``) limited to the learners the filters cover.

    Joins the learner role and, outer, the learner's group (``Cohort``).
    """
    stmt = stmt.join(
        UserRole, sa.and_(UserRole.user_id == User.id, UserRole.role == Role.ASSISTANT.value)
    ).outerjoin(Cohort, Cohort.id == User.cohort_id)
    if filters.cohort_id is not None:
        stmt = stmt.where(User.cohort_id == filters.cohort_id)
    if filters.employment_model:
        stmt = stmt.where(Cohort.employment_model == filters.employment_model)
    if filters.supervisor_id is not None:
        booked = (
            sa.select(Booking.learner_id)
            .join(DiscussionSlot, DiscussionSlot.id == Booking.slot_id)
            .where(
                DiscussionSlot.supervisor_id == filters.supervisor_id,
                Booking.status == BookingStatus.BOOKED.value,
            )
        )
        stmt = stmt.where(User.id.in_(booked))
    return stmt


def learners_query(filters: Filters) -> sa.Select:
    """The learners a report covers: (user_id, cohort_id, employment_model)."""
    return covered(
        sa.select(
            User.id.label("user_id"),
            User.cohort_id.label("cohort_id"),
            Cohort.employment_model.label("employment_model"),
        ),
        filters,
    )


def score_bin(score: Any) -> Any:
    """Which of the SCORE_BINS bins a 0-100 score falls into (100 goes to the last)."""
    width = 100 // SCORE_BINS
    return sa.case(
        *[(score < width * (i + 1), i) for i in range(SCORE_BINS - 1)], else_=SCORE_BINS - 1
    )
