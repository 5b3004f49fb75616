"""Settings from the environment, with safe development defaults.

Every variable is documented in the README. In production (``ELEARN_ENV=production``) the
app refuses to start with a missing or development secret key.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

DEV_SECRET_KEY = "dev-only-insecure-secret-key"  # noqa: S105 - the known-bad value we refuse in production

ENVIRONMENTS = ("development", "production", "test")


class ConfigError(RuntimeError):
    """The environment describes a set-up the app must not run with."""


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from exc


def normalise_database_url(url: str) -> str:
    """Use the psycopg 3 driver for plain ``postgresql://`` URLs."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def from_environment(instance_path: str) -> dict[str, Any]:
    """Read the configuration from environment variables."""
    env = os.environ.get("ELEARN_ENV", "development").strip().lower() or "development"
    if env not in ENVIRONMENTS:
        raise ConfigError(f"ELEARN_ENV must be one of {', '.join(ENVIRONMENTS)}, got {env!r}")
    default_db = "sqlite:///" + str(Path(instance_path) / "elearn.sqlite3")
    production = env == "production"
    return {
        "ELEARN_ENV": env,
        "SECRET_KEY": os.environ.get("SECRET_KEY", "") or DEV_SECRET_KEY,
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(
            os.environ.get("DATABASE_URL", "") or default_db
        ),
        "ELEARN_TIMEZONE": os.environ.get("ELEARN_TIMEZONE", "") or "Europe/Helsinki",
        "ELEARN_BASE_URL": (
            os.environ.get("ELEARN_BASE_URL", "") or "http://127.0.0.1:5000"
        ).rstrip("/"),
        "ELEARN_INVITATION_DAYS": _int("ELEARN_INVITATION_DAYS", 7),
        "ELEARN_RESET_HOURS": _int("ELEARN_RESET_HOURS", 2),
        "ELEARN_PASSWORD_MIN_LENGTH": _int("ELEARN_PASSWORD_MIN_LENGTH", 10),
        # Werkzeug's hashing method for passwords. scrypt, always, except in the test suite.
        "ELEARN_PASSWORD_HASH": os.environ.get("ELEARN_PASSWORD_HASH", "") or "scrypt",
        # Mail: "log" writes messages to the application log (development), "smtp" sends them.
        "MAIL_BACKEND": os.environ.get("MAIL_BACKEND", "") or ("smtp" if production else "log"),
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", "") or "127.0.0.1",
        "MAIL_PORT": _int("MAIL_PORT", 25),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD", ""),
        "MAIL_USE_TLS": _bool(os.environ.get("MAIL_USE_TLS")),
        "MAIL_USE_SSL": _bool(os.environ.get("MAIL_USE_SSL")),
        "MAIL_FROM": os.environ.get("MAIL_FROM", "") or "elearn <noreply@localhost>",
        "MAIL_TIMEOUT": _int("MAIL_TIMEOUT", 10),
        # Who delivers the outbox: "thread" (a sender in each app process, woken after each
        # commit that queued mail, and every ELEARN_MAIL_INTERVAL seconds) or "cron" (only
        # `flask mail send`). "inline" delivers in the request's thread: tests only.
        "ELEARN_MAIL_DELIVERY": os.environ.get("ELEARN_MAIL_DELIVERY", "") or "thread",
        "ELEARN_MAIL_INTERVAL": _int("ELEARN_MAIL_INTERVAL", 60),
        # Login throttling: memory:// in one process; redis://host:port/0 for several app servers.
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "") or "memory://",
        "RATELIMIT_KEY_PREFIX": os.environ.get("RATELIMIT_KEY_PREFIX", "") or "elearn",
        # memory:// counts attempts in each process; production runs several, so it needs a
        # shared store unless it really is one process (this says so).
        "ELEARN_SINGLE_PROCESS": _bool(os.environ.get("ELEARN_SINGLE_PROCESS")),
        "ELEARN_LOGIN_LIMIT_ACCOUNT": os.environ.get("ELEARN_LOGIN_LIMIT_ACCOUNT", "")
        or "5 per 15 minutes",
        "ELEARN_LOGIN_LIMIT_ADDRESS": os.environ.get("ELEARN_LOGIN_LIMIT_ADDRESS", "")
        or "20 per 15 minutes",
        # Attempts to change one's e-mail address (each tells whether an address is taken).
        "ELEARN_EMAIL_CHANGE_LIMIT": os.environ.get("ELEARN_EMAIL_CHANGE_LIMIT", "")
        or "5 per hour",
        # A signed-in session unused for this long ends (0: never).
        "ELEARN_IDLE_MINUTES": _int("ELEARN_IDLE_MINUTES", 60),
        "SESSION_COOKIE_SECURE": _bool(os.environ.get("SESSION_COOKIE_SECURE"), production),
        "REMEMBER_COOKIE_SECURE": _bool(os.environ.get("SESSION_COOKIE_SECURE"), production),
        "ELEARN_TRUSTED_PROXIES": _int("ELEARN_TRUSTED_PROXIES", 0),
        "ELEARN_CONTENT_DIR": os.environ.get("ELEARN_CONTENT_DIR", ""),
        # How often each app process looks for a newly published content version.
        "ELEARN_CONTENT_CHECK_SECONDS": _int("ELEARN_CONTENT_CHECK_SECONDS", 1),
        # Where published versions are written out to be served (default: instance/content).
        "ELEARN_CONTENT_CACHE": os.environ.get("ELEARN_CONTENT_CACHE", ""),
        # The largest video (or captions, transcript) file a trainer may upload, in bytes.
        # The upload addresses accept requests this large; every other keeps
        # MAX_CONTENT_LENGTH.
        "ELEARN_MEDIA_MAX_BYTES": _int("ELEARN_MEDIA_MAX_BYTES", 200 * 1024 * 1024),
        # Course completion also needs an attended reflective discussion when this is on.
        "ELEARN_REQUIRE_DISCUSSION": _bool(os.environ.get("ELEARN_REQUIRE_DISCUSSION"), True),
        "ELEARN_CANCEL_HOURS": _int("ELEARN_CANCEL_HOURS", 24),
        "ELEARN_ONE_UPCOMING_BOOKING": _bool(os.environ.get("ELEARN_ONE_UPCOMING_BOOKING"), True),
        "ELEARN_REMINDER_HOURS": _int("ELEARN_REMINDER_HOURS", 24),
        # A memo the learner has not confirmed is reminded of once, this many days after.
        "ELEARN_MEMO_REMINDER_DAYS": _int("ELEARN_MEMO_REMINDER_DAYS", 3),
        "ELEARN_SURVEY_DIR": os.environ.get("ELEARN_SURVEY_DIR", ""),
        # Feedback results of a group are shown only from this many responses.
        "ELEARN_FEEDBACK_MIN_RESPONSES": _int("ELEARN_FEEDBACK_MIN_RESPONSES", 5),
        "ELEARN_REPORT_MIN_ANSWERS": _int("ELEARN_REPORT_MIN_ANSWERS", 10),
        # Report figures are reused for this long (0: computed on every page view).
        "ELEARN_REPORT_CACHE_SECONDS": _int("ELEARN_REPORT_CACHE_SECONDS", 60),
        # The trainers' dashboard counts a learner as stuck after this many days without
        # reading or submitting anything (having started, not completed).
        "ELEARN_STUCK_DAYS": _int("ELEARN_STUCK_DAYS", 14),
        # Accessibility statement: who takes accessibility feedback, and when it was assessed.
        "ELEARN_ACCESSIBILITY_CONTACT": os.environ.get("ELEARN_ACCESSIBILITY_CONTACT", ""),
        "ELEARN_ACCESSIBILITY_ASSESSED": os.environ.get("ELEARN_ACCESSIBILITY_ASSESSED", "")
        or "2026-11-22",
        "ELEARN_ORGANISATION": os.environ.get("ELEARN_ORGANISATION", "")
        or "Keski-Uudenmaan hyvinvointialue",
        # The benchmark: count SQL statements per request into the X-Query-Count header.
        "ELEARN_COUNT_QUERIES": _bool(os.environ.get("ELEARN_COUNT_QUERIES")),
        # Retention (days; 0 keeps forever): supervisors' memos and learners' journal entries
        # are cleared by `flask privacy apply-retention` once this old. See the README.
        "ELEARN_RETENTION_MEMO_DAYS": _int("ELEARN_RETENTION_MEMO_DAYS", 365),
        "ELEARN_RETENTION_JOURNAL_DAYS": _int("ELEARN_RETENTION_JOURNAL_DAYS", 365),
    }


