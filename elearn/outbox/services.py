"""Queue messages in the outbox and deliver them: at least once, never queued twice.

``enqueue`` is called by the service that makes a change, inside the same transaction, so
a message exists exactly when the change does. ``deliver_due`` runs after the commit (the
sender thread of each app process, and ``flask mail send`` from cron): it claims one
message at a time with a lease, sends it, and marks it sent; a failure is retried with a
growing delay, and after ``MAX_ATTEMPTS`` the message is given up and shown to admins.
"""

from __future__ import annotations

import base64
import hashlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parseaddr
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects import postgresql, sqlite

from elearn.core.db import affected, begin_write, table
from elearn.core.lifecycle import after_commit
from elearn.core.mail import Attachment, MailError, build_message, transmit
from elearn.core.time import utcnow
from elearn.extensions import db
from elearn.outbox.models import OutboxMessage

log = logging.getLogger("elearn.mail")

MAX_ATTEMPTS = 12  # with the delays below, about a day and a half of trying
SENT_KEPT = timedelta(days=7)  # sent messages hold personal data: kept only this long
FAILED_KEPT = timedelta(days=30)


@dataclass(frozen=True)
class DeliveryReport:
    """What one delivery run did."""

    sent: int = 0
    failed: int = 0
    given_up: int = 0


@dataclass(frozen=True)
class OutboxStats:
    """Counts for the admins' mail page."""

    waiting: int
    retrying: int
    given_up: int
    sent_recently: int


def retry_delay(attempts: int) -> timedelta:
    """The wait after ``attempts`` failed attempts: 1, 2, 4 ... minutes, at most 6 hours."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))


def message_id(key: str, sender: str) -> str:
    """A Message-ID derived from the dedup key: a message sent again keeps its id."""
    domain = parseaddr(sender)[1].rpartition("@")[2] or "elearn.local"
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
    return f"<{digest}@{domain}>"


def _insert_ignoring_duplicate(values: dict[str, Any]) -> bool:
    outbox_table = table(OutboxMessage)
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(outbox_table)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["dedup_key"])
        .returning(outbox_table.c.id)
    )
    # RETURNING, not rowcount: psycopg reports no row count for this statement.
    return db.session.execute(statement).scalar() is not None


def enqueue(
    *,
    key: str,
    to: str,
    subject: str,
    body: str,
    now: datetime,
    user_id: int | None = None,
    about_user_id: int | None = None,
    attachments: Iterable[Attachment] = (),
) -> bool:
    """Queue one message in the current transaction; False if ``key`` was queued before.

    The message is delivered after the transaction commits, and never if it rolls back.
    """
    queued = _insert_ignoring_duplicate(
        {
            "dedup_key": key[:200],
            "user_id": user_id,
            "about_user_id": about_user_id,
            "to_address": to,
            "subject": subject[:300],
            "body": body,
            "attachments": [
                {
                    "filename": a.filename,
                    "maintype": a.maintype,
                    "subtype": a.subtype,
                    "params": dict(a.params),
                    "content": base64.b64encode(a.content).decode("ascii"),
                }
                for a in attachments
            ],
            "created_at": now,
            "next_attempt_at": now,
            "attempts": 0,
            "last_error": "",
        }
    )
    if queued:
        after_commit(wake_sender)
    return queued


def wake_sender() -> None:
    """Ask this process's sender to deliver what is due (it never makes the caller wait)."""
    sender = current_app.extensions.get("elearn.sender")
    if sender is not None:
        sender.wake()


def _lease() -> timedelta:
    # Long enough for a slow server to answer; a sender that died is replaced after it.
    seconds = current_app.config.get("ELEARN_MAIL_LEASE_SECONDS")
    return timedelta(seconds=seconds or 3 * current_app.config["MAIL_TIMEOUT"] + 60)


def _due_ids(now: datetime, limit: int) -> list[int]:
    m = OutboxMessage
    return list(
        db.session.scalars(
            sa.select(m.id)
            .where(
                m.sent_at.is_(None),
                m.failed_at.is_(None),
                m.next_attempt_at <= now,
                sa.or_(m.claimed_until.is_(None), m.claimed_until < now),
            )
            .order_by(m.next_attempt_at, m.id)
            .limit(limit)
        )
    )


