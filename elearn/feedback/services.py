"""Feedback operations: what is waiting for a learner, answering once, results with a
minimum group size, CSV export (with the minimum applied to every cell it reveals) and loop
notes. Functions flush; the handler commits."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from elearn.accounts.labels import EMPLOYMENT_MODEL_LABELS
from elearn.accounts.models import Cohort, Role, User, UserRole
from elearn.content.model import Course
from elearn.content.surveys import Survey, SurveyQuestion
from elearn.core.csvfile import excel_csv
from elearn.core.sql import median
from elearn.discussions import services as discussions
from elearn.extensions import db
from elearn.feedback import pool
from elearn.feedback.models import LoopNote, SurveyParticipation, SurveyResponse
from elearn.progress import services as progress
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


def offered(user: User, surveys: dict[str, Survey], progress: CourseProgress) -> list[Waiting]:
    """Every survey this learner may answer now, answered or not."""
    if not user.has_role(Role.ASSISTANT):
        return []
    found = []
    for survey in surveys.values():
        if survey.trigger == "module_quiz":
            found += [Waiting(survey, m.module.key) for m in progress.modules if m.attempts]
        elif survey.trigger == "discussion":
            found += [Waiting(survey, str(b)) for b in discussions.attended_bookings(user.id)]
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
    # A discussion's id would point at the person: only a module key is kept.
    facts = {
        "survey_key": survey.key,
        "context": context if survey.trigger == "module_quiz" else "",
        "cohort_id": cohort.id if cohort else None,
        "employment_model": cohort.employment_model if cohort else None,
    }
    if survey.anonymous:
        pool.put({**facts, "answers": clean})  # released later, apart from the person
        return
    db.session.add(SurveyResponse(**facts, week=week_of(today), user_id=user.id, answers=clean))
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
        # Each learner and module whose quiz was submitted.
        return progress.count_submitted(learners, filters.context)
    if survey.trigger == "discussion":
        return discussions.count_attended(learners)
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


MIN_RESPONSES_FLOOR = 5  # results of fewer answers are never shown, whatever the setting


def minimum_responses(configured: int) -> int:
    """How many responses results need before they are shown: the setting
    (``ELEARN_FEEDBACK_MIN_RESPONSES``), never fewer than five."""
    return max(MIN_RESPONSES_FLOOR, int(configured))


def response_count(survey: Survey, filters: Filters) -> int:
    """How many responses the results page would count under these filters (one statement)."""
    base = _response_query(survey, filters).subquery("responses")
    return db.session.scalar(sa.select(sa.func.count()).select_from(base)) or 0


def responses_per_survey() -> dict[str, int]:
    """Every survey's number of responses, by key (one statement)."""
    r = SurveyResponse
    rows = db.session.execute(sa.select(r.survey_key, sa.func.count()).group_by(r.survey_key))
    return {key: int(n) for key, n in rows}


@dataclass(frozen=True)
class WiderView:
    """The same survey over more responses, offered when a view is below the minimum.

    ``kind``: "model" (every group of the chosen group's employment model), "all_time" (no
    dates) or "model_all_time" (both).
    """

    kind: str
    filters: Filters
    count: int


def wider_views(
    survey: Survey, filters: Filters, *, minimum: int, cohort_model: str | None
) -> list[WiderView]:
    """The nearest wider views of a survey's results that reach the minimum.

    Widening the group (to every group of its employment model) and the period (to all
    time) are tried first; both together only if neither is enough alone. Only views with at
    least ``minimum`` responses are returned, so offering one reveals nothing the results
    page would not show anyway. At most three statements.

    Args:
        cohort_model: the employment model of the chosen group (None without a group).
    """
    wider_group = (
        replace(filters, cohort_id=None, employment_model=cohort_model)
        if filters.cohort_id is not None and cohort_model
        else None
    )
    dated = filters.date_from is not None or filters.date_to is not None
    all_time = replace(filters, date_from=None, date_to=None) if dated else None
    found = []
    for kind, wider in (("model", wider_group), ("all_time", all_time)):
        if wider is not None:
            count = response_count(survey, wider)
            if count >= minimum:
                found.append(WiderView(kind, wider, count))
    if not found and wider_group is not None and all_time is not None:
        both = replace(wider_group, date_from=None, date_to=None)
        count = response_count(survey, both)
        if count >= minimum:
            found.append(WiderView("model_all_time", both, count))
    return found


# ------------------------------------------------------------------ CSV export
#
# The export lists answers one by one, each with its group, employment model, module and
# period: together a *cell*. A trainer could single out one person's answer in a cell of
# very few answers, so for anonymous surveys the export gives the month (not the week),
# leaves out every answer whose cell has fewer than the minimum, and widens date filters
# to whole months (a range that cut a month would let two downloads be compared to find
# the answers of a few weeks). Rows are ordered by cell and random id, never by week.

CSV_PERIOD = _l("Month")
CSV_HEADERS = {
    "week": _l("Week"),
    "module": _l("Module"),
    "module_key": _l("Module key"),
    "group": _l("Group"),
    "model": _l("Employment model"),
    "learner": _l("Learner ID"),
}


@dataclass(frozen=True)
class AnswerExport:
    """A survey's answers as CSV, and how many answers it holds and leaves out."""

    data: bytes
    answers: int
    withheld: int


def _month_bounds(filters: Filters) -> tuple[date | None, date | None]:
    """The date filters widened to the months of their weeks (a week counts in the month
    of its Monday, as ``extract`` reads the stored week)."""
    lower = upper = None
    if filters.date_from:
        lower = week_of(filters.date_from).replace(day=1)
    if filters.date_to:
        first = week_of(filters.date_to).replace(day=1)
        upper = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return lower, upper


