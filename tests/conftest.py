"""Shared fixtures: the app on a migrated database, per-test rollback, a real SMTP server,
a client that fills in CSRF tokens, and factories for people and cohorts."""

from __future__ import annotations

import os
import re
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from itertools import count

import pytest
from aiosmtpd.controller import Controller
from flask import Flask, g, has_app_context
from flask.testing import FlaskClient
from flask_migrate import upgrade
from flask_sqlalchemy.session import Session as FlaskSQLAlchemySession

from elearn import create_app
from elearn.accounts.models import Cohort, EmploymentModel, Role, User, UserRole
from elearn.accounts.passwords import hash_password
from elearn.extensions import db as _db
from elearn.extensions import limiter
from tests.dbutil import drop_database, fresh_database

PASSWORD = "correct horse battery staple"  # the factories' default password
CSRF_RE = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def free_port() -> int:
    """A TCP port that is free on 127.0.0.1 right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Mailbox:
    """What arrived at the loopback SMTP server."""

    messages: list[EmailMessage] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        msg = message_from_bytes(envelope.original_content, policy=policy.default)
        with self.lock:
            self.messages.append(msg)
        return "250 Message accepted for delivery"

    def clear(self) -> None:
        with self.lock:
            self.messages.clear()

    def to(self, address: str) -> list[EmailMessage]:
        """Messages addressed to ``address``."""
        with self.lock:
            return [m for m in self.messages if m["To"] == address]

    @staticmethod
    def body(msg: EmailMessage) -> str:
        return msg.get_body(preferencelist=("plain",)).get_content()


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[tuple[Mailbox, int]]:
    """A real SMTP server (aiosmtpd) on loopback for the whole session."""
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield mailbox, port
    controller.stop()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An empty database for the session: SQLite by default, PostgreSQL with DATABASE_URL."""
    url = fresh_database("suite", tmp_path_factory.mktemp("db"))
    yield url
    drop_database(url)


@pytest.fixture(scope="session")
def app(database_url: str, smtp_server: tuple[Mailbox, int]) -> Iterator[Flask]:
    """The application on a database built by the migrations, sending mail by SMTP."""
    _, port = smtp_server
    application = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test-secret-key-that-is-long-enough-for-anything",
            "MAIL_BACKEND": "smtp",
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": port,
            "RATELIMIT_STORAGE_URI": "memory://",
            "ELEARN_BASE_URL": "http://elearn.test",
            # Mail is delivered right after each request's commit, in the request's thread,
            # so a test sees it at once (production uses a sender thread; tests/outbox).
            "ELEARN_MAIL_DELIVERY": "inline",
            # A cheap hash: production-cost scrypt in the factories and logins was about
            # half of the suite's time. Production refuses anything but scrypt.
            # ELEARN_TEST_PASSWORD_HASH=scrypt measures the suite at production cost.
            "ELEARN_PASSWORD_HASH": os.environ.get("ELEARN_TEST_PASSWORD_HASH")
            or "pbkdf2:sha256:1000",
            # Each test has data of its own; tests/reports/test_views.py turns the cache on.
            "ELEARN_REPORT_CACHE_SECONDS": 0,
        }
    )
    with application.app_context():
        upgrade()
        _db.engine.dispose()
    yield application
    with application.app_context():
        _db.engine.dispose()


class _ConnectionBoundSession(FlaskSQLAlchemySession):
    """Flask-SQLAlchemy's session picks an engine by bind key and ignores ``bind``; here every
    statement must go through the test's connection so that the rollback undoes it."""

    def get_bind(self, *args, **kwargs):
        return self.bind


@pytest.fixture(autouse=True)
def db(app: Flask, smtp_server: tuple[Mailbox, int]) -> Iterator[object]:
    """Each test runs inside a transaction that is rolled back at its end.

    The app's own commits become savepoint releases (``join_transaction_mode``), so views
    commit as in production while the test leaves nothing behind.
    """
    smtp_server[0].clear()
    # The limiter is one object for every app a test creates; a second app made with
    # RATELIMIT_ENABLED=False must not leave throttling off for the tests after it.
    limiter.enabled = app.config.get("RATELIMIT_ENABLED", True)
    limiter.reset()
    with app.app_context():
        connection = _db.engine.connect()
        transaction = connection.begin()
        original = _db.session
        _db.session = _db._make_scoped_session(
            {
                "class_": _ConnectionBoundSession,
                "bind": connection,
                "join_transaction_mode": "create_savepoint",
            }
        )
        try:
            yield _db
        finally:
            _db.session.remove()
            _db.session = original
            transaction.rollback()
            connection.close()


