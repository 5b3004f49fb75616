"""Values for the variable parts of every route, pointing at rows the learner owns."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from elearn.accounts import services as accounts
from elearn.accounts.models import Role
from elearn.core.time import utcnow
from elearn.courses.services import get_course


@dataclass
class Links:
    """One-time link secrets, made for the world (the secrets are never stored)."""

    invitation: str
    reset: str


def make_links(world) -> Links:
    """An invitation for a new person and a password reset link for the learner."""
    now = utcnow()
    invited = accounts.invite_user(
        "uusi@example.fi",
        Role.ASSISTANT,
        cohort=world.cohort,
        invited_by=world.admin,
        now=now,
        lifetime=timedelta(days=7),
    )
    reset = accounts.request_password_reset(
        world.learner.email, now=now, lifetime=timedelta(hours=2)
    )
    return Links(invitation=invited.secret, reset=reset.secret)


def section_key(module_key: str) -> str:
    return get_course().module(module_key).sections[0].key


def media_file() -> tuple[str, str]:
    """(module key, file name) of a media file that exists in the course content."""
    for module in get_course().modules:
        if module.media:
            return module.key, sorted(module.media)[0]
    raise AssertionError("no media file in the course content")
