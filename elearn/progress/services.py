"""Progress and completion. ``progress_for_learners`` is the one function that computes them;
the learner's pages, the certificate and the trainers' progress page all call it (through
``course_progress`` for a single learner), so they can never disagree.

Rules: a section is read when the learner has pressed "Merkitse luetuksi" on it. A module is
complete when all its sections are read and its quiz is passed (the best attempt counts). The
course is complete when every module is complete and, if ``CompletionRules`` asks for it, the
learner has attended a reflective discussion.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from elearn.content.model import Course, Module, Section
from elearn.core.db import table
from elearn.core.sql import insert_or_lock, string_agg
from elearn.extensions import db
from elearn.progress.models import ModuleActivity, SectionRead

__all__ = [
    "CompletionRules",
    "CourseProgress",
    "ModuleActivity",
    "ModuleProgress",
    "ModuleStatus",
    "add_activity_source",
    "course_complete_sql",
    "count_submitted",
    "course_progress",
    "mark_section_read",
    "module_complete_sql",
    "progress_for_learners",
    "rebuild_activity",
    "record_activity",
    "section_is_read",
    "set_attendance_source",
]


# ------------------------------------------------------------------ extension points
# Progress knows sections; other domains add what they know (quizzes their attempts,
# discussions the attended ones) through these hooks, so progress imports neither of them.

ActivityColumns = Callable[[type[ModuleActivity]], dict[str, Any]]
ActiveRows = Callable[[list[int] | None], sa.Select]
AttendanceCounts = Callable[[Any], sa.Select]


@dataclass(frozen=True)
class _ActivitySource:
    columns: ActivityColumns  # column name -> a subquery correlated with the summary row
    active: ActiveRows  # (user_id, module_key) pairs with records, for a bulk rebuild


_sources: list[_ActivitySource] = []
_attendance: list[AttendanceCounts] = []


def add_activity_source(columns: ActivityColumns, active: ActiveRows) -> None:
    """Let another domain fill columns of the activity summary from its own records.

    Args:
        columns: given the summary model, returns column names with correlated subqueries.
        active: given filters on a ``user_id`` column, returns a select of (user_id,
            module_key) pairs that have records (for ``rebuild_activity``).
    """
    _sources.append(_ActivitySource(columns, active))
    _record_statement.cache_clear()


def set_attendance_source(counts: AttendanceCounts) -> None:
    """Let the discussions domain say who attended a discussion: ``counts(ids)`` returns a
    select of (learner_id, number attended) grouped by learner, for the learners in ``ids``
    (an expanding bind parameter) or for everyone (None)."""
    _attendance[:] = [counts]
    _progress_statement.cache_clear()


class ModuleStatus(enum.StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    DONE = "done"


@dataclass(frozen=True)
class CompletionRules:
    """What course completion needs besides the six modules."""

    require_discussion: bool = False


@dataclass(frozen=True)
class ModuleProgress:
    """How far a learner is in one module."""

    module: Module
    read: frozenset[str]
    last_read_at: datetime | None = None
    best_score: float | None = None
    passed_at: datetime | None = None  # the first passing submission
    attempts: int = 0

    @property
    def sections_read(self) -> int:
        return sum(1 for s in self.module.sections if s.key in self.read)

    @property
    def sections_total(self) -> int:
        return len(self.module.sections)

    @property
    def percent(self) -> int:
        return round(100 * self.sections_read / self.sections_total) if self.sections_total else 0

    @property
    def started(self) -> bool:
        return self.sections_read > 0 or self.attempts > 0

    @property
    def sections_done(self) -> bool:
        return self.sections_read == self.sections_total

    @property
    def quiz_passed(self) -> bool:
        return self.passed_at is not None

    @property
    def complete(self) -> bool:
        return self.sections_done and self.quiz_passed

    @property
    def status(self) -> ModuleStatus:
        if self.complete:
            return ModuleStatus.DONE
        return ModuleStatus.IN_PROGRESS if self.started else ModuleStatus.NOT_STARTED

    @property
    def completed_at(self) -> datetime | None:
        if not self.complete:
            return None
        return max(t for t in (self.last_read_at, self.passed_at) if t is not None)

    @property
    def next_section(self) -> Section | None:
        """The first section not read yet."""
        return next((s for s in self.module.sections if s.key not in self.read), None)


@dataclass(frozen=True)
class CourseProgress:
    """A learner's progress over the whole course, module by module."""

    modules: tuple[ModuleProgress, ...]
    rules: CompletionRules = CompletionRules()
    discussions_attended: int = 0

    def for_module(self, key: str) -> ModuleProgress:
        return next(m for m in self.modules if m.module.key == key)

    @property
    def modules_complete(self) -> int:
        return sum(1 for m in self.modules if m.complete)

    @property
    def discussion_done(self) -> bool:
        return not self.rules.require_discussion or self.discussions_attended > 0

    @property
    def complete(self) -> bool:
        return all(m.complete for m in self.modules) and self.discussion_done

    @property
    def completed_at(self) -> datetime | None:
        if not self.complete:
            return None
        return max(m.completed_at for m in self.modules)  # type: ignore[type-var]

    @property
    def next_step(self) -> tuple[Module, Section | None] | None:
        """Where to continue: the first unread section, else the first quiz not passed."""
        for progress in self.modules:
            if progress.next_section is not None:
                return progress.module, progress.next_section
            if not progress.quiz_passed:
                return progress.module, None
        return None


