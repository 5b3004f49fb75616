"""Trainer reports: read-only figures over progress, quiz attempts, discussions and surveys.

Every page's figures come from a fixed number of SQL statements, whatever the number of
learners: the database aggregates (counts, sums, medians with window functions, JSON
answers unpacked with ``json_each``) and Python only arranges the few rows that come back.

Definitions (shown to trainers on the pages too):
- a module is *started* when the learner has read one of its sections or submitted its quiz;
- it is *complete* when every current section is read and the quiz is passed, the same rule
  as ``progress.services`` (a test checks the two agree);
- *pass rate* is the share of learners who submitted the quiz that have passed it;
- *attempts to pass* counts submissions up to and including the first passing one;
- *time to complete* runs from the first activity in the module to its completion;
- *facility* is the share of first attempts that got the question fully right;
- *discrimination* is the correlation between a question's score and the rest of the quiz
  (the corrected point-biserial), over first attempts;
- with a date range, only activity within it counts (a reading or a submission before the
  start date is left out), so a period can be compared with another.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from elearn.accounts.models import Cohort, Role, User, UserRole
from elearn.content.model import Course, Module, Question
from elearn.discussions.models import Attendance, Booking, BookingStatus, DiscussionSlot
from elearn.extensions import db
from elearn.feedback.models import SurveyParticipation
from elearn.progress.models import SectionRead
from elearn.quizzes.models import AttemptStatus, QuizAttempt
from elearn.reports.sql import (
    greatest,
    json_array_texts,
    json_object_arrays,
    json_object_pairs,
    least,
    median_rows,
    seconds_between,
)

TOO_HARD = 0.30  # facility below this flags a question as too hard
TOO_EASY = 0.95  # and above this as too easy
SCORE_BINS = 10  # score distribution in bins of 10 percentage points


class ReportError(Exception):
    """A report cannot be made as asked."""


@dataclass(frozen=True)
class Filters:
    """Which learners and which period a report covers. Empty values mean "all"."""

    cohort_id: int | None = None
    employment_model: str | None = None
    start: date | None = None
    end: date | None = None  # inclusive
    supervisor_id: int | None = None  # only learners who have booked with this supervisor

    def window(self, zone: ZoneInfo) -> tuple[datetime | None, datetime | None]:
        """The period as UTC instants: local midnight of ``start`` to the midnight after ``end``."""
        lower = upper = None
        if self.start is not None:
            lower = datetime.combine(self.start, time(), tzinfo=zone)
        if self.end is not None:
            upper = datetime.combine(self.end + timedelta(days=1), time(), tzinfo=zone)
        return lower, upper


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def _in_window(column: Any, window: tuple[datetime | None, datetime | None]) -> list[Any]:
    lower, upper = window
    conditions = []
    if lower is not None:
        conditions.append(column >= lower)
    if upper is not None:
        conditions.append(column < upper)
    return conditions


def learners_query(filters: Filters) -> sa.Select:
    """The learners a report covers: (user_id, cohort_id, employment_model)."""
    stmt = (
        sa.select(
            User.id.label("user_id"),
            User.cohort_id.label("cohort_id"),
            Cohort.employment_model.label("employment_model"),
        )
        .join(UserRole, sa.and_(UserRole.user_id == User.id, UserRole.role == Role.ASSISTANT.value))
        .outerjoin(Cohort, Cohort.id == User.cohort_id)
    )
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


def _module_facts(course: Course, learners: Any, window: Any) -> Any:
    """One row per learner and module with what they did there (a CTE).

    Columns: user_id, module_key, n_read (current sections read), first_read, last_read,
    n_att (submitted attempts), best, first_pass, first_start, upto_pass.
    """
    dt = sa.DateTime(timezone=True)
    # Readings of sections that are still in the course (a CASE, not a join: cheaper).
    current = sa.or_(
        *[
            sa.and_(
                SectionRead.module_key == m.key,
                SectionRead.section_key.in_([s.key for s in m.sections]),
            )
            for m in course.modules
        ]
    )
    reads = (
        sa.select(
            SectionRead.user_id.label("user_id"),
            SectionRead.module_key.label("module_key"),
            sa.literal(1).label("is_read"),
            SectionRead.read_at.label("read_at"),
            sa.literal(0).label("att"),
            sa.cast(sa.null(), sa.Float).label("score"),
            sa.cast(sa.null(), dt).label("pass_at"),
            sa.cast(sa.null(), dt).label("start_at"),
            sa.literal(0).label("upto_pass"),
        )
        .where(current)
        .where(SectionRead.user_id.in_(sa.select(learners.c.user_id)))
        .where(*_in_window(SectionRead.read_at, window))
    )
    first_pass = (
        sa.func.min(sa.case((QuizAttempt.passed.is_(True), QuizAttempt.submitted_at)))
        .over(partition_by=(QuizAttempt.user_id, QuizAttempt.module_key))
        .label("first_pass")
    )
    attempts_inner = (
        sa.select(
            QuizAttempt.user_id,
            QuizAttempt.module_key,
            QuizAttempt.score,
            QuizAttempt.started_at,
            QuizAttempt.submitted_at,
            first_pass,
        )
        .where(
            QuizAttempt.status == AttemptStatus.SUBMITTED.value,
            QuizAttempt.user_id.in_(sa.select(learners.c.user_id)),
            QuizAttempt.module_key.in_([m.key for m in course.modules]),
        )
        .where(*_in_window(QuizAttempt.submitted_at, window))
        .subquery("attempts_inner")
    )
    a = attempts_inner.c
    attempts = sa.select(
        a.user_id,
        a.module_key,
        sa.literal(0),
        sa.cast(sa.null(), dt),
        sa.literal(1),
        a.score,
        a.first_pass,
        a.started_at,
        sa.case((a.submitted_at <= a.first_pass, 1), else_=0),
    )
    events = sa.union_all(reads, attempts).subquery("events")
    e = events.c
    return (
        sa.select(
            e.user_id,
            e.module_key,
            sa.func.sum(e.is_read).label("n_read"),
            sa.func.min(e.read_at).label("first_read"),
            sa.func.max(e.read_at).label("last_read"),
            sa.func.sum(e.att).label("n_att"),
            sa.func.max(e.score).label("best"),
            sa.func.min(e.pass_at).label("first_pass"),
            sa.func.min(e.start_at).label("first_start"),
            sa.func.sum(e.upto_pass).label("upto_pass"),
        )
        .group_by(e.user_id, e.module_key)
        .cte("module_facts")
    )


def _facts_with_completion(course: Course, facts: Any) -> tuple[Any, Any]:
    """(is the module complete, seconds from first activity to completion) for a facts row."""
    n_sections = sa.case(
        {m.key: len(m.sections) for m in course.modules}, value=facts.c.module_key, else_=-1
    )
    complete = sa.and_(facts.c.n_read == n_sections, facts.c.first_pass.is_not(None))
    began = least(
        sa.func.coalesce(facts.c.first_read, facts.c.first_start),
        sa.func.coalesce(facts.c.first_start, facts.c.first_read),
    )
    done = greatest(
        sa.func.coalesce(facts.c.last_read, facts.c.first_pass),
        sa.func.coalesce(facts.c.first_pass, facts.c.last_read),
    )
    return complete, seconds_between(done, began)


# ------------------------------------------------------------------ overview


@dataclass
class ModuleFigures:
    """One module's figures for one group of learners."""

    learners: int = 0
    started: int = 0
    completed: int = 0
    attempted: int = 0
    passed: int = 0
    best_total: float = 0.0
    attempts_to_pass_total: int = 0
    median_seconds: float | None = None

    def add(self, other: ModuleFigures) -> None:
        self.started += other.started
        self.completed += other.completed
        self.attempted += other.attempted
        self.passed += other.passed
        self.best_total += other.best_total
        self.attempts_to_pass_total += other.attempts_to_pass_total

    @property
    def pass_rate(self) -> float | None:
        return self.passed / self.attempted if self.attempted else None

    @property
    def mean_best(self) -> float | None:
        return self.best_total / self.attempted if self.attempted else None

    @property
    def mean_attempts_to_pass(self) -> float | None:
        return self.attempts_to_pass_total / self.passed if self.passed else None

    @property
    def completion_rate(self) -> float | None:
        return self.completed / self.learners if self.learners else None


