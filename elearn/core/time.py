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


class NonexistentLocalTime(ValueError):
    """The local wall-clock time does not exist (skipped when clocks move forward).

    ``local`` is the time asked for; ``part`` may say which part of a form it was ("start",
    "end") so the message can point at the field to change.
    """

    def __init__(self, local: datetime, part: str = "") -> None:
        super().__init__(local.isoformat())
        self.local = local
        self.part = part


def local_to_utc(local: datetime, zone: ZoneInfo) -> datetime:
    """Turn a naive local wall-clock time into a UTC instant, refusing times that do not exist.

    An ambiguous time (the hour repeated when clocks move back) resolves to its first
    occurrence, still on summer time; ``is_ambiguous`` lets pages say so.

    Raises:
        NonexistentLocalTime: the time falls in the hour skipped in spring.
    """
    if local.tzinfo is not None:
        raise ValueError("expected a naive local time")
    first = local.replace(tzinfo=zone, fold=0)
    instant = first.astimezone(UTC)
    if instant.astimezone(zone).replace(tzinfo=None) != local:
        raise NonexistentLocalTime(local)
    return instant


def is_ambiguous(instant: datetime, zone: ZoneInfo) -> bool:
    """True when the instant's local time occurs twice that day (autumn fall-back hour)."""
    local = instant.astimezone(zone).replace(tzinfo=None)
    return (
        local.replace(tzinfo=zone, fold=0).utcoffset()
        != local.replace(tzinfo=zone, fold=1).utcoffset()
    )