def _claim(message_id_: int, now: datetime) -> bool:
    m = OutboxMessage
    claimed = db.session.execute(
        sa.update(m)
        .where(
            m.id == message_id_,
            m.sent_at.is_(None),
            m.failed_at.is_(None),
            sa.or_(m.claimed_until.is_(None), m.claimed_until < now),
        )
        .values(claimed_until=now + _lease(), attempts=m.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    return affected(claimed) == 1


def _as_email(row: OutboxMessage) -> Any:
    config = current_app.config
    return build_message(
        row.to_address,
        row.subject,
        row.body,
        sender=config["MAIL_FROM"],
        attachments=tuple(
            Attachment(
                a["filename"],
                base64.b64decode(a["content"]),
                a["maintype"],
                a["subtype"],
                dict(a.get("params") or {}),
            )
            for a in row.attachments or ()
        ),
        message_id=message_id(row.dedup_key, config["MAIL_FROM"]),
    )


def deliver_due(*, now: datetime | None = None, limit: int = 200) -> DeliveryReport:
    """Send the messages that are due, one claim and one commit at a time.

    Runs outside any request (the sender thread, a command) and commits its own small
    transactions: the claim, then the outcome. A process that dies between them leaves the
    claim to run out, after which the message is sent by the next run.
    """
    sent = failed = given_up = 0
    started = now or utcnow()
    due = _due_ids(started, limit)
    db.session.rollback()  # end the read: each claim takes the write lock first (SQLite)
    for candidate in due:
        moment = now or utcnow()
        begin_write(db.session)
        if not _claim(candidate, moment):
            db.session.rollback()
            continue  # another sender has it
        db.session.commit()
        row = db.session.get(OutboxMessage, candidate)
        if row is None:
            continue
        email = _as_email(row)
        db.session.rollback()  # no transaction is held while the mail server is slow
        try:
            transmit(email)
        except MailError as exc:
            begin_write(db.session)
            row = db.session.get(OutboxMessage, candidate)
            if row is None:  # deleted meanwhile (the person was deleted)
                db.session.rollback()
                continue
            moment = now or utcnow()
            row.claimed_until = None
            row.last_error = str(exc)[:300]
            if row.attempts >= MAX_ATTEMPTS:
                row.failed_at = moment
                given_up += 1
                log.error("mail %s given up after %s attempts", row.id, row.attempts)
            else:
                row.next_attempt_at = moment + retry_delay(row.attempts)
                failed += 1
        else:
            begin_write(db.session)
            row = db.session.get(OutboxMessage, candidate)
            if row is None:
                db.session.rollback()
                sent += 1
                continue
            row.sent_at = now or utcnow()
            row.claimed_until = None
            row.last_error = ""
            sent += 1
        db.session.commit()
    return DeliveryReport(sent=sent, failed=failed, given_up=given_up)


def prune(*, now: datetime) -> int:
    """Delete sent messages after a week and given-up ones after a month; returns how many."""
    m = OutboxMessage
    result = db.session.execute(
        sa.delete(m).where(
            sa.or_(
                sa.and_(m.sent_at.is_not(None), m.sent_at < now - SENT_KEPT),
                sa.and_(m.failed_at.is_not(None), m.failed_at < now - FAILED_KEPT),
            )
        )
    )
    return affected(result)


def stats(*, now: datetime) -> OutboxStats:
    """How many messages wait, are being retried, were given up, and were sent in a day."""
    m = OutboxMessage
    unsent = sa.and_(m.sent_at.is_(None), m.failed_at.is_(None))
    row = db.session.execute(
        sa.select(
            sa.func.count().filter(unsent, m.attempts == 0),
            sa.func.count().filter(unsent, m.attempts > 0),
            sa.func.count().filter(m.failed_at.is_not(None)),
            sa.func.count().filter(m.sent_at >= now - timedelta(days=1)),
        )
    ).one()
    return OutboxStats(*(int(v or 0) for v in row))


def undelivered(*, limit: int = 100) -> list[OutboxMessage]:
    """Messages not sent yet, given-up ones first, then the oldest."""
    m = OutboxMessage
    return list(
        db.session.scalars(
            sa.select(m)
            .where(m.sent_at.is_(None))
            .order_by(m.failed_at.is_(None), m.created_at, m.id)
            .limit(limit)
        )
    )


def retry(message_id_: int, *, now: datetime) -> bool:
    """Try a waiting or given-up message again now; False if it was sent or does not exist."""
    row = db.session.get(OutboxMessage, message_id_)
    if row is None or row.sent_at is not None:
        return False
    row.failed_at = None
    row.claimed_until = None
    row.next_attempt_at = now
    row.attempts = 0  # a full round of attempts again
    db.session.flush()
    after_commit(wake_sender)
    return True


def forget_person(user_id: int) -> int:
    """Delete every queued or sent message to or about this person (anonymisation and
    deletion)."""
    m = OutboxMessage
    result = db.session.execute(
        sa.delete(m).where(sa.or_(m.user_id == user_id, m.about_user_id == user_id))
    )
    return affected(result)
