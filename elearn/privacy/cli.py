"""``flask --app elearn privacy apply-retention``: clear memos and journals past retention."""

from __future__ import annotations

from datetime import datetime

import click
from flask import current_app
from flask.cli import AppGroup

from elearn.core.time import utcnow
from elearn.extensions import db
from elearn.privacy import services as privacy

privacy_cli = AppGroup("privacy", help="Data protection: retention.")


@privacy_cli.command("apply-retention")
@click.option(
    "--now",
    "now_text",
    default="",
    help="Act as if it were this UTC instant (ISO 8601); for testing. Default: now.",
)
def apply_retention(now_text: str) -> None:
    """Clear memos and delete journal entries older than the configured retention.

    Safe to run daily from cron; a run with nothing to clear changes nothing.
    """
    now = utcnow()
    if now_text:
        try:
            now = datetime.fromisoformat(now_text)
        except ValueError as exc:
            raise click.BadParameter("use ISO 8601, e.g. 2027-01-31T00:00:00+00:00") from exc
        if now.tzinfo is None:
            raise click.BadParameter("give a time zone, e.g. 2027-01-31T00:00:00+00:00")
    config = current_app.config
    result = privacy.apply_retention(
        now=now,
        memo_days=config["ELEARN_RETENTION_MEMO_DAYS"],
        journal_days=config["ELEARN_RETENTION_JOURNAL_DAYS"],
    )
    db.session.commit()
    click.echo(
        f"{result.memos} discussion memo(s) cleared "
        f"(retention {config['ELEARN_RETENTION_MEMO_DAYS']} days), "
        f"{result.journal_entries} journal entr(y/ies) deleted "
        f"(retention {config['ELEARN_RETENTION_JOURNAL_DAYS']} days)"
    )
