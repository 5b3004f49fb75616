"""Mail goes through a real SMTP server on loopback; in development it goes to the log."""

from __future__ import annotations

import logging

import pytest

from elearn.core.mail import MailError, send_mail
from tests.conftest import free_port


def test_message_is_delivered_over_smtp(app, mailbox):
    with app.app_context():
        send_mail("vastaanottaja@example.fi", "Hei ja tervetuloa", "Tämä on ääkkösiä: åäö.\n")
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
                send_mail("a@example.fi", "x", "y")
        finally:
            app.config.update(MAIL_PORT=original)


def test_log_backend_writes_to_the_log(app, caplog, mailbox):
    original = app.config["MAIL_BACKEND"]
    app.config["MAIL_BACKEND"] = "log"
    try:
        with app.app_context(), caplog.at_level(logging.INFO, logger="elearn.mail"):
            send_mail("loki@example.fi", "Lokiin", "sisältö")
    finally:
        app.config["MAIL_BACKEND"] = original
    assert "loki@example.fi" in caplog.text and "sisältö" in caplog.text
    assert mailbox.to("loki@example.fi") == []


def test_reset_mail_failure_gives_a_clear_message(app, client, make_user):
    make_user(email="katko@example.fi")
    original = app.config["MAIL_PORT"]
    app.config["MAIL_PORT"] = free_port()
    try:
        page = client.post_form("/password-reset", {"email": "katko@example.fi"})
    finally:
        app.config["MAIL_PORT"] = original
    assert page.status_code == 503
    assert "Viestiä ei voitu lähettää" in page.get_data(as_text=True)
