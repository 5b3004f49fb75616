"""Mail through the outbox: queued with the change, delivered after the commit, retried, never
queued twice, and never in the way of a page."""

from __future__ import annotations

import socket
import subprocess
import sys
import textwrap
import threading
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from elearn import create_app
from elearn.accounts.models import Role, User
from elearn.core.time import utcnow
from elearn.discussions import services as discussions
from elearn.extensions import db as _db
from elearn.outbox import services as outbox
from elearn.outbox.models import OutboxMessage
from tests.conftest import free_port
from tests.dbutil import drop_database, fresh_database
from tests.discussions.util import plan, race_setup, supervise


def queued(*where):
    return list(_db.session.scalars(sa.select(OutboxMessage).where(*where)))


# ------------------------------------------------------------------ in the suite's database


def test_the_same_message_is_queued_once(app, db):
    with app.test_request_context():
        args = {"to": "a@example.fi", "subject": "S", "body": "B", "now": utcnow()}
        assert outbox.enqueue(key="k:1", **args) is True
        assert outbox.enqueue(key="k:1", **args) is False
    assert len(queued(OutboxMessage.dedup_key == "k:1")) == 1


def test_a_message_keeps_its_message_id_when_sent_again(app, db, mailbox):
    with app.test_request_context():
        outbox.enqueue(key="k:2", to="b@example.fi", subject="S", body="B", now=utcnow())
        db.session.commit()
        outbox.deliver_due()
        (row,) = queued(OutboxMessage.dedup_key == "k:2")
        assert row.sent_at is not None and row.attempts == 1
        outbox.retry(row.id, now=utcnow())  # refused: it was sent
        db.session.commit()
        outbox.deliver_due()
    (msg,) = mailbox.to("b@example.fi")
    assert msg["Message-ID"] == outbox.message_id("k:2", app.config["MAIL_FROM"])


def test_with_the_mail_server_down_a_booking_succeeds_and_its_mail_arrives_later(
    app, client, login_as, make_user, make_cohort, db, mailbox
):
    supervisor = make_user(Role.SUPERVISOR, email="ohjaaja.out@example.fi")
    learner = make_user(cohort=make_cohort(), email="oppija.out@example.fi")
    supervise(db, supervisor, learner)
    (slot,) = discussions.create_slots(supervisor, [plan(utcnow() + timedelta(days=3))])
    db.session.commit()
    login_as(learner)
    original = app.config["MAIL_PORT"]
    app.config["MAIL_PORT"] = free_port()  # nothing listens there
    try:
        response = client.post_form(f"/discussions/slots/{slot.id}/book", {"module_key": ""})
        assert response.status_code == 302  # booked, at once
        assert "/discussions/bookings/" in response.location
        page = client.get(response.location).get_data(as_text=True)
        assert "Keskustelu on varattu" in page and "ei voitu lähettää" not in page
    finally:
        app.config["MAIL_PORT"] = original
    assert mailbox.to(learner.email) == []
    rows = queued(OutboxMessage.about_user_id == learner.id)
    assert len(rows) == 2 and all(r.sent_at is None and r.attempts == 1 for r in rows)
    assert all(r.next_attempt_at > utcnow() for r in rows)  # retried after a delay
    with app.test_request_context():
        assert outbox.deliver_due().sent == 0  # not due yet
        report = outbox.deliver_due(now=utcnow() + timedelta(minutes=2))  # the server is back
    assert report.sent == 2
    assert len(mailbox.to(learner.email)) == 1 and len(mailbox.to(supervisor.email)) == 1


def test_a_failing_message_is_given_up_and_admins_see_it_and_can_retry(
    app, client, login_as, make_user, db, mailbox
):
    admin = make_user(Role.ADMIN)
    with app.test_request_context():
        outbox.enqueue(key="k:3", to="c@example.fi", subject="Kutsu", body="B", now=utcnow())
        db.session.commit()
        original = app.config["MAIL_PORT"]
        app.config["MAIL_PORT"] = free_port()
        try:
            moment = utcnow()
            for _ in range(outbox.MAX_ATTEMPTS):
                moment += timedelta(hours=7)
                outbox.deliver_due(now=moment)
        finally:
            app.config["MAIL_PORT"] = original
    (row,) = queued(OutboxMessage.dedup_key == "k:3")
    assert row.failed_at is not None and row.attempts == outbox.MAX_ATTEMPTS
    login_as(admin)
    page = client.get("/admin/mail").get_data(as_text=True)
    assert "c@example.fi" in page and "Kutsu" in page and "ConnectionRefusedError" in page
    client.post_form(f"/admin/mail/{row.id}/retry")
    (msg,) = mailbox.to("c@example.fi")  # delivered right after the admin's retry
    assert msg["Subject"] == "Kutsu"


def test_password_reset_answers_the_same_whether_or_not_the_account_exists(
    app, client, make_user, db, mailbox
):
    make_user(email="olemassa@example.fi")
    original = app.config["MAIL_PORT"]
    app.config["MAIL_PORT"] = free_port()  # even with the mail server down
    try:
        known = client.post_form("/password-reset", {"email": "olemassa@example.fi"})
        unknown = client.post_form("/password-reset", {"email": "eiole@example.fi"})
    finally:
        app.config["MAIL_PORT"] = original
    assert (known.status_code, known.location) == (unknown.status_code, unknown.location)
    assert known.status_code == 302
    assert len(queued(OutboxMessage.to_address == "olemassa@example.fi")) == 1


