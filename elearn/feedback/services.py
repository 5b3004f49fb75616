"""Feedback operations: what is waiting for a learner, answering once, results with a
minimum group size, CSV export and loop notes. Functions flush; the handler commits."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from elearn.accounts.models import Cohort, Role, User, UserRole
from elearn.content.model import Course
from elearn.content.surveys import Survey, SurveyQuestion
from elearn.core.csvfile import excel_csv
from elearn.core.sql import median
from elearn.discussions.models import Attendance, Booking, DiscussionSlot
from elearn.extensions import db
from elearn.feedback.models import LoopNote, SurveyParticipation, SurveyResponse
from elearn.progress.models import ModuleActivity
from elearn.progress.services import CourseProgress


class FeedbackError(Exception):
    code = "feedback_error"


class AlreadyAnswered(FeedbackError):
    code = "already_answered"


class NotOffered(FeedbackError):
    code = "not_offered"


class InvalidAnswers(FeedbackError):
    """``problems`` maps question keys to a problem code: required, range, too_long."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__(problems)
        self.problems = problems


@dataclass(frozen=True)
class Waiting:
    survey: Survey
    context: str  # module key, booking id or "course"


def week_of(day: date) -> date:
    """The Monday of the day's week: responses carry no finer time."""
    return day - timedelta(days=day.weekday())


def participated(user_id: int, survey_key: str, context: str) -> bool:
    """Whether the person has answered or skipped this survey in this context."""
    return (
        db.session.scalar(
            sa.select(SurveyParticipation.id).where(
                SurveyParticipation.user_id == user_id,
                SurveyParticipation.survey_key == survey_key,
                SurveyParticipation.context == context,
            )
        )
        is not None
    )


def _done(user_id: int) -> set[tuple[str, str]]:
    rows = db.session.execute(
        sa.select(SurveyParticipation.survey_key, SurveyParticipation.context).where(
            SurveyParticipation.user_id == user_id
        )
    )
    return {(k, c) for k, c in rows}


def _attended_bookings(user_id: int) -> list[int]:
    return list(
        db.session.scalars(
            sa.select(Booking.id).where(
                Booking.learner_id == user_id, Booking.attendance == Attendance.ATTENDED.value
            )
        )
    )


def offered(user: User, surveys: dict[str, Survey], progress: CourseProgress) -> list[Waiting]:
    """Every survey this learner may answer now, answered or not."""
    if not user.has_role(Role.ASSISTANT):
        return []
    found = []
    for survey in surveys.values():
        if survey.trigger == "module_quiz":
            found += [Waiting(survey, m.module.key) for m in progress.modules if m.attempts]
        elif survey.trigger == "discussion":
            found += [Waiting(survey, str(b)) for b in _attended_bookings(user.id)]
        elif survey.trigger == "course" and progress.complete:
            found.append(Waiting(survey, "course"))
    return found


def waiting(user: User, surveys: dict[str, Survey], progress: CourseProgress) -> list[Waiting]:
    """Surveys offered to the learner that they have neither answered nor skipped."""
    done = _done(user.id)
    return [w for w in offered(user, surveys, progress) if (w.survey.key, w.context) not in done]


def _check_offered(user, survey, context, surveys, progress) -> None:
    if all(
        (w.survey.key, w.context) != (survey.key, context) for w in offered(user, surveys, progress)
    ):
        raise NotOffered()


def validate(survey: Survey, raw: dict[str, str]) -> dict[str, object]:
    """Clean the submitted answers.

    Raises:
        InvalidAnswers: a required question is empty, a value is out of range, a text too long.
    """
    clean: dict[str, object] = {}
    problems: dict[str, str] = {}
    for q in survey.questions:
        value = (raw.get(q.key) or "").strip()
        if not value:
            if q.required:
                problems[q.key] = "required"
            continue
        if q.type == "text":
            if len(value) > q.max_length:
                problems[q.key] = "too_long"
            else:
                clean[q.key] = value
        elif value in q.values:
            clean[q.key] = int(value) if q.type in ("scale", "nps") else value
        else:
            problems[q.key] = "range"
    if problems:
        raise InvalidAnswers(problems)
    return clean


