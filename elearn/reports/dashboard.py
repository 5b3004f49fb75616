"""What needs a trainer's attention now (the dashboard), and a supervisor's short version.

Definitions (the page shows them too):
- a learner has *started* when they have read a section or submitted a quiz (as in the
  overview); *completed* by the rule of ``progress.services`` (its SQL form);
- a learner is *stuck* when they have started, have not completed, and have neither read a
  section nor submitted a quiz for ``ELEARN_STUCK_DAYS`` days. The last reading comes from
  the activity summaries (``ModuleActivity.last_read_at``); they keep no time of the last
  submission, so recent submissions are looked up in the attempts themselves;
- a question is flagged *too hard* by the question analysis' own rule
  (``QuestionFigures.flag``), over every learner's first attempt;
- a survey has *new answers* when answers from the last ``RECENT_DAYS`` days (weeks that
  begin on or after the Monday of that day, the finest time answers carry) number at least
  the minimum; smaller counts are not shown at all;
- content is *due for review* when its ``reviewed`` date plus ``review_months`` has come,
  and a source when its ``checked`` date plus the same period has; a missing date is due.

Speed: the group figures, flagged questions, recent surveys and upcoming discussions are a
statement each, over the summaries and indexed tables; the view keeps them in the report
cache (``reports/cache.py``), so a dashboard that reuses them runs no aggregate at all.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from elearn.accounts.models import Role, User, UserRole
from elearn.content.checks import add_months
from elearn.content.model import Course, Module, Page, Question, Source
from elearn.content.surveys import Survey
from elearn.discussions.models import Attendance, Booking, BookingStatus, DiscussionSlot
from elearn.extensions import db
from elearn.feedback.models import SurveyResponse
from elearn.feedback.services import week_of
from elearn.progress.models import ModuleActivity
from elearn.progress.services import CompletionRules, course_complete_sql, module_complete_sql
from elearn.quizzes.models import AttemptStatus, FirstAnswer, QuizAttempt
from elearn.reports.overview import summary_sections_read
from elearn.reports.questions import QuestionFigures
from elearn.reports.scope import Filters, learners_query

UPCOMING_DAYS = 14  # discussions in this many days ahead
RECENT_DAYS = 14  # survey answers from this many days back
NEXT_SHOWN = 5  # upcoming discussions listed on the dashboard itself
STATUSES = ("not_started", "started", "stuck", "completed")


# ------------------------------------------------------------------ learners' state


def learner_states(course: Course, rules: CompletionRules, *, cutoff: datetime) -> Any:
    """One row per learner who has started: (user_id, done, stuck), as a subquery.

    ``done`` and ``stuck`` are 1 or 0; a learner with no row has not started. ``cutoff`` is
    the instant before which activity is too old to count: now minus the stuck days.
    """
    a = ModuleActivity
    keys = [m.key for m in course.modules]
    complete = module_complete_sql(
        course, module_key=a.module_key, sections_read=summary_sections_read(course),
        passed_at=a.passed_at,
    )  # fmt: skip
    per_learner = (
        sa.select(
            a.user_id.label("user_id"),
            sa.func.sum(sa.case((complete, 1), else_=0)).label("modules_done"),
            sa.func.max(sa.case((a.last_read_at >= cutoff, 1), else_=0)).label("read_lately"),
        )
        .where(a.module_key.in_(keys))
        .group_by(a.user_id)
        .subquery("per_learner")
    )
    p = per_learner.c
    submitted_lately = sa.select(QuizAttempt.user_id).where(
        QuizAttempt.status == AttemptStatus.SUBMITTED.value,
        QuizAttempt.submitted_at >= cutoff,
        QuizAttempt.module_key.in_(keys),
    )
    done = course_complete_sql(course, rules, learner_id=p.user_id, modules_complete=p.modules_done)
    stuck = sa.and_(sa.not_(done), p.read_lately == 0, p.user_id.not_in(submitted_lately))
    return sa.select(
        p.user_id.label("user_id"),
        sa.case((done, 1), else_=0).label("done"),
        sa.case((stuck, 1), else_=0).label("stuck"),
    ).subquery("learner_states")


def with_status(
    stmt: sa.Select, status: str, course: Course, rules: CompletionRules, *, cutoff: datetime
) -> sa.Select:
    """``stmt`` (selecting from ``User``) limited to learners in ``status`` (see STATUSES)."""
    states = learner_states(course, rules, cutoff=cutoff)
    s = states.c
    if status == "not_started":
        return stmt.where(User.id.not_in(sa.select(s.user_id)))
    if status == "started":
        return stmt.where(User.id.in_(sa.select(s.user_id)))
    column = s.stuck if status == "stuck" else s.done
    return stmt.where(User.id.in_(sa.select(s.user_id).where(column == 1)))


@dataclass(frozen=True)
class Status:
    """A learner status to list (see STATUSES), with what deciding it needs."""

    name: str
    course: Course
    rules: CompletionRules
    cutoff: datetime  # now minus the stuck days

    def apply(self, stmt: sa.Select) -> sa.Select:
        """``stmt`` (selecting from ``User``) limited to learners in this status."""
        return with_status(stmt, self.name, self.course, self.rules, cutoff=self.cutoff)


@dataclass
class GroupState:
    """How many learners of a group have started, are stuck, have completed."""

    cohort_id: int  # 0: learners without a group; -1: everyone
    learners: int = 0
    started: int = 0
    stuck: int = 0
    completed: int = 0

    def add(self, other: GroupState) -> None:
        self.learners += other.learners
        self.started += other.started
        self.stuck += other.stuck
        self.completed += other.completed


def group_states(
    course: Course, rules: CompletionRules, *, cutoff: datetime
) -> tuple[list[GroupState], GroupState]:
    """Per group and for everyone: learners, started, stuck and completed (one statement)."""
    learners = learners_query(Filters()).subquery("learners")
    states = learner_states(course, rules, cutoff=cutoff)
    lc, s = learners.c, states.c
    rows = db.session.execute(
        sa.select(
            lc.cohort_id.label("cohort_id"),
            sa.func.count().label("learners"),
            sa.func.count(s.user_id).label("started"),
            sa.func.coalesce(sa.func.sum(s.stuck), 0).label("stuck"),
            sa.func.coalesce(sa.func.sum(s.done), 0).label("completed"),
        )
        .select_from(learners.outerjoin(states, s.user_id == lc.user_id))
        .group_by(lc.cohort_id)
    ).all()
    groups = [
        GroupState(
            cohort_id=int(r.cohort_id or 0),
            learners=int(r.learners),
            started=int(r.started),
            stuck=int(r.stuck),
            completed=int(r.completed),
        )
        for r in rows
    ]
    total = GroupState(cohort_id=-1)
    for g in groups:
        total.add(g)
    return groups, total


# ------------------------------------------------------------------ questions and surveys


@dataclass(frozen=True)
class HardQuestion:
    """A question the question analysis flags as too hard."""

    module: Module
    number: int  # its place in the module's quiz, from 1
    figures: QuestionFigures

    @property
    def question(self) -> Question:
        return self.figures.question


def too_hard_questions(course: Course, *, minimum: int) -> list[HardQuestion]:
    """Every quiz question flagged too hard over first attempts, hardest first (one statement).

    The counts are the question analysis' own (first answers of the learners a report
    covers, no filters) and the flag its rule, so each matches the question's page.
    """
    f = FirstAnswer
    # Without filters a report covers everyone with the learner role (``scope.covered``).
    # Asked as EXISTS on the role's primary key: an IN over the learners makes SQLite read
    # every first answer of the six modules in a poor order (1.2 s at 10,000 learners).
    learner = sa.exists().where(
        UserRole.user_id == f.user_id, UserRole.role == Role.ASSISTANT.value
    )
    quizzes = [m for m in course.modules if m.quiz is not None]
    rows = db.session.execute(
        sa.select(
            f.module_key,
            f.question_key,
            sa.func.count().label("answered"),
            sa.func.sum(sa.case((f.score >= 1.0, 1), else_=0)).label("fully_correct"),
        )
        .where(f.module_key.in_([m.key for m in quizzes]), learner)
        .group_by(f.module_key, f.question_key)
    ).all()
    counts = {(r.module_key, r.question_key): r for r in rows}
    flagged = []
    for module in quizzes:
        for number, question in enumerate(module.quiz.questions, start=1):
            row = counts.get((module.key, question.key))
            if row is None:
                continue
            figures = QuestionFigures(
                question=question,
                answered=int(row.answered),
                fully_correct=int(row.fully_correct or 0),
                minimum=minimum,
            )
            if figures.flag == "too_hard":
                flagged.append(HardQuestion(module=module, number=number, figures=figures))
    flagged.sort(key=lambda h: (h.figures.facility or 0.0, h.module.number, h.number))
    return flagged


@dataclass(frozen=True)
class RecentSurvey:
    """A survey with at least the minimum of answers since ``since``."""

    survey: Survey
    answers: int
    since: date  # the results page's "from" date that shows these answers


def recent_surveys(
    surveys: dict[str, Survey], *, today: date, minimum: int, days: int = RECENT_DAYS
) -> list[RecentSurvey]:
    """Surveys answered at least ``minimum`` times in the last ``days`` days (one statement).

    Answers carry only their week, so "since" is every week from the one ``days`` ago; the
    results page filtered from that day counts the same answers.
    """
    since = today - timedelta(days=days)
    r = SurveyResponse
    counts = dict(
        db.session.execute(
            sa.select(r.survey_key, sa.func.count())
            .where(r.week >= week_of(since))
            .group_by(r.survey_key)
        ).all()
    )
    return [
        RecentSurvey(survey=s, answers=int(counts[k]), since=since)
        for k, s in surveys.items()
        if counts.get(k, 0) >= minimum
    ]


# ------------------------------------------------------------------ discussions


@dataclass(frozen=True)
class UpcomingTime:
    """A discussion time ahead, with how many places are booked."""

    slot_id: int
    starts_at: datetime
    ends_at: datetime
    supervisor_id: int
    supervisor: str
    place_kind: str
    capacity: int
    booked: int
    module_key: str | None
    theme: str


@dataclass(frozen=True)
class Upcoming:
    """Discussion times from now to ``until``."""

    times: list[UpcomingTime]
    until: datetime

    @property
    def capacity(self) -> int:
        return sum(t.capacity for t in self.times)

    @property
    def booked(self) -> int:
        return sum(t.booked for t in self.times)

    @property
    def with_bookings(self) -> int:
        return sum(1 for t in self.times if t.booked)


def _booked_counts() -> Any:
    return (
        sa.select(Booking.slot_id, sa.func.count().label("booked"))
        .where(Booking.status == BookingStatus.BOOKED.value)
        .group_by(Booking.slot_id)
        .subquery("booked")
    )


def upcoming_discussions(
    *, now: datetime, days: int = UPCOMING_DAYS, supervisor_id: int | None = None
) -> Upcoming:
    """Discussion times (not cancelled) starting in the next ``days`` days, soonest first,
    with their supervisor and booked places (one statement)."""
    until = now + timedelta(days=days)
    booked = _booked_counts()
    stmt = (
        sa.select(
            DiscussionSlot.id,
            DiscussionSlot.starts_at,
            DiscussionSlot.ends_at,
            DiscussionSlot.supervisor_id,
            User.name,
            User.email,
            DiscussionSlot.place_kind,
            DiscussionSlot.capacity,
            sa.func.coalesce(booked.c.booked, 0),
            DiscussionSlot.module_key,
            DiscussionSlot.theme,
        )
        .join(User, User.id == DiscussionSlot.supervisor_id)
        .outerjoin(booked, booked.c.slot_id == DiscussionSlot.id)
        .where(
            DiscussionSlot.cancelled_at.is_(None),
            DiscussionSlot.starts_at >= now,
            DiscussionSlot.starts_at < until,
        )
        .order_by(DiscussionSlot.starts_at, DiscussionSlot.id)
    )
    if supervisor_id is not None:
        stmt = stmt.where(DiscussionSlot.supervisor_id == supervisor_id)
    times = [
        UpcomingTime(
            slot_id=row[0],
            starts_at=row[1],
            ends_at=row[2],
            supervisor_id=row[3],
            supervisor=row[4] or row[5],
            place_kind=row[6],
            capacity=row[7],
            booked=int(row[8]),
            module_key=row[9],
            theme=row[10] or "",
        )
        for row in db.session.execute(stmt)
    ]
    return Upcoming(times=times, until=until)


@dataclass(frozen=True)
class DiscussionRow:
    """A booking in one of a supervisor's discussions."""

    booking_id: int
    starts_at: datetime
    ends_at: datetime
    learner: str
    attendance: str | None


