"""One request lifecycle (core.lifecycle): the request's transaction is committed in one
place when the answer is a success and rolled back otherwise; a GET writes only when it is
declared to; a commit that fails answers "please try again" (503) and saves nothing; a read
that ends with COMMIT keeps psycopg's prepared statements on PostgreSQL."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
import sqlalchemy.orm as so
from sqlalchemy import event

from elearn import create_app
from elearn.accounts.models import Cohort
from elearn.accounts.services import CohortNameTaken
from elearn.core.lifecycle import writes
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
            "WTF_CSRF_ENABLED": False,
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

    def raises_after_writing():
        _db.session.add(Cohort(name="Ei tallennettu", employment_model="own_service"))
        _db.session.flush()
        raise RuntimeError("a bug after the first write")

    def refused_after_writing():
        _db.session.add(Cohort(name="Ei tallennettu", employment_model="own_service"))
        _db.session.flush()
        raise CohortNameTaken()

    def post_writes():
        _db.session.add(Cohort(name="Tallennettu", employment_model="own_service"))
        return "saved"

    real.add_url_rule("/x-test/failed-flush", view_func=failed_flush_caught, methods=["POST"])
    real.add_url_rule("/x-test/write", view_func=write_without_commit)
    real.add_url_rule("/x-test/pending", view_func=pending_without_commit)

    @writes
    def declared_writer():
        return pending_without_commit()

    real.add_url_rule("/x-test/declared", view_func=declared_writer)
    real.add_url_rule("/x-test/raises", view_func=raises_after_writing, methods=["POST"])
    real.add_url_rule("/x-test/refused", view_func=refused_after_writing, methods=["POST"])
    real.add_url_rule("/x-test/post", view_func=post_writes, methods=["POST"])
    test_session = db.session
    db.session = db._make_scoped_session({})
    try:
        yield real
    finally:
        with real.app_context():
            _db.session.execute(
                sa.delete(Cohort).where(
                    Cohort.name.in_(["Ei tallennettu", "Kaksoisnimi", "Tallennettu"])
                )
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


def _count(name: str) -> int:
    return _db.session.scalar(
        sa.select(sa.func.count()).select_from(Cohort).where(Cohort.name == name)
    )


@pytest.mark.parametrize("path", ["/x-test/write", "/x-test/pending"])
def test_a_get_that_writes_undeclared_is_an_error_and_saves_nothing(real_app, path):
    # In development and tests an undeclared write in a GET is a bug made visible.
    client = real_app.test_client()
    assert client.get(path).status_code == 500
    with real_app.app_context():
        assert _count("Ei tallennettu") == 0


def test_a_get_declared_as_writing_commits(real_app):
    client = real_app.test_client()
    assert client.get("/x-test/declared").status_code == 200
    with real_app.app_context():
        assert _count("Ei tallennettu") == 1


def test_a_successful_post_commits_once(real_app):
    commits = []
    listener = lambda session: commits.append(session)  # noqa: E731
    event.listen(so.Session, "after_commit", listener)
    try:
        response = real_app.test_client().post("/x-test/post")
    finally:
        event.remove(so.Session, "after_commit", listener)
    assert response.status_code == 200 and len(commits) == 1
    with real_app.app_context():
        assert _count("Tallennettu") == 1


def test_an_exception_after_a_write_leaves_nothing(real_app):
    response = real_app.test_client().post("/x-test/raises")
    assert response.status_code == 500
    with real_app.app_context():
        assert _count("Ei tallennettu") == 0


def test_a_domain_error_rolls_back_and_tells_why(real_app):
    client = real_app.test_client()
    response = client.post("/x-test/refused", headers={"Referer": "http://localhost/admin/cohorts"})
    assert response.status_code == 302 and response.location.endswith("/admin/cohorts")
    with real_app.app_context():
        assert _count("Ei tallennettu") == 0
    with client.session_transaction() as session:
        assert session["_flashes"] == [("error", "Toisella ryhmällä on jo tämä nimi.")]


def test_a_request_whose_commit_fails_answers_try_again_and_saves_nothing(real_app):
    # The view caught a failed flush and answered as if all went well: its transaction can
    # only be rolled back, so the commit fails and the person is told to try again.
    client = real_app.test_client()
    response = client.post("/x-test/failed-flush")
    page = response.get_data(as_text=True)
    assert response.status_code == 503 and "Yritä hetken kuluttua uudelleen" in page
    assert client.get("/healthz").status_code == 200
    with real_app.app_context():
        left = _db.session.scalar(
            sa.select(sa.func.count()).select_from(Cohort).where(Cohort.name == "Kaksoisnimi")
        )
    assert left == 0


@pytest.fixture
def commits(app):
    """Counts the session commits (of the outermost transaction) while the test runs; mail
    is left to the sender (cron), whose own small commits come after the request."""
    counted: list[object] = []

    def listener(session):
        counted.append(session)

    original = app.config["ELEARN_MAIL_DELIVERY"]
    app.config["ELEARN_MAIL_DELIVERY"] = "cron"
    event.listen(so.Session, "after_commit", listener)
    try:
        yield counted
    finally:
        event.remove(so.Session, "after_commit", listener)
        app.config["ELEARN_MAIL_DELIVERY"] = original


def test_a_booking_a_quiz_submission_and_a_memo_each_commit_once(
    app, client, login_as, make_user, make_cohort, db, commits
):
    from datetime import timedelta

    from elearn.accounts.models import Role
    from elearn.core.time import utcnow
    from elearn.courses.services import get_course
    from elearn.discussions import services as discussions
    from tests.discussions.util import plan, supervise

    supervisor = make_user(Role.SUPERVISOR)
    learner = make_user(cohort=make_cohort())
    supervise(db, supervisor, learner)
    (slot,) = discussions.create_slots(supervisor, [plan(utcnow() + timedelta(days=3))])
    db.session.commit()
    with app.test_request_context():
        module = get_course().modules[0]
    login_as(learner)
    token = client.csrf_token()

    commits.clear()
    booked = client.post(
        f"/discussions/slots/{slot.id}/book", data={"csrf_token": token, "module_key": ""}
    )
    assert booked.status_code == 302 and len(commits) == 1

    page = client.get(f"/modules/{module.key}/quiz").get_data(as_text=True)
    attempt = re.search(r'name="attempt" value="(\d+)"', page).group(1)
    answers = {
        f"q-{q.key}": [o.key for o in q.options if o.correct][:1] for q in module.quiz.questions
    }
    commits.clear()
    submitted = client.post(
        f"/modules/{module.key}/quiz", data={"csrf_token": token, "attempt": attempt, **answers}
    )
    assert submitted.status_code == 302 and len(commits) == 1

    booking = discussions.learner_bookings(learner.id)[0]
    booking.slot.starts_at = utcnow() - timedelta(hours=2)
    booking.slot.ends_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    client.post("/logout", data={"csrf_token": token})
    login_as(supervisor)
    token = client.csrf_token()
    commits.clear()
    memo = client.post(
        f"/discussions/bookings/{booking.id}/prepare",
        data={"csrf_token": token, "attendance": "attended", "summary": "Puhuimme."},
    )
    assert memo.status_code == 302 and len(commits) == 1


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("connection socket closed", True),  # psycopg 3, the socket gone mid-statement
        ("consuming input failed: server closed the connection unexpectedly", True),
        ("terminating connection due to administrator command", True),
        ("database is locked", True),
        ('relation "users" does not exist', False),  # a bug, not a passing condition
    ],
)
def test_a_lost_connection_is_told_from_a_bug(message, expected):
    from elearn.core.lifecycle import is_unavailable

    error = sa.exc.OperationalError("SELECT 1", {}, Exception(message))
    assert is_unavailable(error) is expected


def test_a_failed_ping_that_surfaces_as_another_error_is_a_lost_connection():
    from elearn.core.lifecycle import is_unavailable

    try:
        try:
            raise OSError("connection socket closed")
        except OSError:
            raise RuntimeError("can't change 'autocommit' now: in transaction")  # noqa: B904
    except RuntimeError as driver_error:
        error = sa.exc.ProgrammingError("SELECT 1", {}, driver_error)
    assert is_unavailable(error)
    assert not is_unavailable(sa.exc.ProgrammingError("SELECT 1", {}, RuntimeError("syntax")))
