"""Recording and reading the audit log. The service that does an audited thing records it,
with an explicit actor, in the same transaction as the thing itself."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from elearn.audit.models import AuditAction, AuditEvent
from elearn.extensions import db

__all__ = ["AuditAction", "AuditEvent", "audit_page", "record"]


def record(
    action: AuditAction,
    object_type: str,
    object_id: int | None,
    *,
    actor_id: int | None,
    subject_id: int | None,
    now: datetime,
) -> AuditEvent:
    """Add one audit event (flushed; the caller commits with the change it describes)."""
    event = AuditEvent(
        at=now,
        actor_id=actor_id,
        action=action.value,
        object_type=object_type,
        object_id=object_id,
        subject_id=subject_id,
    )
    db.session.add(event)
    db.session.flush()
    return event


def audit_page(*, page: int = 1, per_page: int = 50, person_id: int | None = None) -> Any:
    """One page of the audit log, newest first (a Flask-SQLAlchemy ``Pagination``).

    Args:
        person_id: only events this person did or that concern them.
    """
    where = []
    if person_id is not None:
        where.append(sa.or_(AuditEvent.actor_id == person_id, AuditEvent.subject_id == person_id))
    return db.paginate(
        sa.select(AuditEvent).where(*where).order_by(AuditEvent.at.desc(), AuditEvent.id.desc()),
        page=max(page, 1),
        per_page=per_page,
        error_out=False,
    )