@dataclass(frozen=True)
class SupervisorView:
    """A supervisor's short dashboard: their next discussions and the memos to write."""

    upcoming: list[tuple[UpcomingTime, list[DiscussionRow]]]
    memos_due: list[DiscussionRow]
    until: datetime


def supervisor_view(
    supervisor_id: int, *, now: datetime, days: int = UPCOMING_DAYS
) -> SupervisorView:
    """The supervisor's times in the next ``days`` days with who booked them, and their
    discussions that have begun with no memo yet (three statements)."""
    upcoming = upcoming_discussions(now=now, days=days, supervisor_id=supervisor_id)
    learner = sa.func.coalesce(sa.func.nullif(User.name, ""), User.email)
    booked: dict[int, list[DiscussionRow]] = defaultdict(list)
    ids = [t.slot_id for t in upcoming.times]
    if ids:
        for row in db.session.execute(
            sa.select(
                Booking.slot_id, Booking.id, DiscussionSlot.starts_at, DiscussionSlot.ends_at,
                learner, Booking.attendance,
            )
            .join(DiscussionSlot, DiscussionSlot.id == Booking.slot_id)
            .join(User, User.id == Booking.learner_id)
            .where(Booking.slot_id.in_(ids), Booking.status == BookingStatus.BOOKED.value)
            .order_by(Booking.slot_id, User.name, Booking.id)
        ):  # fmt: skip
            booked[row[0]].append(DiscussionRow(*row[1:]))
    memos = [
        DiscussionRow(*row)
        for row in db.session.execute(
            sa.select(
                Booking.id, DiscussionSlot.starts_at, DiscussionSlot.ends_at, learner,
                Booking.attendance,
            )
            .join(DiscussionSlot, DiscussionSlot.id == Booking.slot_id)
            .join(User, User.id == Booking.learner_id)
            .where(
                DiscussionSlot.supervisor_id == supervisor_id,
                DiscussionSlot.cancelled_at.is_(None),
                DiscussionSlot.starts_at <= now,
                Booking.status == BookingStatus.BOOKED.value,
                Booking.memo_written_at.is_(None),
                sa.or_(
                    Booking.attendance.is_(None),
                    Booking.attendance != Attendance.NO_SHOW.value,
                ),
            )
            .order_by(DiscussionSlot.starts_at, Booking.id)
        )
    ]  # fmt: skip
    return SupervisorView(
        upcoming=[(t, booked.get(t.slot_id, [])) for t in upcoming.times],
        memos_due=memos,
        until=upcoming.until,
    )


