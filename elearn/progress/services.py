"""Progress operations. ``course_progress`` is the one function that computes a learner's
progress; the learner's pages and (later) the trainers' reports both call it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from elearn.content.model import Course, Module, Section
from elearn.extensions import db
from elearn.progress.models import SectionRead


@dataclass(frozen=True)
class ModuleProgress:
    """How far a learner is in one module."""

    module: Module
    read: frozenset[str]

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
        return self.sections_read > 0

    @property
    def sections_done(self) -> bool:
        return self.sections_read == self.sections_total

    @property
    def next_section(self) -> Section | None:
        """The first section not read yet."""
        return next((s for s in self.module.sections if s.key not in self.read), None)


@dataclass(frozen=True)
class CourseProgress:
    """A learner's progress over the whole course, module by module."""

    modules: tuple[ModuleProgress, ...]

    def for_module(self, key: str) -> ModuleProgress:
        return next(m for m in self.modules if m.module.key == key)

    @property
    def next_step(self) -> tuple[Module, Section] | None:
        """Where to continue: the first unread section in course order."""
        for progress in self.modules:
            section = progress.next_section
            if section is not None:
                return progress.module, section
        return None


def course_progress(course: Course, user_id: int) -> CourseProgress:
    """Compute a learner's progress in one query."""
    rows = db.session.execute(
        sa.select(SectionRead.module_key, SectionRead.section_key).where(
            SectionRead.user_id == user_id
        )
    )
    read: dict[str, set[str]] = {}
    for module_key, section_key in rows:
        read.setdefault(module_key, set()).add(section_key)
    return CourseProgress(
        modules=tuple(
            ModuleProgress(module=m, read=frozenset(read.get(m.key, ()))) for m in course.modules
        )
    )


def mark_section_read(user_id: int, module: Module, section: Section, *, now: datetime) -> bool:
    """Record that a learner has read a section; True when this was new.

    Idempotent: a double click, a second tab or a retried request records nothing more.
    """
    exists = sa.select(SectionRead.id).where(
        SectionRead.user_id == user_id,
        SectionRead.module_key == module.key,
        SectionRead.section_key == section.key,
    )
    if db.session.scalar(exists) is not None:
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
                )
            )
    except sa.exc.IntegrityError:  # a concurrent request recorded it first
        return False
    return True
