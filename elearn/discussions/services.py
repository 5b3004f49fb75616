"""Discussion operations: times and series, booking under locks, cancelling, attendance and
memos, reminders. Functions flush; the request handler commits. Each operation that people
must hear about queues its messages in the outbox in the same transaction.

Booking rules hold under concurrency: the booking transaction first updates the time's row
(``lock_version``), which is a row lock on PostgreSQL (on SQLite the request already holds
the database's write lock: writers begin ``IMMEDIATE``); then it locks the learner's row;
only then does it count places and check the learner's other bookings. Constraints back
this up in the database.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from elearn.accounts.models import Role, User, cohort_supervisors
from elearn.audit import services as audit
from elearn.core.db import affected
from elearn.core.errors import DomainError
from elearn.core.time import NonexistentLocalTime, local_to_utc
from elearn.discussions import mails
from elearn.discussions.models import (
    Attendance,
    Booking,
    BookingStatus,
    DiscussionSlot,
    PlaceKind,
    SharedEntry,
)
from elearn.extensions import db
from elearn.journal.services import JournalEntry
from elearn.progress import services as progress


class DiscussionError(DomainError):
    """Base of the domain errors raised here; ``code`` is stable for views and tests."""

    code = "discussion_error"


class Overlaps(DiscussionError):
    code = "overlaps"

    def __init__(self, clashes: Sequence[DiscussionSlot] | Sequence[datetime]) -> None:
        super().__init__(len(clashes))
        self.clashes = clashes


class SlotFull(DiscussionError):
    code = "full"
    message = _l("This time is full.")


class SlotUnavailable(DiscussionError):
    """Cancelled, already started, or not offered to this learner."""

    code = "unavailable"
    message = _l("This time can no longer be booked. Choose another one.")


class AlreadyHasUpcoming(DiscussionError):
    code = "one_upcoming"
    message = _l(
        "You can have one upcoming discussion at a time. Cancel it first if you want another time."
    )


class BookingOverlaps(DiscussionError):
    code = "booking_overlaps"
    message = _l("This time overlaps another discussion you have booked.")


class AlreadyBooked(DiscussionError):
    code = "already_booked"
    message = _l("You have already booked this time.")
    category = "info"


class TooLateToCancel(DiscussionError):
    code = "too_late"
    message = _l(
        "It is too late to cancel on the site (less than %(hours)s hours left). "
        "Contact your supervisor."
    )


class CapacityBelowBookings(DiscussionError):
    code = "capacity"
    message = _l("There are more bookings than that already.")


class MemoTooEarly(DiscussionError):
    code = "memo_too_early"
    message = _l("You can write the memo once the discussion has begun.")


@dataclass(frozen=True)
class SlotPlan:
    """What a supervisor asks for; times are UTC instants."""

    starts_at: datetime
    ends_at: datetime
    place_kind: PlaceKind
    place_detail: str = ""
    capacity: int = 1
    module_key: str | None = None
    theme: str = ""
    note: str = ""
    show_participants: bool = False


def _own_overlaps(
    supervisor_id: int, spans: Iterable[tuple[datetime, datetime]], *, ignore: int | None = None
) -> list[DiscussionSlot]:
    spans = list(spans)
    if not spans:
        return []
    conditions = [
        sa.and_(DiscussionSlot.starts_at < end, DiscussionSlot.ends_at > start)
        for start, end in spans
    ]
    stmt = sa.select(DiscussionSlot).where(
        DiscussionSlot.supervisor_id == supervisor_id,
        DiscussionSlot.cancelled_at.is_(None),
        sa.or_(*conditions),
    )
    if ignore is not None:
        stmt = stmt.where(DiscussionSlot.id != ignore)
    return list(db.session.scalars(stmt.order_by(DiscussionSlot.starts_at)))


def _lock_user(user_id: int) -> None:
    # Serialises a person's own changes (PostgreSQL); on SQLite the write lock already does.
    db.session.execute(sa.select(User.id).where(User.id == user_id).with_for_update())


def create_slots(supervisor: User, plans: list[SlotPlan]) -> list[DiscussionSlot]:
    """Publish one or more times at once; all or nothing.

    Raises:
        Overlaps: a time overlaps the supervisor's own times or another time in ``plans``.
    """
    _lock_user(supervisor.id)
    ordered = sorted(plans, key=lambda p: p.starts_at)
    inner = [
        b.starts_at for a, b in zip(ordered, ordered[1:], strict=False) if b.starts_at < a.ends_at
    ]
    clashes = _own_overlaps(supervisor.id, [(p.starts_at, p.ends_at) for p in plans])
    if clashes or inner:
        raise Overlaps(clashes or inner)
    slots = [
        DiscussionSlot(
            supervisor_id=supervisor.id,
            starts_at=p.starts_at,
            ends_at=p.ends_at,
            place_kind=p.place_kind.value,
            place_detail=p.place_detail.strip(),
            capacity=p.capacity,
            module_key=p.module_key or None,
            theme=p.theme.strip(),
            note=p.note.strip(),
            show_participants=p.show_participants,
        )
        for p in plans
    ]
    db.session.add_all(slots)
    db.session.flush()
    return slots


def series_starts(
    first_day: date,
    window_start: time,
    window_end: time,
    *,
    minutes: int,
    break_minutes: int,
    weeks: int,
    zone: ZoneInfo,
) -> list[tuple[datetime, datetime]]:
    """UTC (start, end) pairs for a weekly series in a local wall-clock window.

    Every week's window opens at the same local time across daylight saving changes. A
    length is a duration: it is added to the start instant, so a discussion over the hour
    repeated in autumn lasts as long as any other (and the next starts after it, in real time).

    Raises:
        NonexistentLocalTime: the window's start or end (``part``) falls in the hour skipped
            in spring.
    """
    length, pause = timedelta(minutes=minutes), timedelta(minutes=break_minutes)
    spans = []
    for week in range(weeks):
        day = first_day + timedelta(weeks=week)
        try:
            cursor = local_to_utc(datetime.combine(day, window_start), zone)
        except NonexistentLocalTime as exc:
            raise NonexistentLocalTime(exc.local, "start") from exc
        try:
            closes = local_to_utc(datetime.combine(day, window_end), zone)
        except NonexistentLocalTime as exc:
            raise NonexistentLocalTime(exc.local, "end") from exc
        while cursor + length <= closes:
            spans.append((cursor, cursor + length))
            cursor += length + pause
    return spans


def update_slot(slot: DiscussionSlot, plan: SlotPlan, *, now: datetime) -> bool:
    """Change a time; returns True when booked learners were told (by mail) of the change.

    Raises:
        Overlaps: the new time overlaps another own time.
        CapacityBelowBookings: fewer places than learners already booked.
    """
    _lock_slot(slot.id)
    clashes = _own_overlaps(slot.supervisor_id, [(plan.starts_at, plan.ends_at)], ignore=slot.id)
    if clashes:
        raise Overlaps(clashes)
    if plan.capacity < len(slot.active_bookings):
        raise CapacityBelowBookings()
    changed = (slot.starts_at, slot.ends_at, slot.place_kind, slot.place_detail) != (
        plan.starts_at,
        plan.ends_at,
        plan.place_kind.value,
        plan.place_detail.strip(),
    )
    slot.starts_at, slot.ends_at = plan.starts_at, plan.ends_at
    slot.place_kind, slot.place_detail = plan.place_kind.value, plan.place_detail.strip()
    slot.capacity, slot.module_key = plan.capacity, plan.module_key or None
    slot.theme, slot.note = plan.theme.strip(), plan.note.strip()
    slot.show_participants = plan.show_participants
    if changed:
        for booking in slot.active_bookings:
            booking.sequence += 1
            booking.reminder_sent_at = None  # a moved time deserves its own reminder
    db.session.flush()
    if changed:
        for booking in slot.active_bookings:
            mails.queue(booking, "changed", now=now)
    return changed


def cancel_slot(slot: DiscussionSlot, *, now: datetime) -> list[Booking]:
    """Cancel a time and every booking in it; returns the bookings whose learners are told."""
    _lock_slot(slot.id)
    slot.cancelled_at = now
    affected = slot.active_bookings
    for booking in affected:
        booking.status = BookingStatus.CANCELLED.value
        booking.cancelled_at = now
        booking.sequence += 1
    db.session.flush()
    for booking in affected:
        mails.queue(booking, "cancelled", now=now)
    return affected


def _lock_slot(slot_id: int) -> None:
    db.session.execute(
        sa.update(DiscussionSlot)
        .where(DiscussionSlot.id == slot_id)
        .values(lock_version=DiscussionSlot.lock_version + 1)
        .execution_options(synchronize_session=False)
    )


def supervisors_for(learner: User) -> list[int]:
    """Ids of the supervisors assigned to the learner's cohort."""
    if learner.cohort_id is None:
        return []
    return list(
        db.session.scalars(
            sa.select(cohort_supervisors.c.user_id).where(
                cohort_supervisors.c.cohort_id == learner.cohort_id
            )
        )
    )


