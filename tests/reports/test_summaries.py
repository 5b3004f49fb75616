"""The activity summaries the reports read agree with the records they sum up."""

from __future__ import annotations

import random
import threading
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from elearn.core.db import begin_write
from elearn.core.time import utcnow
from elearn.courses.services import get_course
from elearn.extensions import db as _db
from elearn.progress.models import ModuleActivity
from elearn.progress.services import mark_section_read, rebuild_activity
from elearn.quizzes import services as quizzes
from elearn.quizzes.models import FirstAnswer
from elearn.reports.questions import question_analysis
from elearn.reports.scope import Filters
from tests.reports.test_services import ZONE, overview
from tests.reports.util import DAY1, attempt, bulk_learners, correct, read, wrong_option


@pytest.fixture
def course(app):
    with app.app_context():
        return get_course()


def _snapshot(user_id: int) -> tuple[list, list]:
    activity = _db.session.execute(
        sa.select(ModuleActivity.__table__)
        .where(ModuleActivity.user_id == user_id)
        .order_by(ModuleActivity.module_key)
    ).all()
    answers = _db.session.execute(
        sa.select(FirstAnswer.__table__)
        .where(FirstAnswer.user_id == user_id)
        .order_by(FirstAnswer.attempt_id, FirstAnswer.question_key)
    ).all()
    return list(activity), list(answers)


def test_the_services_keep_the_summaries_as_a_rebuild_would(course, make_user, db):
    learner = make_user(name="Summa")
    m1, m2 = course.modules[0], course.modules[1]
    now = DAY1
    for section in m1.sections:
        now += timedelta(minutes=3)
        mark_section_read(learner.id, m1, section, now=now)
    mark_section_read(learner.id, m1, m1.sections[0], now=now)  # a second click
    mark_section_read(learner.id, m2, m2.sections[0], now=now)
    wrong = correct(m1)
    first_question = m1.quiz.questions[0]
    wrong[first_question.key] = [wrong_option(first_question)]
    for answers in (wrong, correct(m1), wrong):  # fail (or pass), pass, then once more
        now += timedelta(minutes=10)
        attempt = quizzes.start_or_resume(learner.id, m1, now=now, rng=random.Random(1))
        now += timedelta(minutes=5)
        quizzes.submit(attempt.id, learner.id, m1, answers, now=now)
    db.session.commit()

    kept = _snapshot(learner.id)
    activity, answers = kept
    row = {r[1]: r for r in activity}[m1.key]
    columns = [c.name for c in ModuleActivity.__table__.columns]
    values = dict(zip(columns, row, strict=True))
    assert values["attempts"] == 3 and values["best_score"] == 100.0
    assert set(values["read_keys"].strip(",").split(",")) == {s.key for s in m1.sections}
    # Only the first attempt's answers are kept as rows, one per question, with the choice.
    assert len(answers) == len(m1.quiz.questions)
    chosen = {r.question_key: r.chosen for r in answers}
    assert chosen[first_question.key] == f",{wrong_option(first_question)},"

    rebuild_activity(db.session, [learner.id])
    quizzes.rebuild_first_answers(db.session, [learner.id], course=course)
    assert _snapshot(learner.id) == kept


def test_the_overview_from_summaries_equals_the_one_from_the_records(course, make_user, db):
    """Without a date range the overview reads the summaries; with a range that holds every
    record, it reads the records themselves. The figures must be the same."""
    bulk_learners(course, 80, seed=7)
    m1 = course.modules[0]
    for k in range(5):  # random answers seldom pass: some who do, at different speeds
        learner = make_user(name=f"Läpäisijä {k}")
        read(learner, m1, DAY1 + timedelta(hours=k))
        attempt(learner, m1, DAY1 + timedelta(hours=2 * k + 1), score=60)
        attempt(learner, m1, DAY1 + timedelta(hours=3 * k + 2), score=95)
    everything = Filters(start=date(2000, 1, 1), end=date(2100, 1, 1))
    from_summaries = overview(course, require_discussion=False)
    from_records = overview(course, everything, require_discussion=False)
    assert from_summaries.total.learners >= 85
    assert from_summaries.total.modules[m1.key].completed >= 5
    for a, b in zip(
        [*from_summaries.cohorts, *from_summaries.models, from_summaries.total],
        [*from_records.cohorts, *from_records.models, from_records.total],
        strict=True,
    ):
        assert (a.kind, a.key, a.learners) == (b.kind, b.key, b.learners)
        assert (a.started_course, a.completed_course) == (b.started_course, b.completed_course)
        for key, figures in a.modules.items():
            other = b.modules[key]
            assert figures.best_total == pytest.approx(other.best_total), (a.kind, a.key, key)
            assert figures.median_seconds == pytest.approx(other.median_seconds), (a.key, key)
            figures.best_total = other.best_total  # float sums differ in the last digits
            figures.median_seconds = other.median_seconds
            assert figures == other, (a.kind, a.key, key)
    assert from_summaries.score_bins == from_records.score_bins


