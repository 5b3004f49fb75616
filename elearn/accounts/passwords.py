"""Password policy and hashing (scrypt through Werkzeug).

The hashing method is scrypt in every real set-up; the test suite sets a cheap one
(``ELEARN_PASSWORD_HASH``), because production-cost hashing was half of its running time.
Production refuses anything but scrypt (``config.check_production``).
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from flask import current_app, has_app_context
from werkzeug.security import check_password_hash, generate_password_hash

DEFAULT_METHOD = "scrypt"
_method = [DEFAULT_METHOD]


def set_method(method: str) -> None:
    """Use ``method`` (a Werkzeug hashing method) outside an app context."""
    _method[0] = method or DEFAULT_METHOD


def _current_method() -> str:
    """The app's own method (each app of a process keeps its own), else the default."""
    if has_app_context():
        return current_app.config.get("ELEARN_PASSWORD_HASH") or DEFAULT_METHOD
    return _method[0]


@cache
def _dummy_hash(method: str) -> str:
    # A fixed hash to compare against when the account does not exist, so that a wrong
    # e-mail costs as much time as a wrong password and timing does not reveal which
    # accounts exist.
    return generate_password_hash("not-a-real-password-just-for-timing", method=method)


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list of common and easily guessed passwords, lower-cased."""
    text = resources.files("elearn.data").joinpath("common_passwords.txt").read_text("utf-8")
    return frozenset(
        line.strip().lower()
        for line in text.splitlines()
        if line.strip() and not line.startswith("#")
    )


class PasswordProblem(ValueError):
    """The password breaks the policy; ``code`` says how."""

    def __init__(self, code: str, min_length: int = 0) -> None:
        super().__init__(code)
        self.code = code
        self.min_length = min_length


def check_policy(password: str, *, min_length: int, email: str = "", name: str = "") -> None:
    """Check a new password against the policy.

    Raises:
        PasswordProblem: code ``too_short``, ``too_long``, ``common`` or ``personal``.
    """
    if len(password) < min_length:
        raise PasswordProblem("too_short", min_length)
    if len(password) > 256:
        raise PasswordProblem("too_long")
    lowered = password.lower()
    if lowered in common_passwords() or len(set(lowered)) <= 2:
        raise PasswordProblem("common")
    local = email.split("@", 1)[0].lower()
    personal = {p for p in (email.lower(), local, name.lower().replace(" ", "")) if len(p) >= 4}
    if any(p in lowered.replace(" ", "") for p in personal):
        raise PasswordProblem("personal")


def hash_password(password: str) -> str:
    """Hash a password with the configured method (scrypt)."""
    return generate_password_hash(password, method=_current_method())


def verify_password(password_hash: str | None, password: str) -> bool:
    """Check a password; spends the same time when there is no hash to check against."""
    if password_hash is None:
        check_password_hash(_dummy_hash(_current_method()), password)
        return False
    return check_password_hash(password_hash, password)
