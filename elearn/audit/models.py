"""The audit log: who did what to whose data, and when. No free text: ids, action names, times."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from elearn.core.db import UTCDateTime
from elearn.extensions import Model


class AuditAction(enum.StrEnum):
    """What was done; the object type and id say to what."""

    MEMO_VIEWED = "memo_viewed"  # a supervisor opened a booking's preparation / memo page
    JOURNAL_VIEWED = "journal_viewed"  # someone other than its author saw a shared entry
    ROLES_CHANGED = "roles_changed"
    DEACTIVATED = "deactivated"
    REACTIVATED = "reactivated"
    DATA_EXPORTED = "data_exported"
    DELETION_REQUESTED = "deletion_requested"
    ANONYMISED = "anonymised"
    DELETED = "deleted"
    PUBLISHED = "published"  # a content version was published (object: its number)
    RESTORED = "restored"  # an earlier content version was restored as a draft (its number)


class AuditEvent(Model):
    """Who did what to which object, and when. No content, so the log itself leaks nothing."""

    __tablename__ = "audit_events"
    __table_args__ = (
        sa.Index("ix_audit_events_at", "at"),
        sa.Index("ix_audit_events_actor", "actor_id"),
        sa.Index("ix_audit_events_subject", "subject_id"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    # Who acted; None for the command line (retention) or once the person is deleted.
    actor_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    action: so.Mapped[str] = so.mapped_column(sa.String(32))
    object_type: so.Mapped[str] = so.mapped_column(sa.String(32))
    # A plain number, not a foreign key: the record outlives the object.
    object_id: so.Mapped[int | None]
    # Whose data it was, for filtering by person.
    subject_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )

    actor = so.relationship("User", foreign_keys=[actor_id])
    subject = so.relationship("User", foreign_keys=[subject_id])
