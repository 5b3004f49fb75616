"""The overview: per group, employment model and everyone, module by module, in one statement.

Definitions (the page shows them to trainers too):
- a module is *started* when the learner has read one of its sections or submitted its quiz;
- it is *complete* by the rule of ``progress.services`` (its SQL form,
  ``module_complete_sql``; the course by ``course_complete_sql``);
- *pass rate* is the share of learners who submitted the quiz that have passed it;
- *attempts to pass* counts submissions up to and including the first passing one;
- *time to complete* runs from the first activity in the module to its completion;
- with a date range, only activity within it counts (a reading or a submission before the
  start date is left out), so a period can be compared with another.

Speed: without a date range the figures come from the activity summaries
(``progress.models.ModuleActivity``, one row per learner and module, kept up to date as
learners work); a date range makes the overview go back to the readings and attempts. The
database aggregates and Python only arranges the few rows that come back, so the number of
statements does not grow with the number of learners.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from elearn.accounts.models import Cohort, User
from elearn.content.model import Course, Module
from elearn.core.sql import greatest, least, median, seconds_between
from elearn.extensions import db
from elearn.progress.models import ModuleActivity, SectionRead
from elearn.progress.services import CompletionRules, course_complete_sql, module_complete_sql
from elearn.quizzes.models import AttemptStatus, QuizAttempt
from elearn.reports.scope import SCORE_BINS, Filters, Window, in_window, learners_query, score_bin


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
        """Add another group's counts (not the median, which does not add up)."""
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
    key: str  # cohort id ("0": no group), model value, or ""
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
    def groups(self) -> list[Group]:
        """Every group in the order the page and the CSV list them."""
        return [*self.cohorts, *self.models, self.total]

    @property
    def funnel(self) -> list[tuple[str, int]]:
        """(step key, learners) from everyone through each module to the whole course."""
        steps = [("learners", self.total.learners), ("started", self.total.started_course)]
        steps += [(key, f.completed) for key, f in self.total.modules.items()]
        steps.append(("course", self.total.completed_course))
        return steps


