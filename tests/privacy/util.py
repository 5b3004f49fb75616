"""A learner with data in every table, and a scan of every text column for their traces."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from elearn.accounts.models import Role
from elearn.core.time import utcnow
from elearn.courses.services import get_course, learner_progress
from elearn.discussions.models import SharedEntry
from elearn.extensions import db as _db
from elearn.feedback import pool
from elearn.feedback import services as feedback
from elearn.feedback.registry import surveys
from elearn.journal import services as journal
from elearn.progress.services import mark_section_read
from tests.discussions.util import attend_discussion
from tests.feedback.test_services import quiz_done

TODAY = date(2026, 11, 25)


@dataclass
class Person:
    user: object
    booking: object
    traces: list[str]  # texts that identify the person or that they (or others about them) wrote


def rich_learner(db, make_user, cohort, tag: str) -> Person:
    """A learner who read, took a quiz, wrote a journal entry, shared it in a booking with a
    message, got a memo, and answered the anonymous module survey."""
    course, all_surveys = get_course(), surveys()
    module = course.modules[0]
    name, email = f"Salainen {tag} Ihminen", f"salainen-{tag}@example.fi"
    user = make_user(Role.ASSISTANT, name=name, email=email, cohort=cohort)
    for section in module.sections:
        mark_section_read(user.id, module, section, now=utcnow())
    quiz_done(user, module)
    journal_text = f"Päiväkirjani {tag}: työnantajani hammaslääkärikäynti"
    entry = journal.save_answer(user.id, module.key, 1, "Kysymys?", journal_text, now=utcnow())
    db.session.flush()
    booking = attend_discussion(db, make_user, user)
    booking.message = f"Viestini {tag} ohjaajalle"
    booking.memo_summary = f"Muistio {tag}: puhuttiin jaksamisesta"
    booking.memo_private = f"Yksityinen {tag} huomio"
    booking.learner_comment = f"Kommenttini {tag}"
    booking.shared_entries = (
        [
            SharedEntry(
                entry_id=entry.id,
                module_key=entry.module_key,
                question=entry.question,
                body=entry.body,
            )
        ]
        if entry is not None
        else []
    )
    feedback.answer(
        user,
        all_surveys["module-check"],
        module.key,
        {"useful": "4", "clear": "5", "comment": "Hyödyllinen jakso."},
        surveys=all_surveys,
        progress=learner_progress(user.id),
        today=TODAY,
    )
    db.session.commit()
    pool.release(today=TODAY, everything=True)
    return Person(
        user=user,
        booking=booking,
        traces=[
            name,
            email,
            journal_text,
            booking.message,
            booking.memo_summary,
            booking.memo_private,
            booking.learner_comment,
        ],
    )


def text_hits(needles: list[str]) -> list[tuple[str, str, str]]:
    """(table, column, needle) for every text or JSON column in any table holding a needle."""
    hits = []
    for table in _db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, (sa.String, sa.Text, sa.JSON))]
        if not columns:
            continue
        for row in _db.session.execute(sa.select(*columns)).all():
            for column, value in zip(columns, row, strict=True):
                text = str(value).lower() if value is not None else ""
                for needle in needles:
                    if needle.lower() in text:
                        hits.append((table.name, column.name, needle))
    return hits
