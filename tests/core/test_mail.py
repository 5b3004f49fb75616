"""The mail transport: a real SMTP server on loopback; in development, the log."""

from __future__ import annotations

import logging

import pytest

from elearn.core.mail import MailError, build_message, transmit
from tests.conftest import free_port


def _message(to: str, subject: str, text: str):
    return build_message(to, subject, text, sender="elearn <noreply@example.fi>")


def test_message_is_delivered_over_smtp(app, mailbox):
    with app.app_context():
        transmit(_message("vastaanottaja@example.fi", "Hei ja tervetuloa", "Ääkkösiä: åäö.\n"))
    (msg,) = mailbox.to("vastaanottaja@example.fi")
    assert msg["Subject"] == "Hei ja tervetuloa"
    assert "åäö" in mailbox.body(msg)
    assert msg["Message-ID"]


def test_unreachable_server_raises_mail_error(app):
    original = app.config["MAIL_PORT"]
    with app.app_context():
        app.config.update(MAIL_PORT=free_port())
        try:
            with pytest.raises(MailError):
                transmit(_message("a@example.fi", "x", "y"))
        finally:
            app.config.update(MAIL_PORT=original)


def test_log_backend_writes_to_the_log(app, caplog, mailbox):
    original = app.config["MAIL_BACKEND"]
    app.config["MAIL_BACKEND"] = "log"
    try:
        with app.app_context(), caplog.at_level(logging.INFO, logger="elearn.mail"):
            transmit(_message("loki@example.fi", "Lokiin", "sisältö"))
    finally:
        app.config["MAIL_BACKEND"] = original
    assert "loki@example.fi" in caplog.text and "sisältö" in caplog.text
    assert mailbox.to("loki@example.fi") == []