def overview(
    course: Course, filters: Filters, *, zone: ZoneInfo, require_discussion: bool
) -> Overview:
    """Cohort, employment-model and overall figures per module, in one query."""
    window = filters.window(zone)
    learners = learners_query(filters).cte("learners")
    facts = _module_facts(course, learners, window)
    f = facts.c
    complete = module_complete_sql(
        course, module_key=f.module_key, sections_read=f.n_read, passed_at=f.first_pass
    )
    began = least(
        sa.func.coalesce(f.first_read, f.first_start), sa.func.coalesce(f.first_start, f.first_read)
    )
    done = greatest(
        sa.func.coalesce(f.last_read, f.first_pass), sa.func.coalesce(f.first_pass, f.last_read)
    )
    seconds = seconds_between(done, began)

    # Each learner's figures per module, worked out once (materialised) and then grouped
    # seven ways. Group columns come from the indexed tables: joining the learners CTE
    # instead makes SQLite scan it once per row.
    people = (
        sa.select(User.id, User.cohort_id, Cohort.employment_model)
        .outerjoin(Cohort, Cohort.id == User.cohort_id)
        .subquery("people")
    )
    attempted = f.n_att > 0
    passed = f.first_pass.is_not(None)
    per_module = (
        sa.select(
            f.user_id,
            sa.func.coalesce(people.c.cohort_id, 0).label("cohort_id"),
            sa.func.coalesce(people.c.employment_model, "").label("model"),
            f.module_key,
            sa.case((complete, 1), else_=0).label("done"),
            sa.case((attempted, 1), else_=0).label("attempted"),
            sa.case((passed, 1), else_=0).label("passed"),
            sa.case((attempted, f.best)).label("best"),
            sa.case((attempted, score_bin(f.best))).label("bin"),
            sa.case((passed, f.upto_pass)).label("upto"),
            sa.case((complete, seconds)).label("seconds"),
        )
        .join(people, people.c.id == f.user_id)
        .cte("per_module")
        .prefix_with("MATERIALIZED")  # read by every part below; computed once
    )
    pm = per_module.c
    nothing = sa.cast(sa.null(), sa.Float)

    def part(
        kind: str,
        cohort: Any,
        model: Any,
        module: Any,
        count: Any = None,
        done: Any = None,
        attempted: Any = None,
        passed: Any = None,
        best_total: Any = None,
        upto_total: Any = None,
        value: Any = None,
    ) -> sa.Select:
        """One kind of row of the statement below; figures it does not have are 0 or NULL."""
        zero = sa.literal(0)
        return sa.select(
            sa.literal(kind).label("kind"),
            cohort.label("cohort_id"),
            model.label("model"),
            module.label("module_key"),
            (zero if count is None else count).label("count"),
            (zero if done is None else done).label("done"),
            (zero if attempted is None else attempted).label("attempted"),
            (zero if passed is None else passed).label("passed"),
            (nothing if best_total is None else best_total).label("best_total"),
            (zero if upto_total is None else upto_total).label("upto_total"),
            (nothing if value is None else value).label("value"),
        )

    # Per learner: how many modules complete, and whether the course is.
    per_user = (
        sa.select(pm.user_id, pm.cohort_id, pm.model, sa.func.sum(pm.done).label("done"))
        .group_by(pm.user_id, pm.cohort_id, pm.model)
        .subquery("per_user")
    )
    pu = per_user.c
    course_done = course_complete_sql(
        course,
        CompletionRules(require_discussion=require_discussion),
        learner_id=pu.user_id,
        modules_complete=pu.done,
    )
    lc = learners.c
    no_group = (sa.literal(0), sa.literal(""))
    # Additive figures per cohort and module, medians per cohort, model and everyone, the
    # distribution of best scores and the course-level counts: one statement, its rows told
    # apart by their kind.
    rows = db.session.execute(
        sa.union_all(
            part(
                "module",
                pm.cohort_id,
                pm.model,
                pm.module_key,
                count=sa.func.count(),
                done=sa.func.sum(pm.done),
                attempted=sa.func.sum(pm.attempted),
                passed=sa.func.sum(pm.passed),
                best_total=sa.func.sum(pm.best),
                upto_total=sa.func.sum(pm.upto),
            ).group_by(pm.cohort_id, pm.model, pm.module_key),
            part("cohort", pm.cohort_id, pm.model, pm.module_key, value=median(pm.seconds))
            .where(pm.done == 1)
            .group_by(pm.cohort_id, pm.model, pm.module_key),
            part("model", sa.literal(0), pm.model, pm.module_key, value=median(pm.seconds))
            .where(pm.done == 1)
            .group_by(pm.model, pm.module_key),
            part("all", *no_group, pm.module_key, value=median(pm.seconds))
            .where(pm.done == 1)
            .group_by(pm.module_key),
            part("bin", *no_group, sa.literal(""), count=sa.func.count(), value=pm.bin)
            .where(pm.attempted == 1)
            .group_by(pm.bin),
            # Learners who started the course, and who completed it, per cohort.
            part(
                "course",
                pu.cohort_id,
                pu.model,
                sa.literal(""),
                count=sa.func.count(),
                done=sa.func.sum(sa.case((course_done, 1), else_=0)),
            ).group_by(pu.cohort_id, pu.model),
            # Every learner the report covers, per cohort (with or without activity).
            part(
                "learners",
                sa.func.coalesce(lc.cohort_id, 0),
                sa.func.coalesce(lc.employment_model, ""),
                sa.literal(""),
                count=sa.func.count(),
            ).group_by(lc.cohort_id, lc.employment_model),
        )
    ).all()
    return _arrange(course, rows)