def answer(
    user: User,
    survey: Survey,
    context: str,
    raw: dict[str, str],
    *,
    surveys: dict[str, Survey],
    progress: CourseProgress,
    today: date,
) -> None:
    """Record a person's answers once.

    Raises:
        NotOffered: the survey is not offered to this person in this context.
        InvalidAnswers: the answers do not fit the questions.
        AlreadyAnswered: the person has answered or skipped it already.
    """
    _check_offered(user, survey, context, surveys, progress)
    clean = validate(survey, raw)
    cohort = db.session.get(Cohort, user.cohort_id) if user.cohort_id else None
    try:
        with db.session.begin_nested():
            db.session.add(
                SurveyParticipation(
                    user_id=user.id, survey_key=survey.key, context=context, status="answered"
                )
            )
            db.session.flush()
    except sa.exc.IntegrityError as exc:
        raise AlreadyAnswered() from exc
    db.session.add(
        SurveyResponse(
            survey_key=survey.key,
            # A discussion's id would point at the person: only a module key is kept.
            context=context if survey.trigger == "module_quiz" else "",
            cohort_id=cohort.id if cohort else None,
            employment_model=cohort.employment_model if cohort else None,
            week=week_of(today),
            user_id=None if survey.anonymous else user.id,
            answers=clean,
        )
    )
    db.session.flush()


def skip(
    user: User,
    survey: Survey,
    context: str,
    *,
    surveys: dict[str, Survey],
    progress: CourseProgress,
) -> None:
    """The learner does not want to answer; the survey is not offered again."""
    _check_offered(user, survey, context, surveys, progress)
    try:
        with db.session.begin_nested():
            db.session.add(
                SurveyParticipation(
                    user_id=user.id, survey_key=survey.key, context=context, status="skipped"
                )
            )
    except sa.exc.IntegrityError as exc:
        raise AlreadyAnswered() from exc


# ------------------------------------------------------------------ results


@dataclass(frozen=True)
class Filters:
    cohort_id: int | None = None
    employment_model: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    context: str | None = None  # module key (module check only)


TEXTS_SHOWN = 30  # latest free-text answers per question on the results page


@dataclass
class QuestionResult:
    question: SurveyQuestion
    counts: dict[str, int] = field(default_factory=dict)
    texts: list[str] = field(default_factory=list)
    answered: int = 0
    mean: float | None = None
    median: float | None = None


@dataclass
class Results:
    count: int
    eligible: int
    shown: bool
    questions: list[QuestionResult] = field(default_factory=list)

    @property
    def rate(self) -> int | None:
        return round(100 * self.count / self.eligible) if self.eligible else None


def _response_query(survey: Survey, filters: Filters):
    stmt = sa.select(SurveyResponse).where(SurveyResponse.survey_key == survey.key)
    if filters.cohort_id is not None:
        stmt = stmt.where(SurveyResponse.cohort_id == filters.cohort_id)
    if filters.employment_model:
        stmt = stmt.where(SurveyResponse.employment_model == filters.employment_model)
    if filters.date_from:
        stmt = stmt.where(SurveyResponse.week >= week_of(filters.date_from))
    if filters.date_to:
        stmt = stmt.where(SurveyResponse.week <= filters.date_to)
    if filters.context and survey.trigger == "module_quiz":
        stmt = stmt.where(SurveyResponse.context == filters.context)
    return stmt


def _learners(filters: Filters):
    stmt = (
        sa.select(User.id)
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == Role.ASSISTANT.value)
    )
    if filters.cohort_id is not None:
        stmt = stmt.where(User.cohort_id == filters.cohort_id)
    if filters.employment_model:
        stmt = stmt.join(Cohort, Cohort.id == User.cohort_id).where(
            Cohort.employment_model == filters.employment_model
        )
    return stmt


def eligible(survey: Survey, filters: Filters, course: Course, progress_of) -> int:
    """How many answers were possible under the filters (the base of the response rate)."""
    learners = _learners(filters)
    if survey.trigger == "module_quiz":
        # Each learner and module whose quiz was submitted (the activity summaries hold
        # one row per learner and module, with the number of submitted attempts).
        stmt = sa.select(sa.func.count()).where(
            ModuleActivity.attempts > 0, ModuleActivity.user_id.in_(learners)
        )
        if filters.context:
            stmt = stmt.where(ModuleActivity.module_key == filters.context)
        return db.session.scalar(stmt)
    if survey.trigger == "discussion":
        stmt = (
            sa.select(sa.func.count())
            .select_from(Booking)
            .join(DiscussionSlot)
            .where(
                Booking.attendance == Attendance.ATTENDED.value, Booking.learner_id.in_(learners)
            )
        )
        return db.session.scalar(stmt)
    ids = list(db.session.scalars(learners))
    return sum(1 for p in progress_of(ids).values() if p.complete)