DEFAULTS: dict[str, Any] = {
    "SQLALCHEMY_TRACK_MODIFICATIONS": False,
    # Test each pooled connection before use, so a database restart (or an administrator
    # ending connections) costs one reconnect instead of an error page.
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_NAME": "elearn_session",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "PERMANENT_SESSION_LIFETIME": 60 * 60 * 8,
    "WTF_CSRF_TIME_LIMIT": 60 * 60 * 8,
    # Every form but the editor's uploads, which may be as large as ELEARN_MEDIA_MAX_BYTES
    # (elearn/authoring/media.py raises the limit for those requests only).
    "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
    "BABEL_DEFAULT_LOCALE": "fi",
    "LANGUAGES": ("fi", "sv", "en"),
    "RATELIMIT_HEADERS_ENABLED": False,
}


def check_production(config: dict[str, Any]) -> None:
    """Refuse to run production with settings that would make it unsafe.

    Raises:
        ConfigError: with a message that says what to set.
    """
    if config.get("ELEARN_ENV") != "production":
        return
    key = config.get("SECRET_KEY") or ""
    if key == DEV_SECRET_KEY or len(key) < 32:
        raise ConfigError(
            "ELEARN_ENV=production needs SECRET_KEY set to a long random value (at least 32 "
            "characters), for example the output of: python3 -c 'import secrets; "
            "print(secrets.token_urlsafe(48))'"
        )
    if str(config.get("RATELIMIT_STORAGE_URI", "")).startswith("memory://") and not config.get(
        "ELEARN_SINGLE_PROCESS"
    ):
        raise ConfigError(
            "RATELIMIT_STORAGE_URI=memory:// counts login attempts in each process, so with "
            "several gunicorn workers every limit lets through that many times more attempts. "
            "Set RATELIMIT_STORAGE_URI=redis://127.0.0.1:6379/0 (or another shared store), "
            "or ELEARN_SINGLE_PROCESS=1 if you really serve with one process."
        )
    if config.get("ELEARN_PASSWORD_HASH") != "scrypt":
        raise ConfigError("ELEARN_PASSWORD_HASH must be scrypt in production.")
    if config.get("ELEARN_MAIL_DELIVERY") not in ("thread", "cron"):
        raise ConfigError("ELEARN_MAIL_DELIVERY must be thread or cron in production.")
    if config.get("MAIL_BACKEND") == "log":
        raise ConfigError(
            "MAIL_BACKEND=log writes whole messages (addresses, names, links) to the log and is "
            "for development only; set MAIL_BACKEND=smtp and MAIL_SERVER in production."
        )
