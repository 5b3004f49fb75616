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
  start date is left out), so a period can be compared with another; question analysis
  then covers the learners' first attempts that were submitted within the range.

Speed: without a date range the overview aggregates the activity summaries
(``progress.models.ModuleActivity``, one row per learner and module) and question analysis
the first-attempt answer rows (``quizzes.models.FirstAnswer``), both kept up to date as
learners work; a date range makes the overview go back to the readings and attempts.
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
from elearn.core.sql import greatest, least, median, seconds_between
from elearn.discussions.models import Attendance, Booking, BookingStatus, DiscussionSlot
from elearn.extensions import db
from elearn.feedback.models import SurveyParticipation
from elearn.progress.models import ModuleActivity, SectionRead
from elearn.quizzes.models import AttemptStatus, FirstAnswer, QuizAttempt

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

    Without a date range the rows come from the activity summaries (``ModuleActivity``,
    one row per learner and module, kept up to date as learners work); with one, from the
    readings and attempts themselves, since only activity within the range may count.
    """
    if window == (None, None):
        return _summary_facts(course, learners)
    return _event_facts(course, learners, window)


def _containing(text: str) -> str:
    """A LIKE pattern matching values that contain ``text``, built once in Python.

    (``contains(autoescape=True)`` builds the pattern in SQL, once per row.)
    """
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _summary_facts(course: Course, learners: Any) -> Any:
    """The facts CTE from the activity summaries (no date range)."""
    a = ModuleActivity

    def sections_read(module: Module) -> Any:
        return sum(
            (
                sa.case((a.read_keys.like(_containing(f",{s.key},"), escape="\\"), 1), else_=0)
                for s in module.sections
            ),
            sa.literal(0),
        )

    n_read = sa.case({m.key: sections_read(m) for m in course.modules}, value=a.module_key, else_=0)
    return (
        sa.select(
            a.user_id.label("user_id"),
            a.module_key.label("module_key"),
            n_read.label("n_read"),
            a.first_read_at.label("first_read"),
            a.last_read_at.label("last_read"),
            a.attempts.label("n_att"),
            a.best_score.label("best"),
            a.passed_at.label("first_pass"),
            a.first_started_at.label("first_start"),
            a.attempts_to_pass.label("upto_pass"),
        )
        .where(
            a.user_id.in_(sa.select(learners.c.user_id)),
            a.module_key.in_([m.key for m in course.modules]),
        )
        .cte("module_facts")
    )


def _event_facts(course: Course, learners: Any, window: Any) -> Any:
    """The facts CTE from the readings and attempts within a date range."""
    dt = sa.DateTime(timezone=True)
    # Only readings of sections still in the course count towards completion; every
    # reading counts as activity (as in ``progress.services``).
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
            sa.case((current, 1), else_=0).label("is_read"),
            SectionRead.read_at.label("read_at"),
            sa.literal(0).label("att"),
            sa.cast(sa.null(), sa.Float).label("score"),
            sa.cast(sa.null(), dt).label("pass_at"),
            sa.cast(sa.null(), dt).label("start_at"),
            sa.literal(0).label("upto_pass"),
        )
        .where(SectionRead.module_key.in_([m.key for m in course.modules]))
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
    """Cohort, employment-model and overall figures per module, in one query."""
    window = filters.window(zone)
    learners = learners_query(filters).cte("learners")
    facts = _module_facts(course, learners, window)
    complete, seconds = _facts_with_completion(course, facts)
    module_keys = [m.key for m in course.modules]

    # Each learner's figures per module, worked out once (materialised) and then grouped
    # seven ways. Group columns come from the indexed tables: joining the learners CTE
    # instead makes SQLite scan it once per row.
    people = (
        sa.select(User.id, User.cohort_id, Cohort.employment_model)
        .outerjoin(Cohort, Cohort.id == User.cohort_id)
        .subquery("people")
    )
    attempted = facts.c.n_att > 0
    passed = facts.c.first_pass.is_not(None)
    per_module = (
        sa.select(
            facts.c.user_id,
            sa.func.coalesce(people.c.cohort_id, 0).label("cohort_id"),
            sa.func.coalesce(people.c.employment_model, "").label("model"),
            facts.c.module_key,
            sa.case((complete, 1), else_=0).label("done"),
            sa.case((attempted, 1), else_=0).label("attempted"),
            sa.case((passed, 1), else_=0).label("passed"),
            sa.case((attempted, facts.c.best)).label("best"),
            sa.case((attempted, _bin_of(facts.c.best))).label("bin"),
            sa.case((passed, facts.c.upto_pass)).label("upto"),
            sa.case((complete, seconds)).label("seconds"),
        )
        .join(people, people.c.id == facts.c.user_id)
        .cte("per_module")
        .prefix_with("MATERIALIZED")  # read by every part below; computed once
    )
    pm = per_module.c
    nothing = sa.cast(sa.null(), sa.Float)

    def part(kind: str, cohort: Any, model: Any, module: Any, *figures: Any) -> Any:
        return sa.select(sa.literal(kind), cohort, model, module, *figures)

    # Additive figures per cohort and module, medians per cohort, model and everyone, the
    # distribution of best scores and the course-level counts: one statement, its rows told
    # apart by their kind.
    figures = (
        sa.func.count(),
        sa.func.sum(pm.done),
        sa.func.sum(pm.attempted),
        sa.func.sum(pm.passed),
        sa.func.sum(pm.best),
        sa.func.sum(pm.upto),
    )
    no_figures = (sa.literal(0),) * 4 + (nothing, sa.literal(0))
    no_group = (sa.literal(0), sa.literal(""))
    # Per learner: how many modules complete, and whether the course is (a discussion
    # attended too, when the rules ask for one).
    per_user = (
        sa.select(pm.user_id, pm.cohort_id, pm.model, sa.func.sum(pm.done).label("done"))
        .group_by(pm.user_id, pm.cohort_id, pm.model)
        .subquery("per_user")
    )
    course_done = per_user.c.done == len(module_keys)
    if require_discussion:
        attended = sa.select(Booking.learner_id).where(
            Booking.attendance == Attendance.ATTENDED.value
        )
        course_done = sa.and_(course_done, per_user.c.user_id.in_(attended))
    pu = per_user.c
    lc = learners.c
    rows = db.session.execute(
        sa.union_all(
            part("module", pm.cohort_id, pm.model, pm.module_key, *figures, nothing).group_by(
                pm.cohort_id, pm.model, pm.module_key
            ),
            part("cohort", pm.cohort_id, pm.model, pm.module_key, *no_figures, median(pm.seconds))
            .where(pm.done == 1)
            .group_by(pm.cohort_id, pm.model, pm.module_key),
            part("model", sa.literal(0), pm.model, pm.module_key, *no_figures, median(pm.seconds))
            .where(pm.done == 1)
            .group_by(pm.model, pm.module_key),
            part("all", *no_group, pm.module_key, *no_figures, median(pm.seconds))
            .where(pm.done == 1)
            .group_by(pm.module_key),
            part("bin", *no_group, sa.literal(""), sa.func.count(), *no_figures[1:], pm.bin)
            .where(pm.attempted == 1)
            .group_by(pm.bin),
            # Learners who started the course, and who completed it, per cohort.
            part(
                "course",
                pu.cohort_id,
                pu.model,
                sa.literal(""),
                sa.func.count(),
                sa.func.sum(sa.case((course_done, 1), else_=0)),
                *no_figures[2:],
                nothing,
            ).group_by(pu.cohort_id, pu.model),
            # Every learner the report covers, per cohort (with or without activity).
            part(
                "learners",
                sa.func.coalesce(lc.cohort_id, 0),
                sa.func.coalesce(lc.employment_model, ""),
                sa.literal(""),
                sa.func.count(),
                *no_figures[1:],
                nothing,
            ).group_by(lc.cohort_id, lc.employment_model),
        )
    ).all()

    bins = [0] * SCORE_BINS
    median_of: dict[tuple[str, str, str], float] = {}
    module_rows = []
    course_of: dict[int, tuple[int, int]] = {}
    cohort_rows = []
    for kind, cohort_id, model, module_key, *values in rows:
        if kind == "module":
            module_rows.append((cohort_id, module_key, *values[:6]))
        elif kind == "learners":
            cohort_rows.append((cohort_id, model, values[0]))
        elif kind == "course":
            course_of[cohort_id] = (values[0], values[1] or 0)
        elif kind == "bin":
            bins[int(values[6])] = values[0]
        elif values[6] is not None:
            key = {"cohort": str(cohort_id), "model": model, "all": ""}[kind]
            median_of[(kind, key, module_key)] = values[6]

    def group(kind: str, key: str) -> Group:
        return Group(kind=kind, key=key, modules={k: ModuleFigures() for k in module_keys})

    cohorts: dict[int, Group] = {}
    models: dict[str, Group] = {}
    total = group("all", "")
    model_of: dict[int, str] = {}
    for cohort_id, model, n in cohort_rows:
        cid = cohort_id or 0
        started, done = course_of.get(cid, (0, 0))
        model_of[cid] = model or ""
        for g in (
            cohorts.setdefault(cid, group("cohort", str(cid))),
            models.setdefault(model or "", group("model", model or "")),
            total,
        ):
            g.learners += n
            g.started_course += started
            g.completed_course += done or 0
    for cohort_id, module_key, started, done, attempted, passed, best, upto in module_rows:
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
    """Facility, discrimination and option choices per question, in three queries.

    Over each learner's first submitted attempt (``FirstAnswer`` rows); with a date range,
    over the first attempts submitted within it.
    """
    window = filters.window(zone)
    learners = sa.select(learners_query(filters).cte("learners").c.user_id)
    f = FirstAnswer
    covered = [
        f.module_key == module.key,
        f.user_id.in_(learners),
        *_in_window(f.submitted_at, window),
    ]

    # 1. Per question: answers, fully correct, and the sums for item-rest correlation.
    stats = {
        key: (n, correct, sx, sy, sxx, syy, sxy)
        for key, n, correct, sx, sy, sxx, syy, sxy in db.session.execute(
            sa.select(
                f.question_key,
                sa.func.count(),
                sa.func.sum(sa.case((f.score >= 1.0, 1), else_=0)),
                sa.func.sum(f.score),
                sa.func.sum(f.rest),
                sa.func.sum(f.score * f.score),
                sa.func.sum(f.rest * f.rest),
                sa.func.sum(f.score * f.rest),
            )
            .where(*covered)
            .group_by(f.question_key)
        )
    }

    # 2. How often each option was chosen: counted per set of options chosen together.
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for key, chosen, n in db.session.execute(
        sa.select(f.question_key, f.chosen, sa.func.count())
        .where(*covered)
        .group_by(f.question_key, f.chosen)
    ):
        for option in chosen.strip(",").split(","):
            if option:
                counts[(key, option)] += n

    # 3. Distribution of first-attempt scores, and so the number of first attempts.
    a = ModuleActivity
    bins = [0] * SCORE_BINS
    for index, n in db.session.execute(
        sa.select(_bin_of(a.first_score).label("bin"), sa.func.count())
        .where(
            a.module_key == module.key,
            a.first_score.is_not(None),
            a.user_id.in_(learners),
            *_in_window(a.first_submitted_at, window),
        )
        .group_by("bin")
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
