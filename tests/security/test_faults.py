"""Faults: a database error in the middle of a write leaves nothing half-written and the
learner can try again; the app survives the database dropping its connections."""

from __future__ import annotations

import contextlib
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from elearn import create_app
from elearn.accounts.models import Role
from elearn.core.time import utcnow
from elearn.courses.services import get_course
from elearn.discussions import services as discussions
from elearn.discussions.models import Booking, DiscussionSlot, SharedEntry
from elearn.extensions import db as _db
from elearn.feedback.models import SurveyAnswerPool, SurveyParticipation
from elearn.journal import services as journal
from elearn.quizzes.models import QuizAttempt
from tests.discussions.util import plan, supervise

# The localized 500 page (Finnish, the default language).
ERROR_TEXT = "Tapahtui odottamaton virhe"


@contextlib.contextmanager
def failing(prefix: str):
    """Make the database itself fail the first statement starting with ``prefix``.

    The statement is pointed at a table that does not exist, so the error is the driver's
    own (sqlite3.OperationalError, psycopg UndefinedTable), raised mid-transaction.
    """
    fired = []

    def rewrite(conn, cursor, statement, parameters, context, executemany):
        if not fired and statement.lstrip().upper().startswith(prefix.upper()):
            fired.append(statement)
            table = prefix.split()[-1]
            statement = statement.replace(table, table + "_injected_fault", 1)
        return statement, parameters

    event.listen(_db.engine, "before_cursor_execute", rewrite, retval=True)
    try:
        yield fired
    finally:
        event.remove(_db.engine, "before_cursor_execute", rewrite)


def count(model, *where):
    return _db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def test_quiz_submission_fails_whole_and_can_be_retried(app, client, login_as, make_user, db):
    learner = make_user()
    login_as(learner)
    with app.test_request_context():
        module = get_course().modules[0]
    client.get(f"/modules/{module.key}/quiz")
    attempt = db.session.scalar(sa.select(QuizAttempt).where(QuizAttempt.user_id == learner.id))
    form = {f"q-{q.key}": [o.key for o in q.options if o.correct] for q in module.quiz.questions}
    form["attempt"] = attempt.id
    with failing("UPDATE quiz_attempts") as fired:
        response = client.post_form(f"/modules/{module.key}/quiz", form)
    assert fired, "the fault was never injected"
    page = response.get_data(as_text=True)
    assert response.status_code == 500 and ERROR_TEXT in page and "Traceback" not in page
    db.session.expire_all()
    again = db.session.get(QuizAttempt, attempt.id)
    assert (again.status, again.score, again.answers, again.submitted_at) == (
        "open",
        None,
        None,
        None,
    )
    retry = client.post_form(f"/modules/{module.key}/quiz", form)
    assert retry.status_code == 302
    db.session.expire_all()
    done = db.session.get(QuizAttempt, attempt.id)
    assert done.status == "submitted" and done.score == 100 and done.passed


def test_booking_fails_whole_and_can_be_retried(
    app, client, login_as, make_user, make_cohort, db, mailbox
):
    supervisor = make_user(Role.SUPERVISOR)
    learner = make_user(cohort=make_cohort())
    supervise(db, supervisor, learner)
    with app.test_request_context():
        module = get_course().modules[0]
        (slot,) = discussions.create_slots(supervisor, [plan(utcnow() + timedelta(days=5))])
        entry = journal.save_answer(learner.id, module.key, 1, "K?", "Vastaus", now=utcnow())
        db.session.commit()
    version = slot.lock_version
    login_as(learner)
    form = {"module_key": "", "theme": "Teema", "message": "Viesti", "share": [entry.id]}
    # The booking row is written, then sharing the journal entry fails.
    with failing("INSERT INTO booking_shares") as fired:
        response = client.post_form(f"/discussions/slots/{slot.id}/book", form)
    assert fired
    assert response.status_code == 500 and ERROR_TEXT in response.get_data(as_text=True)
    db.session.expire_all()
    assert count(Booking, Booking.slot_id == slot.id) == 0
    assert count(SharedEntry) == 0
    assert db.session.get(DiscussionSlot, slot.id).lock_version == version
    assert mailbox.to(learner.email) == []  # no confirmation of a booking that does not exist
    retry = client.post_form(f"/discussions/slots/{slot.id}/book", form)
    assert retry.status_code == 302
    db.session.expire_all()
    (booking,) = db.session.scalars(sa.select(Booking).where(Booking.slot_id == slot.id))
    assert [e.entry_id for e in booking.shared_entries] == [entry.id]
    assert len(mailbox.to(learner.email)) == 1


def test_survey_answer_fails_whole_and_can_be_retried(app, client, login_as, make_user, db):
    learner = make_user()
    with app.test_request_context():
        module = get_course().modules[0]
        from tests.feedback.test_services import quiz_done

        quiz_done(learner, module)
        db.session.commit()
    login_as(learner)
    url = f"/feedback/answer/module-check/{module.key}"
    form = {"a-useful": "4", "a-clear": "5", "a-comment": "Hyvä"}
    # The participation is recorded first, then storing the answers fails.
    with failing("INSERT INTO survey_answer_pool") as fired:
        response = client.post_form(url, form)
    assert fired
    assert response.status_code == 500 and ERROR_TEXT in response.get_data(as_text=True)
    assert count(SurveyParticipation, SurveyParticipation.user_id == learner.id) == 0
    assert count(SurveyAnswerPool) == 0
    retry = client.post_form(url, form)
    assert retry.status_code == 302
    assert count(SurveyParticipation, SurveyParticipation.user_id == learner.id) == 1
    assert count(SurveyAnswerPool) == 1  # the answer waits, sealed, for its batch


def test_the_app_survives_the_database_dropping_its_connections(database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip(
            "SQLite has no server whose connections could be terminated: the scenario "
            "exists only on PostgreSQL (CI runs this test there)"
        )
    survivor = create_app({"DATABASE_URL": database_url, "TESTING": True})
    assert survivor.config["SQLALCHEMY_ENGINE_OPTIONS"]["pool_pre_ping"] is True
    test_session = _db.session
    _db.session = _db._make_scoped_session({})  # real sessions on the app's own pool
    try:
        client = survivor.test_client()
        assert client.get("/healthz").status_code == 200
        with survivor.app_context():
            engine = _db.engine
            with engine.connect() as conn:
                pid = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()
        admin = sa.create_engine(engine.url, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)
        with admin.connect() as conn:
            killed = conn.execute(
                sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}
            ).scalar()
        admin.dispose()
        assert killed
        response = client.get("/healthz")
        assert response.status_code == 200, response.get_data(as_text=True)
    finally:
        with survivor.app_context():
            _db.session.remove()
            _db.engine.dispose()
        _db.session = test_session