# The same rules as SQL conditions, for reports that count completions over thousands of
# learners in the database. They sit next to the properties they mirror; a change to one
# is a change to both (tests/reports checks that they agree).


def module_complete_sql(
    course: Course, *, module_key: Any, sections_read: Any, passed_at: Any
) -> sa.ColumnElement[bool]:
    """``ModuleProgress.complete`` in SQL: every current section read and the quiz passed.

    Args:
        module_key: the column holding the module's key.
        sections_read: how many of the module's current sections the learner has read.
        passed_at: the first passing submission (NULL when not passed).
    """
    sections_total = sa.case(
        {m.key: len(m.sections) for m in course.modules}, value=module_key, else_=-1
    )
    return sa.and_(sections_read == sections_total, passed_at.is_not(None))


def course_complete_sql(
    course: Course,
    rules: CompletionRules,
    *,
    learner_id: Any,
    modules_complete: Any,
) -> sa.ColumnElement[bool]:
    """``CourseProgress.complete`` in SQL: every module complete and, if the rules ask for
    it, a reflective discussion attended.

    Args:
        learner_id: the column holding the learner's id.
        modules_complete: how many modules the learner has completed.
    """
    done = modules_complete == len(course.modules)
    if not rules.require_discussion:
        return done
    if not _attendance:
        return sa.false()
    attended = _attendance[0](None).subquery("attended")
    return sa.and_(done, learner_id.in_(sa.select(attended.c[0])))


@functools.cache
def _progress_statement() -> sa.CompoundSelect | sa.Select:
    """The learners' activity summaries and, in the same result, their attended discussions.

    Built once: the learner pages run it on every view. Rows with a module key are summaries;
    the row without one carries the count of attended discussions.
    """
    ids: Any = sa.bindparam("ids", expanding=True)
    a = ModuleActivity
    summaries = sa.select(
        a.user_id,
        a.module_key,
        a.read_keys,
        a.last_read_at,
        a.best_score,
        a.passed_at,
        a.attempts,
    ).where(a.user_id.in_(ids))
    if not _attendance:
        return summaries
    counts = _attendance[0](ids)
    learner, count = counts.selected_columns[0], counts.selected_columns[1]
    nulls = (sa.null(), sa.null(), sa.null(), sa.null(), sa.null())
    return sa.union_all(summaries, counts.with_only_columns(learner, *nulls, count))


def progress_for_learners(
    course: Course, user_ids: Iterable[int], *, rules: CompletionRules = CompletionRules()
) -> dict[int, CourseProgress]:
    """Compute progress for many learners with one query, whatever their number.

    It reads the activity summaries (``ModuleActivity``), which every reading and submission
    brings up to date in its own transaction, so they agree with the records at every commit.
    """
    ids = sorted(set(user_ids))
    if not ids:
        return {}
    summaries: dict[int, dict[str, tuple]] = {}
    attended: dict[int, int] = {}
    for user_id, key, read_keys, last_read, best, passed_at, count in db.session.execute(
        _progress_statement(), {"ids": ids}
    ):
        if key is None:
            attended[user_id] = count
        else:
            summaries.setdefault(user_id, {})[key] = (read_keys, last_read, best, passed_at, count)
    result = {}
    for user_id in ids:
        mine = summaries.get(user_id, {})
        modules = []
        for module in course.modules:
            found = mine.get(module.key)
            if found is None:
                modules.append(ModuleProgress(module=module, read=frozenset()))  # untouched
                continue
            read_keys, last_read, best, passed_at, attempts = found
            modules.append(
                ModuleProgress(
                    module=module,
                    read=frozenset(k for k in read_keys.split(",") if k),
                    last_read_at=last_read,
                    best_score=best,
                    passed_at=passed_at,
                    attempts=attempts,
                )
            )
        result[user_id] = CourseProgress(
            modules=tuple(modules), rules=rules, discussions_attended=attended.get(user_id, 0)
        )
    return result


def course_progress(
    course: Course, user_id: int, *, rules: CompletionRules = CompletionRules()
) -> CourseProgress:
    """One learner's progress (the same computation as for many)."""
    return progress_for_learners(course, [user_id], rules=rules)[user_id]


@functools.cache
def _read_statement() -> sa.Select:
    return sa.select(SectionRead.id).where(
        SectionRead.user_id == sa.bindparam("user_id"),
        SectionRead.module_key == sa.bindparam("module_key"),
        SectionRead.section_key == sa.bindparam("section_key"),
    )


