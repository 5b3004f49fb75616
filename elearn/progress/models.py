"""Progress records: they point at content by stable keys, with the hash of what was read."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from elearn.core.db import UTCDateTime
from elearn.extensions import db


class SectionRead(db.Model):
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
