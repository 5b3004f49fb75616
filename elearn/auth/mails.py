"""The messages the accounts features send: invitations and password resets."""

from __future__ import annotations

from flask import current_app, has_request_context, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from elearn.accounts.services import IssuedToken
from elearn.core.mail import send_mail
from elearn.core.web import format_local_datetime


def external_url(endpoint: str, **values: str) -> str:
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


def send_invitation(issued: IssuedToken, *, inviter_name: str) -> None:
    """E-mail an invitation link in the invited person's language."""
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
    send_mail(user.email, subject, text)


def send_password_reset(issued: IssuedToken) -> None:
    """E-mail a password reset link in the person's language."""
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
    send_mail(user.email, subject, text)
