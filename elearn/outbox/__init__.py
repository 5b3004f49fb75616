"""Mail through an outbox: messages are written with the change that causes them and sent
after the commit by a sender that retries, so no page ever waits on the mail server."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the outbox's models, its ``flask mail`` commands and the sender."""
    from elearn.outbox import models as _models  # noqa: F401 - registers the table
    from elearn.outbox.cli import mail_cli
    from elearn.outbox.sender import Sender

    app.cli.add_command(mail_cli)
    app.extensions["elearn.sender"] = Sender(app)
