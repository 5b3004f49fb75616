"""``ELEARN_COUNT_QUERIES``: the number of SQL statements of a request in a response header."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from elearn import create_app
from elearn.accounts.models import Cohort, Role, User, UserRole
from elearn.accounts.passwords import hash_password
from elearn.config import from_environment
from elearn.core.querycount import HEADER
from elearn.extensions import db as _db


def test_off_by_default(client, monkeypatch, tmp_path):
    monkeypatch.delenv("ELEARN_COUNT_QUERIES", raising=False)
    assert from_environment(str(tmp_path))["ELEARN_COUNT_QUERIES"] is False
    monkeypatch.setenv("ELEARN_COUNT_QUERIES", "1")
    assert from_environment(str(tmp_path))["ELEARN_COUNT_QUERIES"] is True
    assert HEADER not in client.get("/healthz").headers


@pytest.fixture
def counting_app(app, db):
    """A second app on the suite's database with counting on, using real sessions (the
    suite's per-test session is bound to the first app's engine, which this one does not see)."""
    counting = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
            "SECRET_KEY": app.config["SECRET_KEY"],
            "ELEARN_COUNT_QUERIES": True,
            "RATELIMIT_ENABLED": False,
        }
    )
    test_session = db.session
    db.session = db._make_scoped_session({})
    with counting.app_context():
        cohort = Cohort(name="Laskuri", employment_model="own_service")
        user = User(
            email="laskuri@example.fi",
            name="Laskuri",
            password_hash=hash_password("laskurin salasana 1"),
            session_nonce="n" * 16,
            cohort=cohort,
        )
        user.role_rows = [UserRole(role=Role.ASSISTANT.value)]
        _db.session.add(user)
        _db.session.commit()
        ids = (user.id, cohort.id)
    try:
        yield counting
    finally:
        with counting.app_context():
            _db.session.execute(sa.delete(User).where(User.id == ids[0]))
            _db.session.execute(sa.delete(Cohort).where(Cohort.id == ids[1]))
            _db.session.commit()
            _db.session.remove()
            _db.engine.dispose()
        db.session = test_session


def test_counts_the_statements_of_each_request(counting_app):
    client = counting_app.test_client()
    assert client.get("/healthz").headers[HEADER] == "1"  # SELECT 1, nothing else
    page = client.get("/login")
    token = page.get_data(as_text=True).split('name="csrf_token" type="hidden" value="')[1]
    client.post(
        "/login",
        data={
            "email": "laskuri@example.fi",
            "password": "laskurin salasana 1",
            "csrf_token": token.split('"')[0],
        },
    )
    overview = client.get("/modules/")
    assert overview.status_code == 200
    # The learner with their roles (one query) and their progress (one): no per-module loop
    # (the limit for learner pages is ten).
    assert overview.headers[HEADER] == "2"
    # A new request starts from zero again.
    assert client.get("/healthz").headers[HEADER] == "1"


def test_the_learners_front_page_needs_few_statements(counting_app):
    # The front page gathers progress, discussions, surveys and news: one query each, not
    # one per module (the limit for learner pages is ten; bench/ measures it under load).
    client = counting_app.test_client()
    page = client.get("/login")
    token = page.get_data(as_text=True).split('name="csrf_token" type="hidden" value="')[1]
    client.post(
        "/login",
        data={
            "email": "laskuri@example.fi",
            "password": "laskurin salasana 1",
            "csrf_token": token.split('"')[0],
        },
    )
    home = client.get("/")
    assert home.status_code == 200 and "Jatka tästä" in home.get_data(as_text=True)
    assert int(home.headers[HEADER]) <= 7, home.headers[HEADER]
