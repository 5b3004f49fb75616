"""An edited quiz question starts its statistics afresh: the question analysis counts the
answers to its current wording, and shows the answers to earlier wordings apart. Real
requests, a real publish, on a database of its own (SQLite and PostgreSQL)."""

from __future__ import annotations

import re

import sqlalchemy as sa

from elearn.accounts.models import Cohort, Role, User, UserRole
from elearn.accounts.passwords import hash_password
from elearn.contentstore import services as store
from elearn.core.time import local_zone, utcnow
from elearn.courses import services as courses
from elearn.extensions import db as _db
from elearn.reports.questions import question_analysis
from elearn.reports.scope import Filters
from tests.contentstore.test_store import CONTENT, PASSWORD, TODAY, cli, real  # noqa: F401

PART = "modules/02-tyonantajamalli"
QUIZ = f"{PART}/quiz.toml"
OLD = "Kenen työntekijä olet?"
NEW = "Kuka on työnantajasi?"


def _learner(application, email: str):
    with application.app_context():
        person = User(
            email=email,
            name=email,
            session_nonce=email,
            password_hash=hash_password(PASSWORD),
            cohort=_db.session.scalar(sa.select(Cohort))
            or Cohort(name="Versiot", employment_model="employer_model"),
        )
        person.role_rows = [UserRole(role=Role.ASSISTANT.value)]
        _db.session.add(person)
        _db.session.commit()
        _db.session.remove()
    client = application.test_client()
    login = client.post("/login", data={"email": email, "password": PASSWORD})
    assert login.status_code == 302
    return client


def _answer_all_right(application, client) -> None:
    with application.test_request_context():
        application.extensions[courses.SERVING_KEY].refresh_if_due()
        module = courses.get_course().module("tyonantajamalli")
    page = client.get(f"/modules/{module.key}/quiz").get_data(as_text=True)
    attempt = re.search(r'name="attempt" value="(\d+)"', page).group(1)
    answers = {f"q-{q.key}": [o.key for o in q.options if o.correct] for q in module.quiz.questions}
    response = client.post(f"/modules/{module.key}/quiz", data={"attempt": attempt, **answers})
    assert response.status_code == 302


def _analysis(application):
    with application.test_request_context():
        application.extensions[courses.SERVING_KEY].refresh_if_due()
        module = courses.get_course().module("tyonantajamalli")
        return question_analysis(module, Filters(), zone=local_zone(), minimum=1)


def test_an_edited_question_starts_afresh_and_its_earlier_figures_stay(real):  # noqa: F811
    cli(real, "content", "import", str(CONTENT))
    _answer_all_right(real, _learner(real, "ennen@example.fi"))

    with real.test_request_context():
        quiz = store.blob(store.latest().manifest[QUIZ]).decode()
        assert quiz.count(OLD) == 1
        store.save_draft(
            PART, {QUIZ: quiz.replace(OLD, NEW)}, revision=None, author_id=None, now=utcnow()
        )
        _db.session.commit()
        store.publish_draft(
            PART, note="Kysymys selkeämmäksi", revision=1, author_id=None, now=utcnow(), today=TODAY
        )
        _db.session.commit()
        _db.session.remove()
    _answer_all_right(real, _learner(real, "jalkeen@example.fi"))

    analysis = _analysis(real)
    edited = analysis.question("kenen-tyontekija")
    assert NEW in str(edited.question.text("fi"))
    # The current wording has one answer (after the edit); the one before is kept apart.
    assert (edited.answered, edited.fully_correct) == (1, 1)
    assert [(e.answered, e.first_version, e.last_version) for e in edited.earlier] == [(1, 1, 1)]
    assert edited.earlier[0].facility == 1.0
    assert sum(o.chosen for o in edited.options) == 1
    # A question that was not edited counts both learners, and has no earlier wording.
    kept = next(q for q in analysis.questions if q.question.key != "kenen-tyontekija")
    assert kept.answered == 2 and kept.earlier == []

    # The trainer's page shows the earlier wording's figures beside the current ones.
    with real.app_context():
        trainer = User(email="kouluttaja-v@example.fi", name="K", session_nonce="kv",
                       password_hash=hash_password(PASSWORD))  # fmt: skip
        trainer.role_rows = [UserRole(role=Role.TRAINER.value)]
        _db.session.add(trainer)
        _db.session.commit()
        _db.session.remove()
    client = real.test_client()
    client.post("/login", data={"email": "kouluttaja-v@example.fi", "password": PASSWORD})
    page = client.get("/reports/modules/tyonantajamalli/questions/kenen-tyontekija")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'id="earlier-h"' in html
    row = re.search(r'aria-labelledby="earlier-h">.*?<tbody>(.*?)</tbody>', html, re.S).group(1)
    assert re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).split() == ["1", "1", "100", "%"]
