"""Issuing and verifying certificates."""

from __future__ import annotations

import re
import secrets
from datetime import datetime

import sqlalchemy as sa

from elearn.certificates.models import Certificate
from elearn.extensions import db
from elearn.progress.services import CourseProgress

# No 0/O, 1/I/L: codes are read from paper and typed by hand.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_ATTEMPTS = 5  # a collision is already unlikely; five in a row means a bug
CODE_LENGTH = 12  # about 59 bits: guessing a valid code is hopeless


class NotComplete(Exception):
    """The course is not complete, so there is no certificate to issue."""


def format_code(code: str) -> str:
    """``ABCD2345EFGH`` as ``ABCD-2345-EFGH``."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def normalise_code(text: str) -> str:
    """What a person typed, reduced to the stored form (case, spaces and dashes ignored)."""
    return re.sub(r"[^0-9A-Z]", "", text.upper())[:32]


def certificate_for(user_id: int) -> Certificate | None:
    """The learner's certificate, if one was issued."""
    return db.session.scalar(sa.select(Certificate).where(Certificate.user_id == user_id))


def issue(
    user_id: int, progress: CourseProgress, *, course_version: str, now: datetime
) -> Certificate:
    """The learner's certificate, issued now if this is the first time. Idempotent.

    Raises:
        NotComplete: the course is not complete.
    """
    existing = certificate_for(user_id)
    if existing is not None:
        return existing
    if not progress.complete:
        raise NotComplete()
    for _ in range(CODE_ATTEMPTS):
        certificate = Certificate(
            user_id=user_id,
            code="".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH)),
            completed_at=progress.completed_at,
            issued_at=now,
            course_version=course_version,
        )
        try:
            with db.session.begin_nested():
                db.session.add(certificate)
        except sa.exc.IntegrityError:
            # Either a parallel request issued this learner's certificate a moment ago, or
            # the random code is taken: then try another code.
            parallel = certificate_for(user_id)
            if parallel is not None:
                return parallel
            continue
        return certificate
    raise RuntimeError("no free certificate code after several attempts")


def verify(code: str) -> bool:
    """True when ``code`` belongs to an issued certificate."""
    normal = normalise_code(code)
    if len(normal) != CODE_LENGTH:
        return False
    return (
        db.session.scalar(sa.select(Certificate.id).where(Certificate.code == normal)) is not None
    )
