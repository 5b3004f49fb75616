"""Journal operations: a learner writes, reads and clears their own answers. Functions flush;
the request handler commits."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

import sqlalchemy as sa

from elearn.extensions import db
from elearn.journal.models import JournalEntry

__all__ = ["JournalEntry", "answered", "entries", "save_answer", "save_answers"]

MAX_ANSWER = 5000  # characters kept of one answer


def save_answer(
    user_id: int, module_key: str, question_no: int, question: str, body: str, *, now: datetime
) -> JournalEntry | None:
    """Write (or, with an empty ``body``, delete) the learner's answer to one question."""
    entry = db.session.scalar(
        sa.select(JournalEntry).where(
            JournalEntry.user_id == user_id,
            JournalEntry.module_key == module_key,
            JournalEntry.question_no == question_no,
        )
    )
    body = body.strip()[:MAX_ANSWER]
    if not body:
        if entry is not None:
            db.session.delete(entry)
            db.session.flush()
        return None
    if entry is None:
        entry = JournalEntry(user_id=user_id, module_key=module_key, question_no=question_no)
        db.session.add(entry)
    entry.question, entry.body, entry.updated_at = question, body, now
    db.session.flush()
    return entry


def save_answers(
    user_id: int,
    module_key: str,
    questions: Sequence[str],
    answers: Iterable[str],
    *,
    now: datetime,
) -> int:
    """Save the answers to a module's questions (in order); returns how many are kept."""
    kept = 0
    for number, (question, body) in enumerate(zip(questions, answers, strict=False), start=1):
        kept += save_answer(user_id, module_key, number, question, body, now=now) is not None
    return kept


def entries(user_id: int, module_key: str | None = None) -> list[JournalEntry]:
    """A learner's journal entries (one module or all), by module and question."""
    stmt = sa.select(JournalEntry).where(JournalEntry.user_id == user_id)
    if module_key is not None:
        stmt = stmt.where(JournalEntry.module_key == module_key)
    return list(
        db.session.scalars(stmt.order_by(JournalEntry.module_key, JournalEntry.question_no))
    )


def answered(user_id: int, module_key: str) -> int:
    """How many of a module's reflection questions the learner has answered."""
    return (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(JournalEntry)
            .where(JournalEntry.user_id == user_id, JournalEntry.module_key == module_key)
        )
        or 0
    )