def free_slots(learner: User, *, now: datetime, limit: int = 200) -> list[DiscussionSlot]:
    """Future, open times with a free place, from the learner's cohort's supervisors."""
    supervisors = supervisors_for(learner)
    if not supervisors:
        return []
    taken = (
        sa.select(Booking.slot_id, sa.func.count().label("n"))
        .where(Booking.status == BookingStatus.BOOKED.value)
        .group_by(Booking.slot_id)
        .subquery()
    )
    stmt = (
        sa.select(DiscussionSlot)
        .outerjoin(taken, taken.c.slot_id == DiscussionSlot.id)
        .where(
            DiscussionSlot.supervisor_id.in_(supervisors),
            DiscussionSlot.cancelled_at.is_(None),
            DiscussionSlot.starts_at > now,
            sa.func.coalesce(taken.c.n, 0) < DiscussionSlot.capacity,
        )
        .options(so.selectinload(DiscussionSlot.supervisor))
        .order_by(DiscussionSlot.starts_at)
        .limit(limit)
    )
    return list(db.session.scalars(stmt))


def book(
    slot_id: int,
    learner: User,
    *,
    now: datetime,
    theme: str = "",
    message: str = "",
    share: Iterable[JournalEntry] = (),
    one_upcoming: bool = True,
) -> Booking:
    """Book a place for a learner.

    Raises:
        SlotUnavailable: no such time, cancelled, started, or not from their supervisors.
        SlotFull: every place is taken.
        AlreadyBooked: the learner already has this time.
        AlreadyHasUpcoming: one upcoming booking at a time (when ``one_upcoming``).
        BookingOverlaps: another booking of the learner overlaps this time.
    """
    _lock_slot(slot_id)  # first: the write lock / row lock that serialises this time
    _lock_user(learner.id)
    slot = db.session.get(DiscussionSlot, slot_id, populate_existing=True)
    if (
        slot is None
        or slot.is_cancelled
        or slot.starts_at <= now
        or slot.supervisor_id not in supervisors_for(learner)
        or not learner.has_role(Role.ASSISTANT)
    ):
        raise SlotUnavailable()
    live = sa.and_(Booking.learner_id == learner.id, Booking.status == BookingStatus.BOOKED.value)
    if db.session.scalar(sa.select(Booking.id).where(live, Booking.slot_id == slot.id)):
        raise AlreadyBooked()
    taken = (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Booking)
            .where(Booking.slot_id == slot.id, Booking.status == BookingStatus.BOOKED.value)
        )
        or 0
    )
    if taken >= slot.capacity:
        raise SlotFull()
    mine = sa.select(DiscussionSlot).join(Booking).where(live, DiscussionSlot.ends_at > now)
    upcoming = list(db.session.scalars(mine))
    if one_upcoming and upcoming:
        raise AlreadyHasUpcoming()
    if any(s.starts_at < slot.ends_at and s.ends_at > slot.starts_at for s in upcoming):
        raise BookingOverlaps()
    booking = Booking(
        uid=f"{secrets.token_hex(12)}@elearn",
        slot=slot,
        learner_id=learner.id,
        theme=theme.strip()[:200],
        message=message.strip(),
        created_at=now,
    )
    booking.shared_entries = [
        SharedEntry(
            entry_id=e.id, module_key=e.module_key, question=e.question, body=e.body, shared_at=now
        )
        for e in share
        if e.user_id == learner.id
    ]
    db.session.add(booking)
    db.session.flush()
    mails.queue(booking, "booked", now=now)
    return booking