@dataclass
class Group:
    """A set of learners the overview reports on: a cohort, an employment model, or all."""

    kind: str  # "cohort", "model" or "all"
    key: str  # cohort id, model value, or ""
    learners: int = 0
    started_course: int = 0
    completed_course: int = 0
    modules: dict[str, ModuleFigures] = field(default_factory=dict)

    @property
    def completion_rate(self) -> float | None:
        return self.completed_course / self.learners if self.learners else None


@dataclass
class Overview:
    """Figures per cohort, per employment model and for everyone, module by module."""

    cohorts: list[Group]
    models: list[Group]
    total: Group
    score_bins: list[int]  # best scores per learner and module, in SCORE_BINS bins

    @property
    def funnel(self) -> list[tuple[str, int]]:
        """(step key, learners) from everyone through each module to the whole course."""
        steps = [("learners", self.total.learners), ("started", self.total.started_course)]
        steps += [(key, f.completed) for key, f in self.total.modules.items()]
        steps.append(("course", self.total.completed_course))
        return steps


def _bin_of(score: Any) -> Any:
    """Which of the SCORE_BINS bins a 0-100 score falls into (100 goes to the last)."""
    width = 100 // SCORE_BINS
    return sa.case(
        *[(score < width * (i + 1), i) for i in range(SCORE_BINS - 1)], else_=SCORE_BINS - 1
    )


