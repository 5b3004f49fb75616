"""``flask --app elearn feedback release``: release the pool of anonymous answers."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from elearn.core.time import to_local, utcnow
from elearn.feedback import pool

feedback_cli = AppGroup("feedback", help="Feedback surveys.")


@feedback_cli.command("release")
@click.option(
    "--all",
    "everything",
    is_flag=True,
    help="Release the pool even if it holds fewer answers than a batch (end of a course).",
)
def release(everything: bool) -> None:
    """Release the waiting anonymous answers as one shuffled batch, if there is a batch.

    Answers are released by themselves as soon as a batch is full; run this daily from cron
    to be sure, and with --all when a course ends with a few answers still waiting (fewer
    than a batch released together are easier to tell apart: the results page still shows
    nothing below the minimum).
    """
    waiting = pool.waiting()
    released = pool.release(today=to_local(utcnow()).date(), everything=everything)
    click.echo(f"{released} answer(s) released, {waiting - released} waiting")
