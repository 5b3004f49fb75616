"""Survey participation, responses, the pool of answers waiting for release, and notes.

Anonymity by construction: that a person answered (so they are not asked again) is stored in
``survey_participations``, with no time at all. An anonymous answer waits, sealed, in
``survey_answer_pool`` and is released with at least four others into ``survey_responses``
by a transaction of its own, in a random order, with a random key, the release week and only
group-level facts (cohort, employment model) that results are filtered by; results are shown
only for five or more responses. See ``elearn.feedback.pool``.
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


class SurveyAnswerPool(Model):
    """An anonymous answer waiting to be released with others (see ``feedback.pool``).

    ``sealed`` is the answer encrypted with a key the database does not hold; the row has
    no time and a random id, and is deleted when its batch is released.
    """

    __tablename__ = "survey_answer_pool"
    __table_args__ = ({"sqlite_with_rowid": False},)

    id: so.Mapped[str] = so.mapped_column(sa.String(32), primary_key=True)
    sealed: so.Mapped[str] = so.mapped_column(sa.Text)


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