# ------------------------------------------------------------------ content review


@dataclass(frozen=True)
class ReviewItem:
    """A module or a page and when it is due for review, with its sources."""

    kind: str  # "module" or "page"
    key: str
    item: Module | Page
    reviewed: date | None
    review_months: int
    due: date | None  # None: never reviewed, so due now
    sources: list[tuple[Source, date | None]] = field(default_factory=list)  # source, due

    def is_due(self, today: date) -> bool:
        return self.due is None or self.due <= today

    def sources_due(self, today: date) -> list[tuple[Source, date | None]]:
        return [(s, due) for s, due in self.sources if due is None or due <= today]

    def needs_attention(self, today: date) -> bool:
        return self.is_due(today) or bool(self.sources_due(today))


def content_review(course: Course) -> list[ReviewItem]:
    """Every module and page with its review due date, and each source's (from the course
    as loaded; nothing from the database)."""
    items = []
    for kind, things in (("module", course.modules), ("page", course.pages)):
        for thing in things:
            months = thing.review_months
            items.append(
                ReviewItem(
                    kind=kind,
                    key=thing.key,
                    item=thing,
                    reviewed=thing.reviewed,
                    review_months=months,
                    due=add_months(thing.reviewed, months) if thing.reviewed else None,
                    sources=[
                        (s, add_months(s.checked, months) if s.checked else None)
                        for s in thing.sources
                    ],
                )
            )
    return items


# ------------------------------------------------------------------ the trainer's figures


@dataclass(frozen=True)
class DashboardFigures:
    """The dashboard's figures from the database, computed together and cached together."""

    groups: list[GroupState]
    total: GroupState
    too_hard: list[HardQuestion]
    surveys: list[RecentSurvey]
    upcoming: Upcoming


def dashboard_figures(
    course: Course,
    surveys: dict[str, Survey],
    *,
    rules: CompletionRules,
    now: datetime,
    today: date,
    stuck_days: int,
    min_answers: int,
    min_responses: int,
) -> DashboardFigures:
    """Everything on the trainer's dashboard that comes from the database (four statements)."""
    groups, total = group_states(course, rules, cutoff=now - timedelta(days=stuck_days))
    return DashboardFigures(
        groups=groups,
        total=total,
        too_hard=too_hard_questions(course, minimum=min_answers),
        surveys=recent_surveys(surveys, today=today, minimum=min_responses),
        upcoming=upcoming_discussions(now=now),
    )
