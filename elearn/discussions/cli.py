"""``flask --app elearn reminders send``: queue the reminders that are due and deliver them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import click
from flask import current_app
from flask.cli import AppGroup

from elearn.core.db import begin_write
from elearn.core.time import utcnow
from elearn.discussions import services as discussions
from elearn.extensions import db
from elearn.outbox import services as outbox

discussions_cli = AppGroup("reminders", help="Discussion and memo reminders.")


@discussions_cli.command("send")
def send_reminders() -> None:
    """Queue the reminders that are due, then deliver the outbox.

    Two kinds: a discussion starting within ``ELEARN_REMINDER_HOURS``, and a memo the learner
    has not confirmed ``ELEARN_MEMO_REMINDER_DAYS`` after it was written (for learners who
    keep that reminder on in their profile).

    Safe to run from cron every few minutes, and twice at once: each booking's reminder is
    claimed and queued in one transaction (a run killed half-way leaves every booking either
    claimed with its messages queued, or untouched), and cancelled bookings and times are
    never reminded about.
    """
    now = utcnow()
    ahead = timedelta(hours=current_app.config["ELEARN_REMINDER_HOURS"])
    after = timedelta(days=current_app.config["ELEARN_MEMO_REMINDER_DAYS"])
    due = discussions.due_reminders(now=now, ahead=ahead)
    memos = discussions.due_memo_reminders(now=now, after=after)
    db.session.rollback()  # end the read: each claim below takes the write lock first
    queued = _claim_each(due, discussions.queue_reminder, now)
    memo_queued = _claim_each(memos, discussions.queue_memo_reminder, now)
    report = outbox.deliver_due()
    click.echo(
        f"{queued} reminder(s) queued; {memo_queued} memo reminder(s) queued; "
        f"mail: {report.sent} sent, {report.failed} failed (retried later)"
    )


def _claim_each(booking_ids: list[int], claim: Callable[..., bool], now: datetime) -> int:
    """Claim and queue each booking's reminder in a transaction of its own; how many."""
    queued = 0
    for booking_id in booking_ids:
        begin_write(db.session)
        if claim(booking_id, now=now):
            queued += 1
        db.session.commit()
    return queued
