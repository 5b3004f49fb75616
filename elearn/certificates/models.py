"""A certificate is issued once per learner, when the course is complete."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from elearn.core.db import UTCDateTime
from elearn.extensions import Model


class Certificate(Model):
    """Proof of completion; the code lets anyone confirm it without seeing anything else."""

    __tablename__ = "certificates"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), unique=True
    )
    code: so.Mapped[str] = so.mapped_column(sa.String(16), unique=True)
    completed_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    issued_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    course_version: so.Mapped[str] = so.mapped_column(sa.String(64))
