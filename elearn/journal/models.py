"""The learner's private journal: answers to each module's reflection questions."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from elearn.core.db import UTCDateTime
from elearn.extensions import Model


class JournalEntry(Model):
    """A learner's answer to one of a module's reflection questions; private unless shared."""

    __tablename__ = "journal_entries"
    __table_args__ = (sa.UniqueConstraint("user_id", "module_key", "question_no"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    module_key: so.Mapped[str] = so.mapped_column(sa.String(80))
    question_no: so.Mapped[int]
    question: so.Mapped[str] = so.mapped_column(sa.Text)  # the question as it was answered
    body: so.Mapped[str] = so.mapped_column(sa.Text)
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
