"""Progress records: they point at content by stable keys, with the hash of what was read."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from elearn.core.db import UTCDateTime
from elearn.extensions import Model


class SectionRead(Model):
    """A learner marked a section as read (once; a second click changes nothing)."""

    __tablename__ = "section_reads"
    __table_args__ = (sa.UniqueConstraint("user_id", "module_key", "section_key"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    # The unique constraint's index (user_id first) serves look-ups by learner.
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    module_key: so.Mapped[str] = so.mapped_column(sa.String(80))
    section_key: so.Mapped[str] = so.mapped_column(sa.String(80))
    content_hash: so.Mapped[str] = so.mapped_column(sa.String(64))
    read_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    # The published content version it was read in (0: the shipped files).
    content_version: so.Mapped[int] = so.mapped_column(default=0, server_default="0")


class ModuleActivity(Model):
    """What one learner has done in one module, summed up for the trainers' reports.

    A read model kept beside the records it sums up (section reads and submitted quiz
    attempts): ``progress.services.record_activity`` recomputes a row whenever either
    changes, in the same transaction. Reports over thousands of learners aggregate these
    rows (one per learner and module) instead of every reading and attempt.
    """

    __tablename__ = "module_activities"

    user_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    module_key: so.Mapped[str] = so.mapped_column(sa.String(80), primary_key=True)
    # ",key1,key2," - every section read, so that "all current sections read" can be
    # checked against the course as it is now, even after its sections have changed.
    read_keys: so.Mapped[str] = so.mapped_column(sa.Text, default=",")
    first_read_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    last_read_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    attempts: so.Mapped[int] = so.mapped_column(default=0)  # submitted ones
    best_score: so.Mapped[float | None] = so.mapped_column(sa.Float)
    first_started_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    passed_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)  # first pass
    attempts_to_pass: so.Mapped[int] = so.mapped_column(default=0)  # up to the first pass
    first_score: so.Mapped[float | None] = so.mapped_column(sa.Float)
    first_submitted_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
