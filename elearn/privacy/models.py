"""Deletion requests: a person asked for their data to be deleted (no free text)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from elearn.core.db import UTCDateTime
from elearn.extensions import Model


class DeletionRequest(Model):
    """A person asked for their data to be deleted; an admin handles it."""

    __tablename__ = "deletion_requests"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    requested_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    handled_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    user = so.relationship("User")
