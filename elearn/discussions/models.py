"""Discussion times and bookings, with the memo and the journal answers shared for them."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from elearn.core.db import UTCDateTime
from elearn.core.time import utcnow
from elearn.extensions import Model


class PlaceKind(enum.StrEnum):
    IN_PERSON = "in_person"
    VIDEO = "video"
    PHONE = "phone"


class BookingStatus(enum.StrEnum):
    BOOKED = "booked"
    CANCELLED = "cancelled"


class Attendance(enum.StrEnum):
    ATTENDED = "attended"
    NO_SHOW = "no_show"


class DiscussionSlot(Model):
    """A time a supervisor offers for reflective discussion (one-to-one or a group)."""

    __tablename__ = "discussion_slots"
    __table_args__ = (
        sa.CheckConstraint("capacity >= 1", name="capacity"),
        sa.CheckConstraint("ends_at > starts_at", name="times"),
        sa.CheckConstraint("place_kind IN ('in_person', 'video', 'phone')", name="place_kind"),
        sa.Index("ix_discussion_slots_supervisor_start", "supervisor_id", "starts_at"),
        sa.Index("ix_discussion_slots_starts_at", "starts_at"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    supervisor_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    starts_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    ends_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    place_kind: so.Mapped[str] = so.mapped_column(sa.String(12))
    place_detail: so.Mapped[str] = so.mapped_column(sa.String(300), default="")
    capacity: so.Mapped[int] = so.mapped_column(default=1)
    module_key: so.Mapped[str | None] = so.mapped_column(sa.String(80))
    theme: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    note: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    show_participants: so.Mapped[bool] = so.mapped_column(default=False)
    cancelled_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    # Bumped by every booking transaction: the row lock (PostgreSQL) that serialises bookings.
    lock_version: so.Mapped[int] = so.mapped_column(default=0)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    supervisor = so.relationship("User", foreign_keys=[supervisor_id])
    bookings: so.Mapped[list[Booking]] = so.relationship(
        back_populates="slot", order_by="Booking.id"
    )

    @property
    def active_bookings(self) -> list[Booking]:
        return [b for b in self.bookings if b.status == BookingStatus.BOOKED.value]

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


class Booking(Model):
    """A learner's place in a discussion time, with what they shared and the memo after it."""

    __tablename__ = "bookings"
    __table_args__ = (
        sa.CheckConstraint("status IN ('booked', 'cancelled')", name="status"),
        sa.CheckConstraint(
            "attendance IS NULL OR attendance IN ('attended', 'no_show')", name="attendance"
        ),
        # A learner holds at most one live booking per time.
        sa.Index(
            "uq_bookings_live_per_slot",
            "slot_id",
            "learner_id",
            unique=True,
            sqlite_where=sa.text("status = 'booked'"),
            postgresql_where=sa.text("status = 'booked'"),
        ),
        sa.Index("ix_bookings_learner", "learner_id"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    uid: so.Mapped[str] = so.mapped_column(sa.String(80), unique=True)  # iCalendar UID, stable
    sequence: so.Mapped[int] = so.mapped_column(default=0)  # iCalendar SEQUENCE
    slot_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("discussion_slots.id", ondelete="CASCADE")
    )
    learner_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    status: so.Mapped[str] = so.mapped_column(sa.String(12), default=BookingStatus.BOOKED.value)
    theme: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    message: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    cancelled_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    reminder_sent_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    attendance: so.Mapped[str | None] = so.mapped_column(sa.String(12))
    memo_summary: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    memo_followups: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    memo_private: so.Mapped[str] = so.mapped_column(sa.Text, default="")  # the supervisor's only
    memo_written_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    learner_comment: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    learner_confirmed_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    # The reminder of an unconfirmed memo, claimed once per memo (reset when it is re-sent).
    memo_reminder_sent_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    slot: so.Mapped[DiscussionSlot] = so.relationship(back_populates="bookings")
    learner = so.relationship("User", foreign_keys=[learner_id])
    shared_entries: so.Mapped[list[SharedEntry]] = so.relationship(
        order_by="(SharedEntry.module_key, SharedEntry.entry_id)",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )


class SharedEntry(Model):
    """A journal answer the learner shared with a booking, as it was when they booked.

    The text is a copy: what the learner writes in their journal later stays private. The
    share goes when the journal entry is deleted (the learner takes it back).
    """

    __tablename__ = "booking_shares"

    booking_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("bookings.id", ondelete="CASCADE"), primary_key=True
    )
    entry_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("journal_entries.id", ondelete="CASCADE"), primary_key=True
    )
    module_key: so.Mapped[str] = so.mapped_column(sa.String(80), default="")
    question: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    body: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    shared_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