def section_is_read(user_id: int, module_key: str, section_key: str) -> bool:
    """Whether the learner has marked this section read (one look-up in the unique index)."""
    found = db.session.scalar(
        _read_statement(),
        {"user_id": user_id, "module_key": module_key, "section_key": section_key},
    )
    return found is not None


def mark_section_read(
    user_id: int, module: Module, section: Section, *, now: datetime, content_version: int = 0
) -> bool:
    """Record that a learner has read a section (in a published content version); True
    when this was new.

    Idempotent: a double click, a second tab or a retried request records nothing more.
    """
    if section_is_read(user_id, module.key, section.key):
        return False
    try:
        with db.session.begin_nested():
            db.session.add(
                SectionRead(
                    user_id=user_id,
                    module_key=module.key,
                    section_key=section.key,
                    content_hash=section.content_hash,
                    read_at=now,
                    content_version=content_version,
                )
            )
    except sa.exc.IntegrityError:  # a concurrent request recorded it first
        return False
    record_activity(user_id, module.key)
    return True


# ------------------------------------------------------------------ activity summaries


def _activity_columns() -> dict[str, Any]:
    """Every column of a ModuleActivity row as a subquery over that learner's records.

    The subqueries correlate with the ``module_activities`` row being updated, so one
    UPDATE recomputes one row or all of them. Section reads are progress's own; the other
    columns come from the domains registered with ``add_activity_source``.
    """
    a = ModuleActivity
    reads = (SectionRead.user_id == a.user_id, SectionRead.module_key == a.module_key)

    def of_reads(column: Any) -> Any:
        return sa.select(column).where(*reads).scalar_subquery()

    keys = of_reads(string_agg(SectionRead.section_key))
    columns: dict[str, Any] = {
        "read_keys": sa.func.coalesce(sa.literal(",") + keys + sa.literal(","), ","),
        "first_read_at": of_reads(sa.func.min(SectionRead.read_at)),
        "last_read_at": of_reads(sa.func.max(SectionRead.read_at)),
    }
    for source in _sources:
        columns.update(source.columns(a))
    return columns


def record_activity(user_id: int, module_key: str) -> int:
    """Bring the learner's activity summary for a module up to date (two statements).

    Called in the same transaction as every change to their section reads or submitted
    attempts. The row is locked before it is recomputed, so two tabs changing the same
    module at once cannot leave it with only one of the changes.

    Returns:
        The learner's number of submitted attempts at the module's quiz, as recomputed
        (0 when no quiz source is registered).
    """
    insert_or_lock(
        db.session,
        table(ModuleActivity),
        {"user_id": user_id, "module_key": module_key, "read_keys": ",", "attempts": 0},
        ["user_id", "module_key"],
    )
    return db.session.execute(
        _record_statement(), {"row_user": user_id, "row_module": module_key}
    ).scalar_one()


@functools.cache
def _record_statement() -> sa.Update:
    # Built once (it has ten subqueries): every reading and submission runs it.
    return (
        sa.update(ModuleActivity)
        .where(
            ModuleActivity.user_id == sa.bindparam("row_user"),
            ModuleActivity.module_key == sa.bindparam("row_module"),
        )
        .values(**_activity_columns())
        .returning(ModuleActivity.attempts)
        .execution_options(synchronize_session=False)
    )


def count_submitted(learner_ids: Any, module_key: str | None = None) -> int:
    """How many (learner, module) pairs of these learners (a select of ids) have a submitted
    quiz attempt, in one module or all."""
    a = ModuleActivity
    stmt = sa.select(sa.func.count()).where(a.attempts > 0, a.user_id.in_(learner_ids))
    if module_key:
        stmt = stmt.where(a.module_key == module_key)
    return db.session.scalar(stmt) or 0


def rebuild_activity(bind: Any, user_ids: Iterable[int] | None = None) -> None:
    """Recompute the activity summaries of these learners (of everyone with None) in bulk.

    For records written without the services: the demo data, test data and the migration
    that introduced the summaries.
    """
    a = table(ModuleActivity)
    ids = None if user_ids is None else sorted(set(user_ids))

    def of(column: Any) -> list[Any]:
        return [] if ids is None else [column.in_(ids)]

    bind.execute(sa.delete(a).where(*of(a.c.user_id)))
    active = sa.union(
        sa.select(SectionRead.user_id, SectionRead.module_key).where(*of(SectionRead.user_id)),
        *(source.active(ids) for source in _sources),
    ).subquery("active")
    bind.execute(
        sa.insert(a).from_select(
            ["user_id", "module_key", "read_keys", "attempts", "attempts_to_pass"],
            sa.select(
                active.c.user_id, active.c.module_key, sa.literal(","), sa.literal(0), sa.literal(0)
            ),
        )
    )
    bind.execute(sa.update(a).where(*of(a.c.user_id)).values(**_activity_columns()))
