"""The outbox: one row per message to send, kept until sent (and a while after)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from elearn.core.db import UTCDateTime
from elearn.extensions import Model


class OutboxMessage(Model):
    """A message waiting for delivery, being delivered, sent, or given up on.

    ``dedup_key`` names what the message is about (a booking's confirmation to one person,
    one reminder): the same message is never queued twice. ``claimed_until`` is the lease of
    the sender that is delivering it; a sender that dies lets the lease run out, and the next
    one delivers the message.
    """

    __tablename__ = "outbox_messages"
    __table_args__ = (
        sa.Index("ix_outbox_messages_due", "sent_at", "failed_at", "next_attempt_at"),
        sa.Index("ix_outbox_messages_user_id", "user_id"),
        sa.Index("ix_outbox_messages_about_user_id", "about_user_id"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    dedup_key: so.Mapped[str] = so.mapped_column(sa.String(200), unique=True)
    # The person the message is to, when it is a person of the service: their data request,
    # anonymisation and deletion reach the message too.
    user_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    # The person the message is about, when another (a booking confirmation to the
    # supervisor names the learner): anonymising or deleting that person removes it too.
    about_user_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE")
    )
    to_address: so.Mapped[str] = so.mapped_column(sa.String(254))
    subject: so.Mapped[str] = so.mapped_column(sa.String(300))
    body: so.Mapped[str] = so.mapped_column(sa.Text)
    attachments: so.Mapped[list[dict[str, Any]]] = so.mapped_column(sa.JSON, default=list)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    next_attempt_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    claimed_until: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    attempts: so.Mapped[int] = so.mapped_column(default=0)
    sent_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    failed_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)  # given up
    last_error: so.Mapped[str] = so.mapped_column(sa.String(300), default="")
