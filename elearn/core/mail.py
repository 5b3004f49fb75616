"""Sending e-mail with the standard library: to the log in development, by SMTP otherwise."""

from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

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
    to: str, subject: str, text: str, *, sender: str, attachments: tuple[Attachment, ...] = ()
) -> EmailMessage:
    """Build a plain-text UTF-8 message with optional attachments."""
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = formatdate(localtime=False, usegmt=True)
    msg["Message-ID"] = make_msgid(domain="elearn.local")
    msg.set_content(text, charset="utf-8")
    for a in attachments:
        msg.add_attachment(
            a.content, maintype=a.maintype, subtype=a.subtype, filename=a.filename, params=a.params
        )
    return msg


def send_mail(
    to: str, subject: str, text: str, *, attachments: tuple[Attachment, ...] = ()
) -> EmailMessage:
    """Send one message with the configured backend and return it.

    Raises:
        MailError: the SMTP server refused the message or could not be reached.
    """
    config = current_app.config
    msg = build_message(to, subject, text, sender=config["MAIL_FROM"], attachments=attachments)
    if config["MAIL_BACKEND"] == "log":
        # Development only (refused in production): the log is where the developer reads mail.
        log.info("mail to %s: %s\n%s", to, subject, text)
        return msg
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
        log.exception("sending mail %s failed", msg["Message-ID"])
        raise MailError(str(exc)) from exc
    return msg
