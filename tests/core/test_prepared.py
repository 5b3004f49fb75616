"""A request that only read ends its transaction with COMMIT on PostgreSQL, so psycopg keeps
the statements it has prepared; anything that wrote and did not commit is still rolled back."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from elearn import create_app
from elearn.accounts.models import Cohort
from elearn.extensions import db as _db


@pytest.fixture
def real_app(app, db):
    """A second app on the suite's database with real sessions and one pooled connection
    (the suite's per-test session is bound to the first app's engine)."""
    real = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
            "SECRET_KEY": app.config["SECRET_KEY"],
            "RATELIMIT_ENABLED": False,
            "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 1, "max_overflow": 0},
        }
    )

    def write_without_commit():
        _db.session.execute(
            sa.insert(Cohort).values(name="Ei tallennettu", employment_model="own_service")
        )
        return "wrote"

    def pending_without_commit():
        _db.session.scalar(sa.select(sa.func.count()).select_from(Cohort))
        _db.session.add(Cohort(name="Ei tallennettu", employment_model="own_service"))
        return "pending"

    def failed_flush_caught():
        _db.session.add(Cohort(name="Kaksoisnimi", employment_model="own_service"))
        _db.session.add(Cohort(name="Kaksoisnimi", employment_model="own_service"))
        try:
            _db.session.flush()
        except sa.exc.IntegrityError:
            return "caught"  # and no rollback: the session's transaction is unusable
        return "flushed"

    real.add_url_rule("/x-test/failed-flush", view_func=failed_flush_caught)
    real.add_url_rule("/x-test/write", view_func=write_without_commit)
    real.add_url_rule("/x-test/pending", view_func=pending_without_commit)
    test_session = db.session
    db.session = db._make_scoped_session({})
    try:
        yield real
    finally:
        with real.app_context():
            _db.session.execute(
                sa.delete(Cohort).where(Cohort.name.in_(["Ei tallennettu", "Kaksoisnimi"]))
            )
            _db.session.commit()
            _db.session.remove()
            _db.engine.dispose()
        db.session = test_session


def test_read_only_requests_keep_their_prepared_statements(real_app):
    if not real_app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("prepared statements of psycopg: the scenario exists only on PostgreSQL")
    client = real_app.test_client()
    for _ in range(7):  # psycopg prepares a statement on its fifth run on a connection
        assert client.get("/healthz").status_code == 200
    with real_app.app_context():
        prepared = _db.session.scalar(
            sa.text("SELECT count(*) FROM pg_prepared_statements WHERE statement = 'SELECT 1'")
        )
    assert prepared == 1


@pytest.mark.parametrize("path", ["/x-test/write", "/x-test/pending"])
def test_a_request_that_did_not_commit_its_changes_leaves_nothing(real_app, path):
    client = real_app.test_client()
    assert client.get(path).status_code == 200
    with real_app.app_context():
        left = _db.session.scalar(
            sa.select(sa.func.count()).select_from(Cohort).where(Cohort.name == "Ei tallennettu")
        )
    assert left == 0


def test_a_request_left_with_a_failed_flush_still_answers(real_app):
    # Its transaction can only be rolled back: the end of the request must not try more.
    client = real_app.test_client()
    response = client.get("/x-test/failed-flush")
    assert response.status_code == 200 and response.get_data(as_text=True) == "caught"
    assert client.get("/healthz").status_code == 200
    with real_app.app_context():
        left = _db.session.scalar(
            sa.select(sa.func.count()).select_from(Cohort).where(Cohort.name == "Kaksoisnimi")
        )
    assert left == 0
