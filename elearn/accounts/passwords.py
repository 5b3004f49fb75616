"""Password policy and hashing (scrypt through Werkzeug)."""

from __future__ import annotations

from functools import cache
from importlib import resources

from werkzeug.security import check_password_hash, generate_password_hash

# A fixed hash to compare against when the account does not exist, so that a wrong e-mail
# costs as much time as a wrong password and timing does not reveal which accounts exist.
_DUMMY_HASH = generate_password_hash("not-a-real-password-just-for-timing")


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
    """Hash a password with Werkzeug's default (scrypt)."""
    return generate_password_hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Check a password; spends the same time when there is no hash to check against."""
    if password_hash is None:
        check_password_hash(_DUMMY_HASH, password)
        return False
    return check_password_hash(password_hash, password)
