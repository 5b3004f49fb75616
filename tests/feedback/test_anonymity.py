"""Anonymous answers cannot be tied to their authors through the database itself: not by
transaction (PostgreSQL's xmin), storage order, time or sequence. Real requests with real
commits on a database of their own, on SQLite and on PostgreSQL."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from elearn import create_app
from elearn.accounts.models import Cohort, Role, User, UserRole
from elearn.accounts.passwords import hash_password
from elearn.courses.services import get_course
from elearn.extensions import db as _db
from elearn.feedback.models import SurveyAnswerPool, SurveyParticipation, SurveyResponse
from tests.dbutil import drop_database, fresh_database
from tests.feedback.test_services import quiz_done

PASSWORD = "nimettömänä vastaava oppija"
BATCH = 8  # 8! orders: the chance that a shuffle keeps the answer order is 1 in 40,320


@pytest.fixture
def world(app, tmp_path):
    url = fresh_database("anonymity", tmp_path)
    real = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": url,
            "SECRET_KEY": app.config["SECRET_KEY"],
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "ELEARN_PASSWORD_HASH": "pbkdf2:sha256:1000",
            "ELEARN_FEEDBACK_MIN_RESPONSES": BATCH,
            "ELEARN_MAIL_DELIVERY": "cron",
        }
    )
    test_session = _db.session
    _db.session = _db._make_scoped_session({})
    try:
        with real.app_context():
            upgrade()
            cohort = Cohort(name="Nimettömät", employment_model="employer_model")
            people = []
            for i in range(BATCH):
                person = User(
                    email=f"nimeton-{i}@example.fi",
                    name=f"Henkilö {i}",
                    session_nonce=f"n{i}",
                    password_hash=hash_password(PASSWORD),
                    cohort=cohort,
                )
                person.role_rows = [UserRole(role=Role.ASSISTANT.value)]
                people.append(person)
            _db.session.add_all([cohort, *people])
            _db.session.commit()
            module = get_course().modules[0]
            for person in people:
                quiz_done(person, module)
            _db.session.commit()
            emails = [p.email for p in people]
            _db.session.remove()
        # Requests push their own app context (and session), as in production.
        yield real, module, emails
        with real.app_context():
            _db.session.remove()
            _db.engine.dispose()
    finally:
        _db.session = test_session
        drop_database(url)


def answer_in_turn(real, module, emails) -> None:
    """Each person logs in and answers the module check, one request after another."""
    for i, email in enumerate(emails):
        client = real.test_client()
        assert client.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302
        response = client.post(
            f"/feedback/answer/module-check/{module.key}",
            data={"a-useful": "4", "a-clear": "3", "a-comment": f"vastaus-{i}"},
        )
        assert response.status_code == 302, response.get_data(as_text=True)[:300]


def test_answers_wait_sealed_until_a_batch_is_full(world):
    real, module, emails = world
    answer_in_turn(real, module, emails[:-1])
    with real.app_context():
        # Not a batch yet: nothing is a response, and the waiting rows do not show the text.
        assert _db.session.scalar(sa.select(sa.func.count()).select_from(SurveyResponse)) == 0
        sealed = _db.session.scalars(sa.select(SurveyAnswerPool.sealed)).all()
        assert len(sealed) == BATCH - 1
        assert not any("vastaus-" in s or "employer_model" in s for s in sealed)
        _db.session.remove()
    answer_in_turn(real, module, emails[-1:])  # the last answer of the batch releases all
    with real.app_context():
        assert _db.session.scalar(sa.select(sa.func.count()).select_from(SurveyAnswerPool)) == 0
        assert _db.session.scalar(sa.select(sa.func.count()).select_from(SurveyResponse)) == BATCH
        _db.session.remove()


def test_no_transaction_order_time_or_sequence_ties_an_answer_to_its_author(world):
    real, module, emails = world
    answer_in_turn(real, module, emails)
    with real.app_context():
        postgres = _db.session.get_bind().dialect.name == "postgresql"
        if postgres:
            # (a) Transaction: no response shares a transaction id with any participation;
            # all responses of a batch share one.
            answered = set(
                _db.session.scalars(sa.text("SELECT xmin::text FROM survey_participations"))
            )
            released = set(_db.session.scalars(sa.text("SELECT xmin::text FROM survey_responses")))
            assert len(answered) == BATCH and len(released) == 1
            assert not answered & released
            physical = "SELECT answers FROM survey_responses ORDER BY ctid"
        else:
            # SQLite: the responses table has no rowid; it is stored in the order of its
            # random keys.
            physical = "SELECT answers FROM survey_responses"
        # (b) Storage order: the n-th stored answer is not the n-th person's.
        stored = [
            json.loads(a) if isinstance(a, str) else a
            for a in _db.session.scalars(sa.text(physical))
        ]
        order = [int(a["comment"].split("-")[1]) for a in stored]
        assert sorted(order) == list(range(BATCH))
        assert order != list(range(BATCH))
        participants = _db.session.scalars(
            sa.select(User.email)
            .join(SurveyParticipation, SurveyParticipation.user_id == User.id)
            .order_by(SurveyParticipation.id)
        ).all()
        assert participants == emails  # the participations are in answer order; the answers are not
        # (c) Time and sequence: nothing finer than the release week, and random keys.
        for table in (SurveyResponse.__table__, SurveyParticipation.__table__):
            assert not any(isinstance(c.type, sa.DateTime) for c in table.columns)
        assert {r.week for r in _db.session.scalars(sa.select(SurveyResponse))} == {
            _db.session.scalar(sa.select(SurveyResponse.week))
        }
        ids = _db.session.scalars(sa.select(SurveyResponse.id)).all()
        assert all(len(i) == 32 for i in ids) and len(set(ids)) == BATCH
        assert all(r.user_id is None for r in _db.session.scalars(sa.select(SurveyResponse)))
        _db.session.remove()


def test_a_remainder_smaller_than_a_batch_is_released_only_when_asked(world):
    real, module, emails = world
    answer_in_turn(real, module, emails[:3])
    runner = real.test_cli_runner()
    with real.app_context():
        assert (
            "0 answer(s) released, 3 waiting" in runner.invoke(args=["feedback", "release"]).output
        )
        assert (
            "3 answer(s) released, 0 waiting"
            in runner.invoke(args=["feedback", "release", "--all"]).output
        )
        assert _db.session.scalar(sa.select(sa.func.count()).select_from(SurveyResponse)) == 3
        _db.session.remove()


def test_answers_sealed_under_a_rotated_key_never_hold_back_the_others(world):
    real, module, emails = world
    answer_in_turn(real, module, emails[:2])
    real.config["SECRET_KEY"] = "a-rotated-secret-key-that-is-long-enough-for-anything"
    answer_in_turn(real, module, emails[2:])  # BATCH - 2 answers under the new key
    runner = real.test_cli_runner()
    with real.app_context():
        output = runner.invoke(args=["feedback", "release", "--all"]).output
        # The two old answers cannot be opened and stay (in case the old key returns); the
        # others are released.
        assert f"{BATCH - 2} answer(s) released, 2 waiting" in output, output
        comments = {a["comment"] for a in _db.session.scalars(sa.select(SurveyResponse.answers))}
        assert comments == {f"vastaus-{i}" for i in range(BATCH - 2)}
        _db.session.remove()