def overview(
    course: Course, filters: Filters, *, zone: ZoneInfo, require_discussion: bool
) -> Overview:
    """Cohort, employment-model and overall figures per module, in four queries."""
    window = filters.window(zone)
    learners = learners_query(filters).cte("learners")
    facts = _module_facts(course, learners, window)
    complete, seconds = _facts_with_completion(course, facts)
    module_keys = [m.key for m in course.modules]

    # 1. Additive figures per cohort and module.
    # Group columns come from the indexed tables: joining the learners CTE instead makes
    # SQLite scan it once per row (seconds at 10,000 learners).
    people = (
        sa.select(User.id, User.cohort_id, Cohort.employment_model)
        .outerjoin(Cohort, Cohort.id == User.cohort_id)
        .subquery("people")
    )
    rows = db.session.execute(
        sa.select(
            people.c.cohort_id,
            facts.c.module_key,
            sa.func.count().label("started"),
            sa.func.sum(sa.case((complete, 1), else_=0)),
            sa.func.sum(sa.case((facts.c.n_att > 0, 1), else_=0)),
            sa.func.sum(sa.case((facts.c.first_pass.is_not(None), 1), else_=0)),
            sa.func.sum(sa.case((facts.c.n_att > 0, facts.c.best), else_=0.0)),
            sa.func.sum(sa.case((facts.c.first_pass.is_not(None), facts.c.upto_pass), else_=0)),
        )
        .join(people, people.c.id == facts.c.user_id)
        .group_by(people.c.cohort_id, facts.c.module_key)
    ).all()

    # 2. Learners, course started and course completed per cohort.
    per_user = (
        sa.select(
            facts.c.user_id,
            sa.func.sum(sa.case((complete, 1), else_=0)).label("done"),
        )
        .group_by(facts.c.user_id)
        .subquery("per_user")
    )
    attended = sa.select(Booking.learner_id).where(
        Booking.attendance == Attendance.ATTENDED.value,
        Booking.learner_id.in_(sa.select(learners.c.user_id)),
    )
    course_done = per_user.c.done == len(module_keys)
    if require_discussion:
        course_done = sa.and_(course_done, learners.c.user_id.in_(attended))
    cohort_rows = db.session.execute(
        sa.select(
            learners.c.cohort_id,
            learners.c.employment_model,
            sa.func.count(),
            sa.func.count(per_user.c.user_id),
            sa.func.sum(sa.case((course_done, 1), else_=0)),
        )
        .outerjoin(per_user, per_user.c.user_id == learners.c.user_id)
        .group_by(learners.c.cohort_id, learners.c.employment_model)
    ).all()

    # 3. Median time to complete per module for each cohort, each model and everyone.
    completed = (
        sa.select(
            people.c.cohort_id,
            people.c.employment_model,
            facts.c.module_key,
            seconds.label("seconds"),
        )
        .join(people, people.c.id == facts.c.user_id)
        .where(complete)
        .cte("completed_modules")
    )
    labelled = sa.union_all(
        sa.select(
            sa.literal("cohort").label("kind"),
            sa.cast(sa.func.coalesce(completed.c.cohort_id, 0), sa.String).label("gkey"),
            completed.c.module_key,
            completed.c.seconds,
        ),
        sa.select(
            sa.literal("model"),
            sa.func.coalesce(completed.c.employment_model, ""),
            completed.c.module_key,
            completed.c.seconds,
        ),
        sa.select(sa.literal("all"), sa.literal(""), completed.c.module_key, completed.c.seconds),
    ).subquery("labelled")
    medians = median_rows(
        labelled, [labelled.c.kind, labelled.c.gkey, labelled.c.module_key], labelled.c.seconds
    )
    median_of = {
        (kind, gkey, module_key): value
        for kind, gkey, module_key, value in db.session.execute(sa.select(medians))
    }

    # 4. Distribution of best scores (per learner and module).
    bins = [0] * SCORE_BINS
    for index, n in db.session.execute(
        sa.select(_bin_of(facts.c.best).label("bin"), sa.func.count())
        .where(facts.c.n_att > 0)
        .group_by("bin")
    ):
        bins[int(index)] = n

    def group(kind: str, key: str) -> Group:
        return Group(kind=kind, key=key, modules={k: ModuleFigures() for k in module_keys})

    cohorts: dict[int, Group] = {}
    models: dict[str, Group] = {}
    total = group("all", "")
    model_of: dict[int, str] = {}
    for cohort_id, model, n, started, done in cohort_rows:
        cid = cohort_id or 0
        model_of[cid] = model or ""
        for g in (
            cohorts.setdefault(cid, group("cohort", str(cid))),
            models.setdefault(model or "", group("model", model or "")),
            total,
        ):
            g.learners += n
            g.started_course += started
            g.completed_course += done or 0
    for cohort_id, module_key, started, done, attempted, passed, best, upto in rows:
        figures = ModuleFigures(
            started=started,
            completed=done or 0,
            attempted=attempted or 0,
            passed=passed or 0,
            best_total=float(best or 0),
            attempts_to_pass_total=int(upto or 0),
        )
        cid = cohort_id or 0
        for g in (cohorts[cid], models[model_of[cid]], total):
            g.modules[module_key].add(figures)
    for g in [*cohorts.values(), *models.values(), total]:
        for key, figures in g.modules.items():
            figures.learners = g.learners
            value = median_of.get((g.kind, g.key, key))
            figures.median_seconds = float(value) if value is not None else None
    return Overview(
        cohorts=sorted(cohorts.values(), key=lambda g: int(g.key)),
        models=[models[k] for k in sorted(models)],
        total=total,
        score_bins=bins,
    )


