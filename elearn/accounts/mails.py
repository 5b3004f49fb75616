"""The messages the accounts features send: invitations and password resets (queued in the
outbox with the change that causes them)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from flask import current_app, has_request_context, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from elearn.core.i18n import format_local_datetime
from elearn.outbox import services as outbox

if TYPE_CHECKING:
    from elearn.accounts.services import IssuedToken


def external_url(endpoint: str, **values: Any) -> str:
    """An absolute link based on ``ELEARN_BASE_URL`` (works in requests and in commands)."""
    if has_request_context():
        path = url_for(endpoint, **values)
    else:
        with current_app.test_request_context():
            path = url_for(endpoint, **values)
    return current_app.config["ELEARN_BASE_URL"] + path


def invitation_url(issued: IssuedToken) -> str:
    """The one-time link for an invitation."""
    return external_url("auth.accept", secret=issued.secret)


def queue_invitation(issued: IssuedToken, *, inviter_name: str, now: datetime) -> None:
    """Queue an invitation link in the invited person's language."""
    user = issued.token.user
    with force_locale(user.language):
        subject = _("Invitation to the orientation course for personal assistants")
        text = _(
            "Hello,\n\n%(inviter)s has invited you to the orientation course for personal "
            "assistants.\n\nOpen this link to choose your password and start:\n%(url)s\n\n"
            "The link works once and is valid until %(expires)s.\n",
            inviter=inviter_name,
            url=invitation_url(issued),
            expires=format_local_datetime(issued.token.expires_at),
        )
    outbox.enqueue(
        key=f"invitation:{issued.token.id}",
        to=user.email,
        subject=subject,
        body=text,
        user_id=user.id,
        now=now,
    )


def queue_password_reset(issued: IssuedToken, *, now: datetime) -> None:
    """Queue a password reset link in the person's language."""
    user = issued.token.user
    with force_locale(user.language):
        subject = _("Setting a new password")
        text = _(
            "Hello,\n\nSomeone asked to set a new password for your account. If it was you, "
            "open this link:\n%(url)s\n\nThe link works once and is valid until %(expires)s. "
            "If you did not ask for this, you can ignore this message.\n",
            url=external_url("auth.reset_password", secret=issued.secret),
            expires=format_local_datetime(issued.token.expires_at),
        )
    outbox.enqueue(
        key=f"password-reset:{issued.token.id}",
        to=user.email,
        subject=subject,
        body=text,
        user_id=user.id,
        now=now,
    )
