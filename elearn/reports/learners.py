"""Learners one by one: the list a report covers, and what a trainer sees of one learner.

Progress itself comes from ``courses.services.cohort_progress`` (the one computation of
completion); this module finds the people and their attempts, bookings and surveys.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_sqlalchemy.pagination import Pagination

from elearn.accounts.models import Cohort, User
from elearn.discussions.models import Booking, DiscussionSlot
from elearn.extensions import db
from elearn.feedback.models import SurveyParticipation
from elearn.quizzes.models import AttemptStatus, QuizAttempt
from elearn.reports.scope import Filters, covered

if TYPE_CHECKING:
    from elearn.reports.dashboard import Status


@dataclass(frozen=True)
class LearnerRow:
    """A learner in the list, with their group."""

    id: int
    name: str
    email: str
    cohort_name: str
    employment_model: str  # the group's, "" without a group


def _listing(filters: Filters, status: Status | None = None) -> sa.Select:
    """The learners the filters (and the status) cover, as ``User`` rows with their group,
    by name."""
    stmt = covered(
        sa.select(User).options(
            so.load_only(User.id, User.name, User.email, User.cohort_id),
            so.contains_eager(User.cohort).load_only(Cohort.name, Cohort.employment_model),
            so.lazyload(User.role_rows),  # not needed here: no second statement
        ),
        filters,
    )
    if status is not None:
        stmt = status.apply(stmt)
    return stmt.order_by(User.name, User.email, User.id)


def _row(user: User) -> LearnerRow:
    cohort = user.cohort
    return LearnerRow(
        id=user.id,
        name=user.name,
        email=user.email,
        cohort_name=cohort.name if cohort else "",
        employment_model=cohort.employment_model if cohort else "",
    )


@dataclass(frozen=True)
class LearnerPage:
    """One page of the learners a report covers, and how they page."""

    rows: list[LearnerRow]
    pagination: Pagination


def learner_page(
    filters: Filters, *, page: int, per_page: int, status: Status | None = None
) -> LearnerPage:
    """One page of the learners, by name (two statements: the page and the count).

    A page past the last one has no rows; the caller decides what to answer.
    """
    pagination = db.paginate(
        _listing(filters, status),
        page=page,
        per_page=per_page,
        max_per_page=per_page,
        error_out=False,
    )
    return LearnerPage(rows=[_row(u) for u in pagination.items], pagination=pagination)


def all_learners(filters: Filters, status: Status | None = None) -> Iterator[LearnerRow]:
    """Every learner the filters (and the status) cover, by name (one statement), for a
    download."""
    stmt = covered(
        sa.select(
            User.id.label("id"),
            User.name.label("name"),
            User.email.label("email"),
            sa.func.coalesce(Cohort.name, "").label("cohort_name"),
            sa.func.coalesce(Cohort.employment_model, "").label("employment_model"),
        ),
        filters,
    )
    if status is not None:
        stmt = status.apply(stmt)
    for row in db.session.execute(stmt.order_by(User.name, User.email, User.id)):
        yield LearnerRow(**row._mapping)


def learner_in_report(user_id: int, filters: Filters) -> User | None:
    """The learner if the report's filters (e.g. a supervisor's bookings) cover them."""
    return db.session.scalar(covered(sa.select(User), filters).where(User.id == user_id))


@dataclass(frozen=True)
class BookingRow:
    """A discussion the learner booked, with its time and supervisor."""

    booking: Booking
    slot: DiscussionSlot
    supervisor: User


@dataclass(frozen=True)
class LearnerActivity:
    """What a trainer sees of one learner besides progress."""

    attempts: list[QuizAttempt]
    bookings: list[BookingRow]
    surveys: list[SurveyParticipation]

    @property
    def attempts_by_module(self) -> dict[str, list[QuizAttempt]]:
        """Attempts grouped by module key, in submission order."""
        grouped: dict[str, list[QuizAttempt]] = defaultdict(list)
        for attempt in self.attempts:
            grouped[attempt.module_key].append(attempt)
        return dict(grouped)


def learner_activity(user_id: int) -> LearnerActivity:
    """Every submitted attempt, every booking and which surveys were answered or skipped."""
    attempts = list(
        db.session.scalars(
            sa.select(QuizAttempt)
            .where(
                QuizAttempt.user_id == user_id,
                QuizAttempt.status == AttemptStatus.SUBMITTED.value,
            )
            .order_by(QuizAttempt.module_key, QuizAttempt.submitted_at)
        )
    )
    bookings = [
        BookingRow(booking=booking, slot=slot, supervisor=supervisor)
        for booking, slot, supervisor in db.session.execute(
            sa.select(Booking, DiscussionSlot, User)
            .join(DiscussionSlot, DiscussionSlot.id == Booking.slot_id)
            .join(User, User.id == DiscussionSlot.supervisor_id)
            .where(Booking.learner_id == user_id)
            .order_by(DiscussionSlot.starts_at)
        )
    ]
    surveys = list(
        db.session.scalars(
            sa.select(SurveyParticipation)
            .where(SurveyParticipation.user_id == user_id)
            .order_by(SurveyParticipation.survey_key, SurveyParticipation.context)
        )
    )
    return LearnerActivity(attempts=attempts, bookings=bookings, surveys=surveys)