# ------------------------------------------------------------------ questions


@dataclass
class OptionFigures:
    """How often one option was chosen on first attempts."""

    key: str
    correct: bool
    chosen: int = 0


@dataclass
class QuestionFigures:
    """Item analysis of one question over first attempts."""

    question: Question
    answered: int = 0
    fully_correct: int = 0
    discrimination: float | None = None
    options: list[OptionFigures] = field(default_factory=list)
    minimum: int = 10

    @property
    def enough(self) -> bool:
        """Enough answers for the figures to mean something."""
        return self.answered >= self.minimum

    @property
    def facility(self) -> float | None:
        return self.fully_correct / self.answered if self.answered else None

    @property
    def flag(self) -> str | None:
        """ "too_hard", "too_easy" or None; never with too few answers."""
        if not self.enough or self.facility is None:
            return None
        if self.facility < TOO_HARD:
            return "too_hard"
        if self.facility > TOO_EASY:
            return "too_easy"
        return None

    @property
    def most_chosen_wrong(self) -> OptionFigures | None:
        wrong = [o for o in self.options if not o.correct and o.chosen > 0]
        return max(wrong, key=lambda o: o.chosen) if wrong else None


@dataclass
class QuestionAnalysis:
    """A module quiz's item analysis and score distribution over first attempts."""

    module: Module
    first_attempts: int
    questions: list[QuestionFigures]
    score_bins: list[int]
    minimum: int

    def question(self, key: str) -> QuestionFigures | None:
        return next((q for q in self.questions if q.question.key == key), None)