@pytest.fixture
def mailbox(smtp_server: tuple[Mailbox, int]) -> Mailbox:
    """Messages delivered to the loopback SMTP server during this test."""
    return smtp_server[0]


class Client(FlaskClient):
    """A test client that can post forms with a valid CSRF token, as a browser would.

    Requests reuse the test's app context (Flask pushes none of its own when one is active),
    so ``g`` is emptied before each request, as a new app context would be in production.
    """

    def open(self, *args, **kwargs):
        if has_app_context():
            for key in list(g):
                g.pop(key)
        return super().open(*args, **kwargs)

    def csrf_token(self) -> str:
        # Every page has the language switcher, which carries the session's token.
        page = self.get("/password-reset").get_data(as_text=True)
        match = CSRF_RE.search(page)
        assert match, "no CSRF token on the page"
        return match.group(1)

    def post_form(self, url: str, data: dict | None = None, **kwargs):
        data = dict(data or {})
        data.setdefault("csrf_token", self.csrf_token())
        return self.post(url, data=data, **kwargs)


@pytest.fixture
def client(app: Flask) -> Client:
    app.test_client_class = Client
    return app.test_client()


@pytest.fixture
def runner(app: Flask):
    return app.test_cli_runner()


_PASSWORD_HASH: list[str] = []
_serial = count(1)


@pytest.fixture
def make_cohort(db) -> Callable[..., Cohort]:
    """Factory: ``make_cohort(name=..., model=EmploymentModel...)``."""

    def make(name: str | None = None, model: EmploymentModel = EmploymentModel.EMPLOYER_MODEL):
        cohort = Cohort(name=name or f"Ryhmä {next(_serial)}", employment_model=model.value)
        db.session.add(cohort)
        db.session.commit()  # releases a savepoint: a view's rollback cannot undo it
        return cohort

    return make


@pytest.fixture
def make_user(db, make_cohort) -> Callable[..., User]:
    """Factory: ``make_user(role="supervisor", email=..., password=..., cohort=...)``.

    Learners get a cohort of their own unless one is given. ``password=None`` makes an
    invited person who has not accepted yet.
    """

    def make(
        role: str | Role | tuple = Role.ASSISTANT,
        *,
        email: str | None = None,
        name: str = "Testi Henkilö",
        password: str | None = PASSWORD,
        cohort: Cohort | None = None,
        language: str = "fi",
        active: bool = True,
    ) -> User:
        roles = role if isinstance(role, tuple) else (role,)
        roles = tuple(Role(r) for r in roles)
        if password == PASSWORD:
            if not _PASSWORD_HASH:
                _PASSWORD_HASH.append(hash_password(PASSWORD))
            pw_hash = _PASSWORD_HASH[0]
        else:
            pw_hash = hash_password(password) if password else None
        if Role.ASSISTANT in roles and cohort is None:
            cohort = make_cohort()
        user = User(
            email=email or f"person{next(_serial)}@example.fi",
            name=name,
            password_hash=pw_hash,
            language=language,
            is_active=active,
            session_nonce=f"nonce{next(_serial)}",
            cohort=cohort if Role.ASSISTANT in roles else None,
        )
        user.role_rows = [UserRole(role=r.value) for r in roles]
        db.session.add(user)
        db.session.commit()  # releases a savepoint: a view's rollback cannot undo it
        return user

    return make


@pytest.fixture
def login_as(client: Client) -> Callable[[User], Client]:
    """Sign ``user`` in through the real login form (their password must be the default)."""

    def login(user: User, password: str = PASSWORD) -> Client:
        response = client.post_form("/login", {"email": user.email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return client

    return login
