"""Survey participation, responses and "what we changed" notes.

Anonymity by construction: that a person answered (so they are not asked again) is stored in
``survey_participations``, with no time at all. The answers are stored in ``survey_responses``
with a random key, the week (not the moment) and only group-level facts (cohort, employment
model) that results are filtered by, and shown only for five or more responses. On SQLite the
responses table has no rowid, so not even the insertion order lines the two tables up.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from elearn.core.db import UTCDateTime
from elearn.extensions import Model


class SurveyParticipation(Model):
    """A person answered or skipped a survey for one context (a module, a discussion)."""

    __tablename__ = "survey_participations"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "survey_key", "context"),
        sa.CheckConstraint("status IN ('answered', 'skipped')", name="status"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    survey_key: so.Mapped[str] = so.mapped_column(sa.String(40))
    context: so.Mapped[str] = so.mapped_column(sa.String(80))
    status: so.Mapped[str] = so.mapped_column(sa.String(10))


def _new_key() -> str:
    return uuid.uuid4().hex


class SurveyResponse(Model):
    """The answers. ``user_id`` is set only for a survey whose file says it is named."""

    __tablename__ = "survey_responses"
    __table_args__ = (
        sa.Index("ix_survey_responses_survey_week", "survey_key", "week"),
        {"sqlite_with_rowid": False},
    )

    id: so.Mapped[str] = so.mapped_column(sa.String(32), primary_key=True, default=_new_key)
    survey_key: so.Mapped[str] = so.mapped_column(sa.String(40))
    context: so.Mapped[str] = so.mapped_column(sa.String(80), default="")  # module key or ""
    cohort_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("cohorts.id", ondelete="SET NULL")
    )
    employment_model: so.Mapped[str | None] = so.mapped_column(sa.String(32))
    week: so.Mapped[date]  # the Monday of the week it was answered
    user_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    answers: so.Mapped[dict[str, Any]] = so.mapped_column(sa.JSON)


class LoopNote(Model):
    """What the trainers changed after feedback, for one cohort or everyone."""

    __tablename__ = "loop_notes"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    cohort_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("cohorts.id", ondelete="CASCADE")
    )
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    body: so.Mapped[str] = so.mapped_column(sa.Text)
    published_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    author_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )

    cohort = so.relationship("Cohort")
