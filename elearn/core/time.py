"""Time helpers: instants are stored in UTC and shown in the service's local time zone."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import current_app


def utcnow() -> datetime:
    """The current instant as an aware UTC datetime."""
    return datetime.now(UTC)


def local_zone() -> ZoneInfo:
    """The service's time zone (``ELEARN_TIMEZONE``, Europe/Helsinki by default)."""
    return ZoneInfo(current_app.config["ELEARN_TIMEZONE"])


def to_local(instant: datetime) -> datetime:
    """Convert an aware instant to the service's local time."""
    return instant.astimezone(local_zone())
