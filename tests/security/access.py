"""Requests as each role against the world, each undone afterwards, for the matrix tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from flask import Flask

from tests.conftest import CSRF_RE, PASSWORD

IGNORED_METHODS = {"HEAD", "OPTIONS"}


def outcome(response) -> str:
    """``login`` for a redirect to the login page, else the status code as text."""
    if response.status_code in (301, 302, 303, 307, 308):
        path = response.location.split("?", 1)[0]
        if path.endswith("/login"):
            return "login"
    return str(response.status_code)


class RoleClient:
    """A test client signed in as one person (or nobody), with a CSRF token for that session.

    ``isolated`` runs one request inside a savepoint that is rolled back afterwards and puts
    the session cookie back, so every request meets the same world and the same session.
    """

    def __init__(self, app: Flask, client, db, user=None) -> None:
        self.app, self.client, self.db = app, client, db
        if user is not None:
            response = client.post_form("/login", {"email": user.email, "password": PASSWORD})
            assert response.status_code == 302, "could not log in as " + user.email
        page = client.get("/password-reset").get_data(as_text=True)
        self.token = CSRF_RE.search(page).group(1)
        self.cookie_name = app.config["SESSION_COOKIE_NAME"]

    @contextmanager
    def isolated(self) -> Iterator[None]:
        cookie = self.client.get_cookie(self.cookie_name)
        connection = self.db.session.get_bind()
        self.db.session.commit()
        savepoint = connection.begin_nested()
        try:
            yield
        finally:
            self.db.session.rollback()
            savepoint.rollback()
            self.db.session.expire_all()
            if cookie is None:
                self.client.delete_cookie(self.cookie_name)
            else:
                self.client.set_cookie(self.cookie_name, cookie.value)

    def request(self, method: str, url: str, data: dict | None = None, token: bool = True):
        """Send one request inside ``isolated``; POSTs carry the session's CSRF token."""
        body = dict(data or {})
        if token and method != "GET":
            body.setdefault("csrf_token", self.token)
        with self.isolated():
            return self.client.open(url, method=method, data=body if method != "GET" else None)


def login_client_factory(app: Flask, db, world) -> Callable[[str], RoleClient]:
    """``make(role)``: a RoleClient on a fresh test client for that role of the world."""

    def make(role: str) -> RoleClient:
        client = app.test_client()
        user = None if role == "anonymous" else world.people[role]
        return RoleClient(app, client, db, user)

    return make
