"""``flask --app elearn mail send`` (for cron) and ``flask --app elearn mail status``."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from elearn.core.time import utcnow
from elearn.extensions import db
from elearn.outbox import services as outbox

mail_cli = AppGroup("mail", help="The outbox of e-mail messages.")


@mail_cli.command("send")
def send() -> None:
    """Deliver the messages that are due, and delete old sent ones. Safe to run often and
    twice at once: each message is claimed before it is sent."""
    report = outbox.deliver_due()
    pruned = outbox.prune(now=utcnow())
    db.session.commit()
    click.echo(
        f"{report.sent} sent, {report.failed} failed (will be retried), "
        f"{report.given_up} given up, {pruned} old message(s) deleted"
    )


@mail_cli.command("status")
def status() -> None:
    """Print how many messages wait, are retried, were given up and were sent in a day."""
    counts = outbox.stats(now=utcnow())
    click.echo(
        f"waiting {counts.waiting}, retrying {counts.retrying}, given up {counts.given_up}, "
        f"sent in the last day {counts.sent_recently}"
    )
