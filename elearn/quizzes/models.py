"""Quiz attempts: what the learner saw (the layout), what they answered, and the result."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from elearn.core.db import UTCDateTime
from elearn.extensions import Model


class AttemptStatus(enum.StrEnum):
    OPEN = "open"
    SUBMITTED = "submitted"
    ABANDONED = "abandoned"  # the quiz content changed before it was submitted


class QuizAttempt(Model):
    """One try at a module's quiz. At most one open attempt per learner and module."""

    __tablename__ = "quiz_attempts"
    __table_args__ = (
        sa.CheckConstraint("status IN ('open', 'submitted', 'abandoned')", name="status"),
        sa.CheckConstraint("score IS NULL OR (score >= 0 AND score <= 100)", name="score"),
        sa.Index(
            "uq_quiz_attempts_one_open",
            "user_id",
            "module_key",
            unique=True,
            sqlite_where=sa.text("status = 'open'"),
            postgresql_where=sa.text("status = 'open'"),
        ),
        sa.Index("ix_quiz_attempts_user_module", "user_id", "module_key"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    module_key: so.Mapped[str] = so.mapped_column(sa.String(80))
    quiz_hash: so.Mapped[str] = so.mapped_column(sa.String(64))  # content version it was made from
    status: so.Mapped[str] = so.mapped_column(sa.String(12), default=AttemptStatus.OPEN.value)
    # [{"question": key, "options": [keys in the order shown]}, ...] in the order shown
    layout: so.Mapped[list[dict[str, Any]]] = so.mapped_column(sa.JSON)
    answers: so.Mapped[dict[str, list[str]] | None] = so.mapped_column(sa.JSON)
    # {question key: share of the point earned, 0.0-1.0}
    question_scores: so.Mapped[dict[str, float] | None] = so.mapped_column(sa.JSON)
    score: so.Mapped[float | None] = so.mapped_column(sa.Float)
    passed: so.Mapped[bool | None]
    started_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    submitted_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    # The published content version it was started in (0: the shipped files).
    content_version: so.Mapped[int] = so.mapped_column(default=0, server_default="0")

    @property
    def seconds_taken(self) -> int | None:
        if self.submitted_at is None:
            return None
        return int((self.submitted_at - self.started_at).total_seconds())


class FirstAnswer(Model):
    """One question of a learner's first submitted attempt at a module's quiz.

    Question analysis (facility, discrimination, option choices) is computed over first
    attempts; keeping their answers as rows, written when the first attempt is submitted,
    lets the database aggregate them without unpacking JSON at report time.
    """

    __tablename__ = "quiz_first_answers"
    # Covers the question analysis: its groupings read the index alone, in order.
    __table_args__ = (
        sa.Index(
            "ix_quiz_first_answers_analysis",
            "module_key",
            "question_key",
            "question_hash",
            "chosen",
            "user_id",
            "score",
            "rest",
        ),
    )

    attempt_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("quiz_attempts.id", ondelete="CASCADE"), primary_key=True
    )
    question_key: so.Mapped[str] = so.mapped_column(sa.String(80), primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    module_key: so.Mapped[str] = so.mapped_column(sa.String(80))
    submitted_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    score: so.Mapped[float] = so.mapped_column(sa.Float)  # share of the point, 0.0-1.0
    rest: so.Mapped[float] = so.mapped_column(sa.Float)  # the other questions' scores summed
    chosen: so.Mapped[str] = so.mapped_column(sa.Text)  # ",a,c," - the options chosen
    # The content version of the attempt and the hash of the question as it was asked: an
    # edited question starts its statistics afresh ("" for answers from before versions).
    content_version: so.Mapped[int] = so.mapped_column(default=0, server_default="0")
    question_hash: so.Mapped[str] = so.mapped_column(sa.String(64), default="", server_default="")