def next_free(
    learner: User, *, now: datetime, after: datetime, count: int = 3
) -> list[DiscussionSlot]:
    """The next free times after a given instant (offered when a time is full)."""
    return [s for s in free_slots(learner, now=now) if s.starts_at >= after][:count]


def cancel_booking(booking: Booking, *, now: datetime, deadline: timedelta) -> None:
    """A learner cancels their booking up to ``deadline`` before the start.

    Raises:
        TooLateToCancel: the deadline has passed.
    """
    if booking.slot.starts_at - now < deadline:
        raise TooLateToCancel(hours=int(deadline.total_seconds() // 3600))
    _lock_slot(booking.slot_id)
    booking.status = BookingStatus.CANCELLED.value
    booking.cancelled_at = now
    booking.sequence += 1
    db.session.flush()
    mails.queue(booking, "cancelled", now=now)


def learner_bookings(learner_id: int) -> list[Booking]:
    """All of a learner's bookings, newest time first."""
    return list(
        db.session.scalars(
            sa.select(Booking)
            .join(DiscussionSlot)
            .where(Booking.learner_id == learner_id)
            .options(so.contains_eager(Booking.slot).selectinload(DiscussionSlot.supervisor))
            .order_by(DiscussionSlot.starts_at.desc())
        )
    )


def supervisor_slots(supervisor_id: int) -> list[DiscussionSlot]:
    """A supervisor's times with their bookings, soonest first."""
    return list(
        db.session.scalars(
            sa.select(DiscussionSlot)
            .where(DiscussionSlot.supervisor_id == supervisor_id)
            .options(so.selectinload(DiscussionSlot.bookings).selectinload(Booking.learner))
            .order_by(DiscussionSlot.starts_at)
        )
    )


def own_slot(slot_id: int, supervisor_id: int) -> DiscussionSlot | None:
    """A time, only for the supervisor who offers it."""
    slot = db.session.get(DiscussionSlot, slot_id)
    return slot if slot is not None and slot.supervisor_id == supervisor_id else None


def booking_for_learner(booking_id: int, learner_id: int) -> Booking | None:
    """A booking, only for its learner."""
    booking = db.session.get(Booking, booking_id)
    return booking if booking is not None and booking.learner_id == learner_id else None


def booking_for_supervisor(booking_id: int, supervisor_id: int) -> Booking | None:
    """A booking, only for the supervisor whose time it is in."""
    booking = db.session.get(Booking, booking_id)
    if booking is None or booking.slot.supervisor_id != supervisor_id:
        return None
    return booking


def record_memo(
    booking: Booking,
    *,
    attendance: Attendance,
    summary: str,
    followups: str,
    private: str,
    now: datetime,
) -> None:
    """The supervisor marks attendance and writes the memo; the learner's confirmation resets.

    The learner is told by mail when a memo is first ready, and again when it changes after
    they had confirmed it.

    Raises:
        MemoTooEarly: the discussion has not begun.
    """
    if booking.slot.starts_at > now:
        raise MemoTooEarly()
    tell = booking.memo_written_at is None or booking.learner_confirmed_at is not None
    booking.attendance = attendance.value
    booking.memo_summary = summary.strip()
    booking.memo_followups = followups.strip()
    booking.memo_private = private.strip()
    booking.memo_written_at = now
    booking.learner_confirmed_at = None
    if tell:
        booking.memo_reminder_sent_at = None  # a memo announced anew may be reminded of anew
    db.session.flush()
    if tell and booking.learner.mail_memo_ready:
        mails.queue_memo_ready(booking, now=now)


def respond_to_memo(booking: Booking, *, comment: str, confirm: bool, now: datetime) -> None:
    """The learner comments on the memo and/or confirms it."""
    booking.learner_comment = comment.strip()
    if confirm:
        booking.learner_confirmed_at = now
    db.session.flush()


def open_preparation(booking: Booking, *, actor: User, now: datetime) -> None:
    """Record in the audit log that ``actor`` saw the preparation and memo page of a booking,
    and each journal answer shared with it."""
    audit.record(
        audit.AuditAction.MEMO_VIEWED,
        "booking",
        booking.id,
        actor_id=actor.id,
        subject_id=booking.learner_id,
        now=now,
    )
    for shared in booking.shared_entries:
        audit.record(
            audit.AuditAction.JOURNAL_VIEWED,
            "journal_entry",
            shared.entry_id,
            actor_id=actor.id,
            subject_id=booking.learner_id,
            now=now,
        )


def due_reminders(*, now: datetime, ahead: timedelta) -> list[int]:
    """Ids of live bookings starting within ``ahead`` that have had no reminder."""
    return list(
        db.session.scalars(
            sa.select(Booking.id)
            .join(DiscussionSlot)
            .where(
                Booking.status == BookingStatus.BOOKED.value,
                Booking.reminder_sent_at.is_(None),
                DiscussionSlot.cancelled_at.is_(None),
                DiscussionSlot.starts_at > now,
                DiscussionSlot.starts_at <= now + ahead,
            )
        )
    )


def queue_reminder(booking_id: int, *, now: datetime) -> bool:
    """Claim a booking's reminder and queue its messages in the same transaction; True only
    for the one caller that claimed it (a second run, even at the same time, queues nothing)."""
    result = db.session.execute(
        sa.update(Booking)
        .where(
            Booking.id == booking_id,
            Booking.reminder_sent_at.is_(None),
            Booking.status == BookingStatus.BOOKED.value,
        )
        .values(reminder_sent_at=now)
        .execution_options(synchronize_session=False)
    )
    if affected(result) != 1:
        return False
    booking = db.session.get(Booking, booking_id)
    if booking is not None:
        mails.queue(booking, "reminder", now=now)
    return True


def _memo_unconfirmed() -> sa.ColumnElement[bool]:
    return sa.and_(
        Booking.memo_written_at.is_not(None),
        Booking.learner_confirmed_at.is_(None),
        Booking.memo_reminder_sent_at.is_(None),
        Booking.learner_id.in_(
            sa.select(User.id).where(User.is_active.is_(True), User.mail_memo_reminder.is_(True))
        ),
    )


def due_memo_reminders(*, now: datetime, after: timedelta) -> list[int]:
    """Ids of bookings whose memo has waited ``after`` for the learner's confirmation with
    no reminder yet, of learners who want the reminder."""
    return list(
        db.session.scalars(
            sa.select(Booking.id).where(_memo_unconfirmed(), Booking.memo_written_at <= now - after)
        )
    )


def queue_memo_reminder(booking_id: int, *, now: datetime) -> bool:
    """Claim the reminder of a booking's unconfirmed memo and queue it in the same
    transaction; True only for the one caller that claimed it. A memo confirmed meanwhile,
    or a learner who turned the reminder off, gets nothing."""
    result = db.session.execute(
        sa.update(Booking)
        .where(Booking.id == booking_id, _memo_unconfirmed())
        .values(memo_reminder_sent_at=now)
        .execution_options(synchronize_session=False)
    )
    if affected(result) != 1:
        return False
    booking = db.session.get(Booking, booking_id, populate_existing=True)  # see the claim
    if booking is not None:
        mails.queue_memo_reminder(booking, now=now)
    return True


@dataclass(frozen=True)
class LearnerDiscussions:
    """Where a learner stands with discussions, for their front page."""

    upcoming: Booking | None  # the next booked discussion that has not ended
    memos_waiting: list[Booking]  # memos written but not confirmed, oldest first
    attended: bool


def learner_situation(learner_id: int, *, now: datetime) -> LearnerDiscussions:
    """The learner's next discussion and the memos waiting for their confirmation (from
    the same two queries as ``learner_bookings``)."""
    bookings = learner_bookings(learner_id)
    live = [
        b for b in bookings if b.status == BookingStatus.BOOKED.value and not b.slot.is_cancelled
    ]
    upcoming = [b for b in live if b.slot.ends_at > now]
    return LearnerDiscussions(
        upcoming=upcoming[-1] if upcoming else None,  # newest first: the last is the soonest
        memos_waiting=[
            b for b in reversed(bookings) if b.memo_written_at and not b.learner_confirmed_at
        ],
        attended=any(b.attendance == Attendance.ATTENDED.value for b in bookings),
    )


def attended_bookings(learner_id: int) -> list[int]:
    """Ids of the learner's bookings they attended (each may be followed by a survey)."""
    return list(
        db.session.scalars(
            sa.select(Booking.id).where(
                Booking.learner_id == learner_id, Booking.attendance == Attendance.ATTENDED.value
            )
        )
    )


def count_attended(learner_ids: Any) -> int:
    """How many attended discussions the learners (a select of ids) have in all."""
    return (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Booking)
            .where(
                Booking.attendance == Attendance.ATTENDED.value, Booking.learner_id.in_(learner_ids)
            )
        )
        or 0
    )


# ------------------------------------------------------------------ progress
# An attended discussion completes the course (when the rules ask for it): progress learns
# who attended through this hook, so it never imports the discussions domain.


def _attended_counts(ids: Any) -> sa.Select:
    where = [] if ids is None else [Booking.learner_id.in_(ids)]
    return (
        sa.select(Booking.learner_id, sa.func.count().label("attended"))
        .where(Booking.attendance == Attendance.ATTENDED.value, *where)
        .group_by(Booking.learner_id)
    )


progress.set_attendance_source(_attended_counts)
