"""The migrations build the schema from an empty database and agree with the models."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from elearn import create_app
from elearn.extensions import db
from tests.dbutil import drop_database, fresh_database


def _diff(engine) -> list:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def test_upgrade_from_empty_matches_the_models(tmp_path):
    url = fresh_database("migrations", tmp_path)
    try:
        app = create_app({"DATABASE_URL": url, "TESTING": True})
        with app.app_context():
            upgrade()
            assert _diff(db.engine) == []
            tables = set(sa.inspect(db.engine).get_table_names())
            assert {"users", "user_roles", "cohorts", "cohort_supervisors", "user_tokens"} <= tables
            # Down to nothing and up again: every migration can be undone.
            downgrade(revision="base")
            assert set(sa.inspect(db.engine).get_table_names()) <= {"alembic_version"}
            upgrade()
            assert _diff(db.engine) == []
            db.engine.dispose()
    finally:
        drop_database(url)


def test_the_suite_database_is_in_step_with_the_models(app):
    with app.app_context():
        assert _diff(db.engine) == []


def _refused(db, sql: str, **params) -> bool:
    """True when the database refuses the statement with an integrity error."""
    try:
        with db.session.begin_nested():
            db.session.execute(sa.text(sql), params)
    except sa.exc.IntegrityError:
        return True
    return False


def test_constraints_hold_in_the_database(app, db, make_user):
    user = make_user()
    assert _refused(db, "UPDATE users SET language = 'xx' WHERE id = :id", id=user.id)
    assert _refused(
        db, "INSERT INTO user_roles (user_id, role) VALUES (:id, 'superuser')", id=user.id
    )
    # Foreign keys are enforced on SQLite too.
    assert _refused(db, "INSERT INTO user_roles (user_id, role) VALUES (987654, 'admin')")
    assert not _refused(
        db, "INSERT INTO user_roles (user_id, role) VALUES (:id, 'admin')", id=user.id
    )
