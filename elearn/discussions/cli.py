"""``flask --app elearn reminders send``: queue the reminders that are due and deliver them."""

from __future__ import annotations

from datetime import timedelta

import click
from flask import current_app
from flask.cli import AppGroup

from elearn.core.db import begin_write
from elearn.core.time import utcnow
from elearn.discussions import services as discussions
from elearn.extensions import db
from elearn.outbox import services as outbox

discussions_cli = AppGroup("reminders", help="Discussion reminders.")


@discussions_cli.command("send")
def send_reminders() -> None:
    """Queue the reminders that are due, then deliver the outbox.

    Safe to run from cron every few minutes, and twice at once: each booking's reminder is
    claimed and queued in one transaction (a run killed half-way leaves every booking either
    claimed with its messages queued, or untouched), and cancelled bookings and times are
    never reminded about.
    """
    now = utcnow()
    ahead = timedelta(hours=current_app.config["ELEARN_REMINDER_HOURS"])
    due = discussions.due_reminders(now=now, ahead=ahead)
    db.session.rollback()  # end the read: each claim below takes the write lock first
    queued = 0
    for booking_id in due:
        begin_write(db.session)
        if discussions.queue_reminder(booking_id, now=now):
            queued += 1
        db.session.commit()
    report = outbox.deliver_due()
    click.echo(
        f"{queued} reminder(s) queued; mail: {report.sent} sent, {report.failed} failed "
        "(retried later)"
    )