# ------------------------------------------------------------------ real processes and servers


@pytest.fixture
def real_world(app, tmp_path, smtp_server):
    """A database of its own with real commits, the app on it, and a learner's booking."""
    url = fresh_database("outbox", tmp_path)
    real = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": url,
            "SECRET_KEY": app.config["SECRET_KEY"],
            "MAIL_BACKEND": "smtp",
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": smtp_server[1],
            "MAIL_TIMEOUT": 3,
            "ELEARN_MAIL_DELIVERY": "thread",
            "ELEARN_MAIL_LEASE_SECONDS": 1,
            "ELEARN_PASSWORD_HASH": "pbkdf2:sha256:1000",
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
        }
    )
    test_session = _db.session
    _db.session = _db._make_scoped_session({})
    try:
        with real.app_context():
            upgrade()
            yield real, url
            # The sender thread would otherwise wake later in another test and use that
            # test's session (``_db.session`` is global).
            sender = real.extensions["elearn.sender"]
            thread = sender._thread
            sender.stop()
            assert thread is None or not thread.is_alive(), "the sender thread did not end"
            _db.session.remove()
            _db.engine.dispose()
    finally:
        _db.session = test_session
        drop_database(url)


class StallingServer:
    """Accepts SMTP connections and never answers, until released."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.connected = threading.Event()
        self.held: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.held.append(conn)
            self.connected.set()

    def close(self) -> None:
        for conn in self.held:
            conn.close()
        self.sock.close()


def test_a_stalled_mail_server_never_makes_a_request_wait(real_world, smtp_server):
    real, _url = real_world
    with real.app_context():
        _slot_id, emails, _ids = race_setup(_db, "stall", 1, learners=1)
    stall = StallingServer()
    real.config["MAIL_PORT"] = stall.port
    try:
        client = real.test_client()
        # Queue a message through a request: the sender thread takes it and hangs on SMTP.
        with real.test_request_context():
            outbox.enqueue(key="stall:1", to="x@example.fi", subject="S", body="B", now=utcnow())
            _db.session.commit()
            outbox.wake_sender()
        assert stall.connected.wait(10), "the sender never reached the mail server"
        # While the sender is stuck on the mail server, pages answer (each ends with a commit
        # that wakes the sender again; none waits for it).
        for _ in range(3):
            assert client.get("/healthz").status_code == 200
            assert client.post("/password-reset", data={"email": emails[0]}).status_code == 302
        with real.app_context():
            pending = _db.session.scalars(
                sa.select(OutboxMessage).where(OutboxMessage.sent_at.is_(None))
            ).all()
            assert any(m.dedup_key == "stall:1" for m in pending)
    finally:
        stall.close()
        real.config["MAIL_PORT"] = smtp_server[1]


KILL_AFTER_CLAIM = textwrap.dedent(
    """
    import os, sys
    from elearn import create_app
    from elearn.outbox import services

    app = create_app({
        "DATABASE_URL": sys.argv[1], "TESTING": True, "MAIL_BACKEND": "smtp",
        "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": int(sys.argv[2]),
        "ELEARN_MAIL_DELIVERY": "cron", "ELEARN_MAIL_LEASE_SECONDS": 1,
    })

    def die(message, config=None):  # the process dies between claiming and sending
        os._exit(9)

    services.transmit = die
    result = app.test_cli_runner().invoke(args=["reminders", "send"])
    print(result.output)
    """
)


def test_a_reminder_run_killed_midway_and_run_again_sends_each_reminder_once(
    real_world, smtp_server
):
    mailbox, port = smtp_server
    real, url = real_world
    with real.app_context():
        slot_id, emails, ids = race_setup(_db, "remind", 3, learners=3)
        slot = _db.session.get(discussions.DiscussionSlot, slot_id)
        slot.starts_at, slot.ends_at = utcnow() + timedelta(hours=3), utcnow() + timedelta(hours=4)
        for user_id in ids["users"][1:]:
            learner = _db.session.get(User, user_id)
            discussions.book(slot_id, learner, now=utcnow())
        _db.session.commit()
        outbox.deliver_due()  # the booking confirmations
    mailbox.clear()
    killed = subprocess.run(  # noqa: S603 - this test's own script
        [sys.executable, "-c", KILL_AFTER_CLAIM, url, str(port)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert killed.returncode == 9, killed.stderr[-2000:]
    assert mailbox.messages == []  # it died before sending anything
    with real.app_context():
        claimed = _db.session.scalars(
            sa.select(OutboxMessage).where(OutboxMessage.dedup_key.like("booking:%:reminder:%"))
        ).all()
        assert len(claimed) == 6  # every reminder was queued (3 learners and the supervisor)
        assert sum(1 for m in claimed if m.claimed_until is not None) == 1
    time.sleep(1.2)  # the dead run's claim (a one-second lease here) runs out
    with real.app_context():
        again = real.test_cli_runner().invoke(args=["reminders", "send"])
        assert "0 reminder(s) queued" in again.output, again.output
        _db.session.remove()
    for address in emails:
        reminders = [m for m in mailbox.to(address) if "Muistutus" in m["Subject"]]
        assert len(reminders) == 1, address
    supervisor_reminders = [m for m in mailbox.messages if m["To"].startswith("race-sup-remind")]
    assert len(supervisor_reminders) == 3
