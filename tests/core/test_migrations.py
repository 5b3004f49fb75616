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


def as_it_was(model, *columns: str) -> sa.TableClause:
    """A model's table with only these columns, for rows written into an older schema: the
    model's later columns (and their defaults) do not exist there yet."""
    table = model.__table__
    return sa.table(table.name, *(sa.column(c, table.c[c].type) for c in columns))


def test_the_activity_summaries_are_filled_from_the_records_already_there(tmp_path):
    """Upgrading a database that has readings and attempts fills the reports' summaries."""
    from datetime import UTC, datetime, timedelta

    from elearn.accounts.models import User
    from elearn.courses.services import get_course
    from elearn.progress.models import SectionRead
    from elearn.quizzes.models import QuizAttempt

    url = fresh_database("backfill", tmp_path)
    at = datetime(2026, 3, 2, 8, tzinfo=UTC)
    try:
        app = create_app({"DATABASE_URL": url, "TESTING": True})
        with app.app_context():
            upgrade(revision="fa82419fe799")  # the revision before the summaries
            module = get_course().modules[0]
            question = module.quiz.questions[0]
            scores = {q.key: 1.0 for q in module.quiz.questions}
            users = as_it_was(User, "id", "email", "name", "session_nonce", "language",
                              "is_active", "created_at")  # fmt: skip
            with db.engine.begin() as conn:
                uid = conn.execute(
                    sa.insert(users).returning(users.c.id),
                    {"email": "vanha@example.fi", "name": "Vanha", "session_nonce": "n",
                     "language": "fi", "is_active": True, "created_at": at},
                ).scalar_one()  # fmt: skip
                conn.execute(
                    sa.insert(as_it_was(SectionRead, "user_id", "module_key", "read_at",
                                        "section_key", "content_hash")),  # fmt: skip
                    {"user_id": uid, "module_key": module.key, "read_at": at,
                     "section_key": module.sections[0].key, "content_hash": "x"},
                )  # fmt: skip
                for k, score in enumerate((40.0, 100.0)):
                    conn.execute(
                        sa.insert(as_it_was(QuizAttempt, "user_id", "module_key", "quiz_hash",
                                            "status", "layout", "score", "answers",
                                            "question_scores", "passed", "started_at",
                                            "submitted_at")),  # fmt: skip
                        {"user_id": uid, "module_key": module.key, "quiz_hash": "x",
                         "status": "submitted", "layout": [], "score": score,
                         "answers": {question.key: ["a"]}, "question_scores": scores,
                         "passed": score == 100.0, "started_at": at + timedelta(hours=k),
                         "submitted_at": at + timedelta(hours=k, minutes=5)},
                    )  # fmt: skip
            upgrade()
            with db.engine.connect() as conn:
                row = conn.execute(sa.text("SELECT * FROM module_activities")).mappings().one()
                answers = conn.execute(sa.text("SELECT * FROM quiz_first_answers")).all()
            assert row["user_id"] == uid and row["module_key"] == module.key
            assert row["read_keys"] == f",{module.sections[0].key},"
            assert (row["attempts"], row["best_score"], row["first_score"]) == (2, 100.0, 40.0)
            assert row["attempts_to_pass"] == 2
            assert len(answers) == len(module.quiz.questions)
            db.engine.dispose()
    finally:
        drop_database(url)