def _correlation(n: int, sx: float, sy: float, sxx: float, syy: float, sxy: float) -> float | None:
    """Pearson's r from sums; None when either variable does not vary."""
    if n < 2:
        return None
    vx = n * sxx - sx * sx
    vy = n * syy - sy * sy
    if vx <= 1e-12 or vy <= 1e-12:
        return None
    return (n * sxy - sx * sy) / math.sqrt(vx * vy)


def question_analysis(
    module: Module, filters: Filters, *, zone: ZoneInfo, minimum: int
) -> QuestionAnalysis:
    """Facility, discrimination and option choices per question, in three queries."""
    dialect = _dialect()
    window = filters.window(zone)
    learners = learners_query(filters).cte("learners")
    ranked = (
        sa.select(
            QuizAttempt.id,
            sa.func.row_number()
            .over(
                partition_by=QuizAttempt.user_id,
                order_by=(QuizAttempt.submitted_at, QuizAttempt.id),
            )
            .label("rn"),
        )
        .where(
            QuizAttempt.module_key == module.key,
            QuizAttempt.status == AttemptStatus.SUBMITTED.value,
            QuizAttempt.user_id.in_(sa.select(learners.c.user_id)),
        )
        .where(*_in_window(QuizAttempt.submitted_at, window))
        .subquery("ranked")
    )
    first_ids = sa.select(ranked.c.id).where(ranked.c.rn == 1)
    first = (
        sa.select(
            QuizAttempt.id, QuizAttempt.score, QuizAttempt.question_scores, QuizAttempt.answers
        )
        .where(QuizAttempt.id.in_(first_ids))
        .cte("first_attempts")
    )

    # 1. Per question: answers, fully correct, and the sums for item-rest correlation.
    pairs = json_object_pairs(first.c.question_scores, dialect, "qs")
    item = (
        sa.select(
            first.c.id.label("attempt_id"),
            pairs.c.key.label("question_key"),
            sa.cast(pairs.c.value, sa.Float).label("x"),
        )
        .select_from(first)
        .join(pairs, sa.true())
        .subquery("items")
    )
    with_rest = sa.select(
        item.c.question_key,
        item.c.x,
        (sa.func.sum(item.c.x).over(partition_by=item.c.attempt_id) - item.c.x).label("rest"),
    ).subquery("with_rest")
    w = with_rest.c
    stats = {
        key: (n, correct, sx, sy, sxx, syy, sxy)
        for key, n, correct, sx, sy, sxx, syy, sxy in db.session.execute(
            sa.select(
                w.question_key,
                sa.func.count(),
                sa.func.sum(sa.case((w.x >= 1.0, 1), else_=0)),
                sa.func.sum(w.x),
                sa.func.sum(w.rest),
                sa.func.sum(w.x * w.x),
                sa.func.sum(w.rest * w.rest),
                sa.func.sum(w.x * w.rest),
            ).group_by(w.question_key)
        )
    }

    # 2. How often each option was chosen.
    answered = json_object_arrays(first.c.answers, dialect, "qa")
    chosen = json_array_texts(answered.c.value, dialect, "opt")
    counts: dict[tuple[str, str], int] = {
        (q, o): n
        for q, o, n in db.session.execute(
            sa.select(answered.c.key, chosen.c.value, sa.func.count())
            .select_from(first)
            .join(answered, sa.true())
            .join(chosen, sa.true())
            .group_by(answered.c.key, chosen.c.value)
        )
    }

    # 3. Score distribution and the number of first attempts.
    bins = [0] * SCORE_BINS
    for index, n in db.session.execute(
        sa.select(_bin_of(first.c.score).label("bin"), sa.func.count()).group_by("bin")
    ):
        bins[int(index)] = n

    questions = []
    for question in module.quiz.questions:
        n, correct, sx, sy, sxx, syy, sxy = stats.get(question.key, (0, 0, 0, 0, 0, 0, 0))
        figures = QuestionFigures(
            question=question,
            answered=n,
            fully_correct=int(correct or 0),
            minimum=minimum,
            options=[
                OptionFigures(o.key, o.correct, counts.get((question.key, o.key), 0))
                for o in question.options
            ],
        )
        if n:
            figures.discrimination = _correlation(
                n, float(sx), float(sy), float(sxx), float(syy), float(sxy)
            )
        questions.append(figures)
    return QuestionAnalysis(
        module=module,
        first_attempts=sum(bins),
        questions=questions,
        score_bins=bins,
        minimum=minimum,
    )