def _cell_keys() -> list:
    """What the export reveals of an anonymous answer: month, group, model and module."""
    r = SurveyResponse
    return [
        sa.extract("year", r.week).label("year"),
        sa.extract("month", r.week).label("month"),
        r.cohort_id.label("cohort_id"),
        r.employment_model.label("model"),
        r.context.label("module"),
    ]


CELL = ("year", "month", "cohort_id", "model", "module")  # the labels of _cell_keys()


def _export_query(survey: Survey, filters: Filters) -> sa.Select:
    """The responses an export covers (for an anonymous survey: whole months)."""
    if not survey.anonymous:
        return _response_query(survey, filters)
    stmt = _response_query(survey, replace(filters, date_from=None, date_to=None))
    lower, upper = _month_bounds(filters)
    if lower:
        stmt = stmt.where(SurveyResponse.week >= lower)
    if upper:
        stmt = stmt.where(SurveyResponse.week <= upper)
    return stmt


def _small_cells(survey: Survey, filters: Filters, minimum: int) -> sa.Select:
    """The cells the export leaves out, with their number of answers (``answers``)."""
    keys = _cell_keys()
    return (
        _export_query(survey, filters)
        .with_only_columns(*keys, sa.func.count().label("answers"))
        .group_by(*keys)
        .having(sa.func.count() < minimum)
    )


def withheld_from_export(survey: Survey, filters: Filters, *, minimum: int) -> int:
    """How many answers the CSV export leaves out under these filters (one statement)."""
    if not survey.anonymous:
        return 0
    cells = _small_cells(survey, filters, minimum).subquery("small_cells")
    total = db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(cells.c.answers), 0)))
    return int(total or 0)  # PostgreSQL sums counts as a decimal


def csv_export(
    survey: Survey,
    filters: Filters,
    *,
    minimum: int,
    language: str,
    course: Course,
    cohort_names: dict[int, str],
) -> AnswerExport | None:
    """The responses as CSV for Excel in ``language``; None below the minimum in all.

    Anonymous surveys carry no identifier of any person, give the month of each answer and
    leave out every cell (month, group, employment model, module) of fewer than ``minimum``
    answers, saying so in the file. A named survey lists every answer with its week and
    the learner's id. Two statements: the small cells and the answers.
    """
    r = SurveyResponse
    columns = [r.week, r.context, r.cohort_id, r.employment_model, r.user_id, r.answers]
    if survey.anonymous:
        small = {
            tuple(getattr(c, k) for k in CELL)
            for c in db.session.execute(_small_cells(survey, filters, minimum))
        }
        stmt = _export_query(survey, filters).with_only_columns(*_cell_keys(), *columns)
        order = [*_cell_keys(), r.id]
    else:
        small = set()
        stmt = _export_query(survey, filters).with_only_columns(*columns)
        order = [r.week, r.id]
    found = db.session.execute(stmt.order_by(*order)).all()
    if len(found) < minimum:
        return None
    kept = [a for a in found if not small or tuple(getattr(a, k) for k in CELL) not in small]
    withheld = len(found) - len(kept)
    by_module = survey.trigger == "module_quiz"
    with force_locale(language):
        models = {m.value: str(label) for m, label in EMPLOYMENT_MODEL_LABELS.items()}
        titles = {m.key: f"{m.number}. {m.text(language)[0].title}" for m in course.modules}
        header = [CSV_PERIOD if survey.anonymous else CSV_HEADERS["week"]]
        if by_module:
            header += [CSV_HEADERS["module"], CSV_HEADERS["module_key"]]
        header += [CSV_HEADERS["group"], CSV_HEADERS["model"]]
        if not survey.anonymous:
            header.append(CSV_HEADERS["learner"])
        header += [q.text(language) for q in survey.questions]
        rows = []
        for a in kept:
            row: list[object] = [f"{a.week:%Y-%m}" if survey.anonymous else a.week.isoformat()]
            if by_module:
                row += [titles.get(a.context, ""), a.context]
            row += [cohort_names.get(a.cohort_id or 0, ""), models.get(a.employment_model, "")]
            if not survey.anonymous:
                row.append(a.user_id)
            rows.append(
                row + [_answer_cell(q, a.answers.get(q.key), language) for q in survey.questions]
            )
        notes = _export_notes(filters, minimum, withheld) if survey.anonymous else []
        data = excel_csv(
            [str(h) for h in header],
            rows,
            decimal_separator="." if language == "en" else ",",
            notes=notes,
        )
    return AnswerExport(data=data, answers=len(kept), withheld=withheld)


def _export_notes(filters: Filters, minimum: int, withheld: int) -> list[str]:
    """What an anonymous survey's file says about what it leaves out."""
    notes = [
        _(
            "Each answer is given with its month. Answers whose group, module and month "
            "have fewer than %(minimum)s answers are left out, so that no one can be "
            "recognised.",
            minimum=minimum,
        ),
        ngettext("%(num)s answer was left out.", "%(num)s answers were left out.", withheld),
    ]
    lower, upper = _month_bounds(filters)
    if lower or upper:
        notes.append(
            _(
                "The dates are widened to whole months: %(start)s – %(end)s.",
                start=lower.isoformat() if lower else "…",
                end=upper.isoformat() if upper else "…",
            )
        )
    return notes


def _answer_cell(question: SurveyQuestion, value: object, language: str) -> object:
    """An answer as a cell: a number for a scale, the option's text for a choice."""
    if value is None or value == "":
        return None
    if question.type == "choice":
        option = next((o for o in question.options if o.key == value), None)
        return option.text(language) if option else str(value)
    return value


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
