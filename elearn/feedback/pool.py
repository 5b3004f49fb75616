"""Anonymous answers wait in a sealed pool and are released in shuffled batches.

Why: an anonymous answer written in the same transaction as the person's participation
could be tied back to them through the database itself (on PostgreSQL both rows carry the
transaction's id, ``xmin``), through storage order (the n-th answer belongs to the n-th
participant) or through time. So the request writes the participation and a *sealed* copy
of the answer (encrypted with a key derived from ``SECRET_KEY``, which the database does
not hold) into the pool. When the pool holds at least ``ELEARN_FEEDBACK_MIN_RESPONSES``
answers (never fewer than five), one transaction of its own opens them, writes them as
responses in a random order with random ids and the week of the release (not of the
answer), and empties the pool. After that the response rows share one transaction id with
each other and with nobody's participation, are stored in an order that says nothing, and
carry no time finer than the release week. ``flask feedback release`` does the same from
cron and, with ``--all``, releases a smaller remainder (e.g. at the end of a course).
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
import random
import secrets
from datetime import date
from typing import Any

import sqlalchemy as sa
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import current_app

from elearn.core.db import begin_write
from elearn.core.lifecycle import after_commit
from elearn.extensions import db
from elearn.feedback.models import SurveyAnswerPool, SurveyResponse

log = logging.getLogger(__name__)
NONCE_BYTES = 12
FLOOR = 5  # never release fewer at once (unless told to release everything)


def _key() -> bytes:
    secret = str(current_app.config["SECRET_KEY"]).encode("utf-8")
    return hashlib.sha256(b"elearn-survey-pool\x00" + secret).digest()


def seal(data: dict[str, Any]) -> str:
    """The answer as an authenticated, encrypted token (the database never sees the text)."""
    nonce = os.urandom(NONCE_BYTES)
    plain = json.dumps(data, ensure_ascii=False, sort_keys=True).encode("utf-8")
    return base64.b64encode(nonce + AESGCM(_key()).encrypt(nonce, plain, None)).decode("ascii")


def unseal(token: str) -> dict[str, Any]:
    """Open a sealed answer.

    Raises:
        cryptography.exceptions.InvalidTag: sealed with another key, or altered.
    """
    raw = base64.b64decode(token)
    plain = AESGCM(_key()).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], None)
    return json.loads(plain)


def put(data: dict[str, Any]) -> None:
    """Add one sealed answer to the pool, in the caller's transaction; after the commit the
    pool is released if it is large enough."""
    db.session.add(SurveyAnswerPool(id=secrets.token_hex(16), sealed=seal(data)))
    db.session.flush()
    after_commit(release_if_ready)


def batch_size() -> int:
    return max(FLOOR, int(current_app.config["ELEARN_FEEDBACK_MIN_RESPONSES"]))


def waiting() -> int:
    """How many answers wait in the pool."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(SurveyAnswerPool)) or 0


def release(*, today: date, everything: bool = False, rng: random.Random | None = None) -> int:
    """Release the pool as responses if it holds a batch (or ``everything``); returns how
    many were released. Runs in a transaction of its own (the caller has committed)."""
    from elearn.feedback.services import week_of

    db.session.rollback()
    begin_write(db.session)
    rows, answers = [], []
    for row in db.session.scalars(sa.select(SurveyAnswerPool)):
        try:
            answers.append(unseal(row.sealed))
            rows.append(row)
        except (InvalidTag, ValueError):
            # Sealed under another SECRET_KEY (rotated): kept, in case the old key returns,
            # and never allowed to hold back the answers that can be opened.
            log.warning("survey answer pool: an answer sealed under another key is kept")
    if not rows or (len(rows) < batch_size() and not everything):
        db.session.rollback()
        return 0
    (rng or random.SystemRandom()).shuffle(answers)
    week = week_of(today)
    db.session.execute(
        sa.insert(SurveyResponse),
        [
            {
                "id": secrets.token_hex(16),
                "survey_key": a["survey_key"],
                "context": a["context"],
                "cohort_id": a["cohort_id"],
                "employment_model": a["employment_model"],
                "week": week,
                "user_id": None,
                "answers": a["answers"],
            }
            for a in answers
        ],
    )
    db.session.execute(
        sa.delete(SurveyAnswerPool).where(SurveyAnswerPool.id.in_([r.id for r in rows]))
    )
    db.session.commit()
    return len(answers)


def release_if_ready() -> None:
    """After a commit that added to the pool: release it when it holds a batch."""
    from elearn.core.time import to_local, utcnow

    if waiting() >= batch_size():  # (a cheap count; release() checks what can be opened)
        release(today=to_local(utcnow()).date())