# ------------------------------------------------------------------ learners


@dataclass(frozen=True)
class LearnerRow:
    """A learner in the list, with their group."""

    id: int
    name: str
    email: str
    cohort_name: str


def learner_page(filters: Filters, *, page: int, per_page: int) -> tuple[list[LearnerRow], int]:
    """One page of the learners a report covers, by name, and how many there are in all."""
    learners = learners_query(filters).subquery("learners")
    total = db.session.scalar(sa.select(sa.func.count()).select_from(learners))
    stmt = (
        sa.select(User.id, User.name, User.email, Cohort.name)
        .join(learners, learners.c.user_id == User.id)
        .outerjoin(Cohort, Cohort.id == User.cohort_id)
        .order_by(User.name, User.email, User.id)
    )
    if per_page:
        stmt = stmt.limit(per_page).offset((page - 1) * per_page)
    rows = [LearnerRow(i, n, e, c or "") for i, n, e, c in db.session.execute(stmt)]
    return rows, total or 0


def learner_in_report(user_id: int, filters: Filters) -> User | None:
    """The learner if the report's filters (e.g. a supervisor's bookings) cover them."""
    learners = learners_query(filters).subquery("learners")
    return db.session.scalar(
        sa.select(User).join(learners, learners.c.user_id == User.id).where(User.id == user_id)
    )


@dataclass(frozen=True)
class LearnerActivity:
    """What a trainer sees of one learner besides progress."""

    attempts: list[QuizAttempt]
    bookings: list[tuple[Booking, DiscussionSlot, User]]
    surveys: list[SurveyParticipation]


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
        tuple(row)
        for row in db.session.execute(
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
    return LearnerActivity(attempts=attempts, bookings=bookings, surveys=surveys)  # type: ignore[arg-type]


def attempts_by_module(attempts: list[QuizAttempt]) -> dict[str, list[QuizAttempt]]:
    """Attempts grouped by module key, in submission order."""
    grouped: dict[str, list[QuizAttempt]] = defaultdict(list)
    for attempt in attempts:
        grouped[attempt.module_key].append(attempt)
    return dict(grouped)
