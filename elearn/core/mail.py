"""Building e-mail and handing it to the mail server (to the log in development).

Nothing here is called while a person waits for a page: messages go through the outbox
(``elearn.outbox``), whose sender calls ``transmit`` after the change is committed.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

from flask import current_app

log = logging.getLogger("elearn.mail")


class MailError(RuntimeError):
    """A message could not be handed to the mail server."""


@dataclass(frozen=True)
class Attachment:
    """A file sent with a message, e.g. an iCalendar invitation."""

    filename: str
    content: bytes
    maintype: str
    subtype: str
    params: dict[str, str] = field(default_factory=dict)


def build_message(
    to: str,
    subject: str,
    text: str,
    *,
    sender: str,
    attachments: tuple[Attachment, ...] = (),
    message_id: str | None = None,
) -> EmailMessage:
    """Build a plain-text UTF-8 message with optional attachments."""
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = formatdate(localtime=False, usegmt=True)
    msg["Message-ID"] = message_id or make_msgid(domain="elearn.local")
    msg.set_content(text, charset="utf-8")
    for a in attachments:
        msg.add_attachment(
            a.content, maintype=a.maintype, subtype=a.subtype, filename=a.filename, params=a.params
        )
    return msg


def transmit(msg: EmailMessage, config: Any = None) -> None:
    """Hand one message to the configured backend.

    Raises:
        MailError: the SMTP server refused the message or could not be reached in time.
    """
    config = config if config is not None else current_app.config
    if config["MAIL_BACKEND"] == "log":
        # Development only (refused in production): the log is where the developer reads mail.
        log.info("mail to %s: %s\n%s", msg["To"], msg["Subject"], msg.get_content())
        return
    try:
        smtp_class = smtplib.SMTP_SSL if config["MAIL_USE_SSL"] else smtplib.SMTP
        with smtp_class(
            config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT"]
        ) as smtp:
            if config["MAIL_USE_TLS"] and not config["MAIL_USE_SSL"]:
                smtp.starttls(context=ssl.create_default_context())
            if config["MAIL_USERNAME"]:
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            smtp.send_message(msg)
    except (OSError, smtplib.SMTPException) as exc:
        # The Message-ID, not the address: application logs hold no personal data.
        log.warning("sending mail %s failed: %s", msg["Message-ID"], type(exc).__name__)
        raise MailError(type(exc).__name__) from exc
