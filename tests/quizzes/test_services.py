"""Attempts: one open attempt, exactly-once submission, changed content, attempt limits."""

from __future__ import annotations

import dataclasses
import random
import threading

import pytest
import sqlalchemy as sa

from elearn.core.time import utcnow
from elearn.courses.services import get_course
from elearn.quizzes import services as quizzes
from elearn.quizzes.models import QuizAttempt


@pytest.fixture
def module(app):
    with app.app_context():
        return get_course().modules[0]


def perfect(module) -> dict[str, list[str]]:
    return {q.key: [o.key for o in q.options if o.correct] for q in module.quiz.questions}


def wrong(module) -> dict[str, list[str]]:
    return {q.key: [next(o.key for o in q.options if not o.correct)] for q in module.quiz.questions}


def test_open_attempt_is_reused_and_stores_a_shuffled_layout(make_user, module, db):
    user = make_user()
    first = quizzes.start_or_resume(user.id, module, now=utcnow(), rng=random.Random(1))
    again = quizzes.start_or_resume(user.id, module, now=utcnow(), rng=random.Random(2))
    assert first.id == again.id
    assert [i["question"] for i in first.layout] != [q.key for q in module.quiz.questions]
    assert sorted(i["question"] for i in first.layout) == sorted(
        q.key for q in module.quiz.questions
    )


def test_submit_grades_and_records_once(make_user, module, db):
    user = make_user()
    attempt = quizzes.start_or_resume(user.id, module, now=utcnow())
    done = quizzes.submit(attempt.id, user.id, module, perfect(module), now=utcnow())
    assert done.score == 100.0 and done.passed and done.status == "submitted"
    assert done.seconds_taken is not None and done.quiz_hash == module.quiz.content_hash
    with pytest.raises(quizzes.AlreadySubmitted):
        quizzes.submit(attempt.id, user.id, module, wrong(module), now=utcnow())
    db.session.refresh(done)
    assert done.score == 100.0
    count = db.session.scalar(
        sa.select(sa.func.count()).select_from(QuizAttempt).where(QuizAttempt.user_id == user.id)
    )
    assert count == 1


def test_incomplete_answers_record_nothing(make_user, module, db):
    user = make_user()
    attempt = quizzes.start_or_resume(user.id, module, now=utcnow())
    answers = perfect(module)
    missing_key = module.quiz.questions[3].key
    answers[missing_key] = []
    with pytest.raises(quizzes.IncompleteAnswers) as error:
        quizzes.submit(attempt.id, user.id, module, answers, now=utcnow())
    assert error.value.missing == [missing_key]
    db.session.refresh(attempt)
    assert attempt.status == "open"


def test_changed_content_gives_a_fresh_attempt_never_a_score(make_user, module, db):
    user = make_user()
    attempt = quizzes.start_or_resume(user.id, module, now=utcnow())
    edited_quiz = dataclasses.replace(module.quiz, content_hash="edited")
    edited = dataclasses.replace(module, quiz=edited_quiz)
    with pytest.raises(quizzes.ContentChanged) as changed:
        quizzes.submit(attempt.id, user.id, edited, perfect(module), now=utcnow())
    db.session.refresh(attempt)
    assert attempt.status == "abandoned" and attempt.score is None
    assert changed.value.fresh.quiz_hash == "edited" and changed.value.fresh.status == "open"


def test_someone_elses_attempt_is_not_found(make_user, module, db):
    owner, other = make_user(), make_user()
    attempt = quizzes.start_or_resume(owner.id, module, now=utcnow())
    with pytest.raises(quizzes.AttemptNotFound):
        quizzes.submit(attempt.id, other.id, module, perfect(module), now=utcnow())
    with pytest.raises(quizzes.AttemptNotFound):
        quizzes.get_attempt(attempt.id, other.id, module.key)


def test_attempt_limit(make_user, module, db):
    limited = dataclasses.replace(module, quiz=dataclasses.replace(module.quiz, max_attempts=1))
    user = make_user()
    attempt = quizzes.start_or_resume(user.id, limited, now=utcnow())
    quizzes.submit(attempt.id, user.id, limited, wrong(module), now=utcnow())
    with pytest.raises(quizzes.AttemptLimitReached):
        quizzes.start_or_resume(user.id, limited, now=utcnow())


def test_best_attempt_counts(make_user, module, db):
    from elearn.progress.services import course_progress

    user = make_user()
    for answers in (perfect(module), wrong(module)):
        attempt = quizzes.start_or_resume(user.id, module, now=utcnow())
        quizzes.submit(attempt.id, user.id, module, answers, now=utcnow())
    progress = course_progress(get_course(), user.id).for_module(module.key)
    assert progress.best_score == 100.0 and progress.quiz_passed and progress.attempts == 2


def test_racing_submits_record_one_attempt(app, database_url, tmp_path):
    """Two threads with their own connections submit the same attempt at once."""
    from elearn import create_app
    from elearn.accounts.models import Role, User, UserRole
    from elearn.extensions import db as _db

    racer = create_app({"DATABASE_URL": database_url, "TESTING": True})
    # The per-test session is bound to one connection; the racers need real sessions of
    # their own (one per thread and app context), as in production.
    test_session = _db.session
    _db.session = _db._make_scoped_session({})
    with racer.app_context():
        module = get_course().modules[0]
        user = User(email=f"race-{tmp_path.name}@example.fi", session_nonce="x", language="fi")
        user.role_rows = [UserRole(role=Role.TRAINER.value)]
        _db.session.add(user)
        _db.session.commit()
        user_id = user.id
        attempt = quizzes.start_or_resume(user_id, module, now=utcnow())
        _db.session.commit()
        attempt_id = attempt.id
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def submit(answers):
        with racer.app_context():
            barrier.wait()
            try:
                quizzes.submit(attempt_id, user_id, module, answers, now=utcnow())
                _db.session.commit()
                outcomes.append("recorded")
            except quizzes.AlreadySubmitted:
                _db.session.rollback()
                outcomes.append("already")
            except sa.exc.OperationalError:  # SQLite: the loser may find the file locked
                _db.session.rollback()
                outcomes.append("busy")

    threads = [threading.Thread(target=submit, args=(a,)) for a in (perfect(module), wrong(module))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    try:
        with racer.app_context():
            rows = _db.session.scalars(
                sa.select(QuizAttempt).where(QuizAttempt.user_id == user_id)
            ).all()
            assert outcomes.count("recorded") == 1, outcomes
            assert len(rows) == 1 and rows[0].status == "submitted"
            assert rows[0].score in (0.0, 100.0)
    finally:
        with racer.app_context():
            _db.session.execute(sa.delete(QuizAttempt).where(QuizAttempt.user_id == user_id))
            _db.session.execute(sa.delete(UserRole).where(UserRole.user_id == user_id))
            _db.session.execute(sa.delete(User).where(User.id == user_id))
            _db.session.commit()
            _db.engine.dispose()
        _db.session = test_session