def results(
    survey: Survey,
    filters: Filters,
    *,
    minimum: int,
    eligible_count: int,
    texts_shown: int = TEXTS_SHOWN,
) -> Results:
    """Counts, distributions, means and medians, and free texts; nothing below ``minimum``.

    Aggregated by the database in four statements, however many responses there are. Of
    each free-text question ``texts_shown`` answers are returned, newest weeks first (within
    a week in the order of the random ids, which says nothing about who answered); all of
    them are in the CSV file.
    """
    base = _response_query(survey, filters).subquery("responses")
    count = db.session.scalar(sa.select(sa.func.count()).select_from(base)) or 0
    if count < minimum:
        return Results(count=count, eligible=eligible_count, shown=False)
    answers = base.c.answers
    closed = [q for q in survey.questions if q.type != "text"]
    numeric = [q for q in closed if q.type in ("scale", "nps")]
    texts = [q for q in survey.questions if q.type == "text"]

    counts: dict[str, dict[str, int]] = {q.key: {} for q in closed}
    if closed:
        parts = []
        for q in closed:
            # Grouped by a named column: PostgreSQL does not see two renderings of the same
            # JSON expression, each with its own parameter, as one.
            chosen = sa.select(answers[q.key].as_string().label("value")).subquery()
            parts.append(
                sa.select(sa.literal(q.key), chosen.c.value, sa.func.count())
                .where(chosen.c.value.is_not(None))
                .group_by(chosen.c.value)
            )
        for key, value, n in db.session.execute(sa.union_all(*parts)):
            counts[key][str(value)] = n
    stats: dict[str, tuple[float | None, float | None]] = {}
    if numeric:
        parts = [
            sa.select(
                sa.literal(q.key),
                sa.func.avg(answers[q.key].as_float()),
                median(answers[q.key].as_float()),
            )
            for q in numeric
        ]
        stats = {key: (mean, mid) for key, mean, mid in db.session.execute(sa.union_all(*parts))}
    shown: dict[str, list[str]] = {q.key: [] for q in texts}
    answered: dict[str, int] = {}
    if texts:
        parts = []
        for q in texts:
            text = answers[q.key].as_string()
            latest = (
                sa.select(
                    sa.literal(q.key).label("question"),
                    text.label("text"),
                    sa.func.count().over().label("total"),
                )
                .where(text.is_not(None))
                .order_by(base.c.week.desc(), base.c.id.desc())
                .limit(texts_shown)
                .subquery()
            )
            parts.append(sa.select(latest))
        for key, text, total in db.session.execute(sa.union_all(*parts)):
            shown[key].append(str(text))
            answered[key] = total

    out = []
    for q in survey.questions:
        result = QuestionResult(question=q)
        if q.type == "text":
            result.texts = shown[q.key]
            result.answered = answered.get(q.key, 0)
        else:
            found = counts[q.key]
            result.counts = {v: found.get(v, 0) for v in q.values}
            result.answered = sum(found.values())
            mean, mid = stats.get(q.key, (None, None))
            if mean is not None:
                result.mean = round(float(mean), 1)
                result.median = float(mid) if mid is not None else None
        out.append(result)
    return Results(count=count, eligible=eligible_count, shown=True, questions=out)


def csv_export(
    survey: Survey, filters: Filters, *, minimum: int, language: str, cohort_names: dict[int, str]
) -> bytes | None:
    """The responses as CSV for Finnish Excel (UTF-8 with BOM, semicolons); None below minimum.

    Anonymous surveys carry no identifier of any person.
    """
    responses = list(
        db.session.scalars(_response_query(survey, filters).order_by(SurveyResponse.week))
    )
    if len(responses) < minimum:
        return None
    header = ["week", "module", "cohort", "employment_model"]
    if not survey.anonymous:
        header.append("user_id")
    rows = []
    for r in responses:
        row = [
            r.week.isoformat(),
            r.context,
            cohort_names.get(r.cohort_id or 0, ""),
            r.employment_model or "",
        ]
        if not survey.anonymous:
            row.append(r.user_id or "")
        rows.append(row + [r.answers.get(q.key, "") for q in survey.questions])
    return excel_csv(header + [q.text(language) for q in survey.questions], rows)


# ------------------------------------------------------------------ loop notes


def publish_note(
    author: User, *, title: str, body: str, cohort_id: int | None, now: datetime
) -> LoopNote:
    """Publish a "what we changed after your feedback" note."""
    note = LoopNote(
        title=title.strip(),
        body=body.strip(),
        cohort_id=cohort_id,
        published_at=now,
        author_id=author.id,
    )
    db.session.add(note)
    db.session.flush()
    return note


def notes_for(user: User, limit: int | None = None) -> list[LoopNote]:
    """Notes for everyone and for the person's own cohort, newest first."""
    stmt = (
        sa.select(LoopNote)
        .where(
            sa.or_(LoopNote.cohort_id.is_(None), LoopNote.cohort_id == user.cohort_id)
            if user.cohort_id
            else LoopNote.cohort_id.is_(None)
        )
        .order_by(LoopNote.published_at.desc())
    )
    if limit:
        stmt = stmt.limit(limit)
    return list(db.session.scalars(stmt))


def all_notes() -> list[LoopNote]:
    return list(db.session.scalars(sa.select(LoopNote).order_by(LoopNote.published_at.desc())))