def test_completion_counts_only_the_sections_the_course_has_now(course, make_user, db):
    """A reading of a section that has since left the course is activity, not completion."""
    learner = make_user(name="Vanha")
    m1 = course.modules[0]
    for section in m1.sections[1:]:
        mark_section_read(learner.id, m1, section, now=DAY1)
    attempt = quizzes.start_or_resume(learner.id, m1, now=DAY1, rng=random.Random(2))
    quizzes.submit(attempt.id, learner.id, m1, correct(m1), now=DAY1 + timedelta(minutes=9))
    # The learner also "read" a section that no longer exists; the first one is unread.
    db.session.execute(
        sa.update(ModuleActivity)
        .where(ModuleActivity.user_id == learner.id, ModuleActivity.module_key == m1.key)
        .values(read_keys=ModuleActivity.read_keys + "poistettu-osio,")
    )
    db.session.commit()
    result = overview(course)
    assert result.total.modules[m1.key].started == 1
    assert result.total.modules[m1.key].completed == 0
    mark_section_read(learner.id, m1, m1.sections[0], now=utcnow())
    db.session.commit()
    assert overview(course).total.modules[m1.key].completed == 1


def test_question_analysis_reads_first_attempts_only(course, make_user, db):
    m1 = course.modules[0]
    question = m1.quiz.questions[0]
    wrong = correct(m1)
    wrong[question.key] = [wrong_option(question)]
    for k in range(3):
        learner = make_user(name=f"Eka {k}")
        for n, answers in enumerate((wrong, correct(m1))):
            now = DAY1 + timedelta(hours=k, minutes=10 * n)
            attempt = quizzes.start_or_resume(learner.id, m1, now=now, rng=random.Random(k))
            quizzes.submit(attempt.id, learner.id, m1, answers, now=now + timedelta(minutes=5))
    db.session.commit()
    result = question_analysis(m1, Filters(), zone=ZONE, minimum=1)
    figures = result.question(question.key)
    assert (figures.answered, figures.fully_correct) == (3, 0)
    assert figures.most_chosen_wrong.key == wrong_option(question)
    assert result.first_attempts == 3


def test_two_tabs_reading_at_once_both_count(app, database_url, tmp_path):
    """Two requests mark different sections of one module at the same moment, each with its
    own connection: the summary holds both (the row is locked before it is recomputed)."""
    from elearn import create_app
    from elearn.accounts.models import Role, User, UserRole
    from elearn.progress.models import SectionRead

    racer = create_app({"DATABASE_URL": database_url, "TESTING": True})
    # As in the quiz race test: real sessions of their own instead of the per-test one.
    test_session, _db.session = _db.session, _db._make_scoped_session({})
    with racer.app_context():
        module = get_course().modules[0]
        user = User(email=f"tabs-{tmp_path.name}@example.fi", session_nonce="x", language="fi")
        user.role_rows = [UserRole(role=Role.ASSISTANT.value)]
        _db.session.add(user)
        _db.session.commit()
        user_id = user.id
    barrier = threading.Barrier(2)
    errors: list[Exception] = []

    def mark(section) -> None:
        with racer.app_context():
            try:
                barrier.wait(timeout=10)
                _db.session.rollback()  # end the read: the write lock is taken first
                begin_write(_db.session)  # as the view does
                mark_section_read(user_id, module, section, now=utcnow())
                _db.session.commit()
            except Exception as exc:  # reported by the assertion below
                _db.session.rollback()
                errors.append(exc)

    threads = [threading.Thread(target=mark, args=(s,)) for s in module.sections[:2]]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    try:
        with racer.app_context():
            keys = _db.session.scalar(
                sa.select(ModuleActivity.read_keys).where(
                    ModuleActivity.user_id == user_id, ModuleActivity.module_key == module.key
                )
            )
            assert errors == []
            assert set(keys.strip(",").split(",")) == {s.key for s in module.sections[:2]}
    finally:
        with racer.app_context():
            for model in (ModuleActivity, SectionRead, UserRole):
                _db.session.execute(sa.delete(model).where(model.user_id == user_id))
            _db.session.execute(sa.delete(User).where(User.id == user_id))
            _db.session.commit()
            _db.engine.dispose()
        _db.session = test_session