def _arrange(course: Course, rows: Sequence[Any]) -> Overview:
    """Put the statement's rows (named by ``part``) into groups, models and the total."""
    module_keys = [m.key for m in course.modules]

    def group(kind: str, key: str) -> Group:
        return Group(kind=kind, key=key, modules={k: ModuleFigures() for k in module_keys})

    bins = [0] * SCORE_BINS
    medians: dict[tuple[str, str, str], float] = {}
    module_rows = []
    learner_rows = []
    course_of: dict[int, Any] = {}
    for row in rows:
        if row.kind == "module":
            module_rows.append(row)
        elif row.kind == "learners":
            learner_rows.append(row)
        elif row.kind == "course":
            course_of[row.cohort_id] = row
        elif row.kind == "bin":
            bins[int(row.value)] = row.count
        elif row.value is not None:  # a median of a cohort, a model or everyone
            key = {"cohort": str(row.cohort_id), "model": row.model, "all": ""}[row.kind]
            medians[(row.kind, key, row.module_key)] = row.value

    cohorts: dict[int, Group] = {}
    models: dict[str, Group] = {}
    total = group("all", "")
    model_of: dict[int, str] = {}
    for row in learner_rows:
        cohort_id, model = row.cohort_id or 0, row.model or ""
        course_row = course_of.get(cohort_id)
        model_of[cohort_id] = model
        for g in (
            cohorts.setdefault(cohort_id, group("cohort", str(cohort_id))),
            models.setdefault(model, group("model", model)),
            total,
        ):
            g.learners += row.count
            if course_row is not None:
                g.started_course += course_row.count
                g.completed_course += course_row.done or 0
    for row in module_rows:
        figures = ModuleFigures(
            started=row.count,
            completed=row.done or 0,
            attempted=row.attempted or 0,
            passed=row.passed or 0,
            best_total=float(row.best_total or 0),
            attempts_to_pass_total=int(row.upto_total or 0),
        )
        cohort_id = row.cohort_id or 0
        for g in (cohorts[cohort_id], models[model_of[cohort_id]], total):
            g.modules[row.module_key].add(figures)
    for g in [*cohorts.values(), *models.values(), total]:
        for key, figures in g.modules.items():
            figures.learners = g.learners
            value = medians.get((g.kind, g.key, key))
            figures.median_seconds = float(value) if value is not None else None
    return Overview(
        cohorts=sorted(cohorts.values(), key=lambda g: int(g.key)),
        models=[models[k] for k in sorted(models)],
        total=total,
        score_bins=bins,
    )


# ------------------------------------------------------------------ what each learner did


def _module_facts(course: Course, learners: Any, window: Window) -> Any:
    """One row per learner and module with what they did there (a CTE).

    Columns: user_id, module_key, n_read (current sections read), first_read, last_read,
    n_att (submitted attempts), best, first_pass, first_start, upto_pass.

    Without a date range the rows come from the activity summaries (``ModuleActivity``);
    with one, from the readings and attempts themselves, since only activity within the
    range may count.
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


def summary_sections_read(course: Course) -> Any:
    """How many of its module's current sections an activity summary row has read (SQL).

    Only sections the module has now count: a reading of a removed one is not completion.
    """
    a = ModuleActivity

    def sections_read(module: Module) -> Any:
        return sum(
            (
                sa.case((a.read_keys.like(_containing(f",{s.key},"), escape="\\"), 1), else_=0)
                for s in module.sections
            ),
            sa.literal(0),
        )

    return sa.case({m.key: sections_read(m) for m in course.modules}, value=a.module_key, else_=0)


def _summary_facts(course: Course, learners: Any) -> Any:
    """The facts CTE from the activity summaries (no date range)."""
    a = ModuleActivity
    n_read = summary_sections_read(course)
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


def _event_facts(course: Course, learners: Any, window: Window) -> Any:
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
        .where(*in_window(SectionRead.read_at, window))
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
        .where(*in_window(QuizAttempt.submitted_at, window))
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
