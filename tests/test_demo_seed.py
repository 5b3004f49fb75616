"""``flask demo seed --learners N``: bulk learners whose data the real domains accept."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import sqlalchemy as sa

from elearn import demo
from elearn.accounts.models import Cohort, Role, User, UserRole
from elearn.certificates.models import Certificate
from elearn.courses.services import cohort_progress, get_course
from elearn.discussions.models import Booking, DiscussionSlot
from elearn.feedback.models import SurveyParticipation, SurveyResponse
from elearn.feedback.registry import surveys
from elearn.progress.models import SectionRead
from elearn.quizzes.models import QuizAttempt
from elearn.quizzes.services import grade

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
N = 60


def _count(db, model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _learner_ids(db) -> list[int]:
    return list(
        db.session.scalars(
            sa.select(User.id).where(User.email.like("oppija%@example.fi")).order_by(User.id)
        )
    )


def test_seed_with_learners_prints_counts_and_logins(runner, client, db):
    result = runner.invoke(args=["demo", "seed", "--learners", str(N)])
    assert result.exit_code == 0, result.output
    assert "kouluttaja@example.fi" in result.output  # the usual demo accounts come too
    counts = dict(re.findall(r"(\w+): (\d+)", result.output))
    ids = _learner_ids(db)
    assert len(ids) == N
    # Every reported count is what is in the database (the demo accounts add a few rows).
    assert int(counts["quiz_attempts"]) == _count(db, QuizAttempt)
    assert int(counts["section_reads"]) == _count(db, SectionRead)
    assert int(counts["certificates"]) == _count(db, Certificate)
    assert int(counts["survey_responses"]) == _count(db, SurveyResponse)
    cohorts = db.session.scalars(sa.select(Cohort).where(Cohort.name.like("Ryhmä %"))).all()
    assert {c.employment_model for c in cohorts} == {"employer_model", "own_service"}
    # A generated learner signs in with the printed password.
    email = demo.EMAIL_PATTERN.format(1)
    assert f"password {demo.LEARNER_PASSWORD}" in result.output
    login = client.post_form("/login", {"email": email, "password": demo.LEARNER_PASSWORD})
    assert login.status_code == 302
    assert client.get("/modules/").status_code == 200
    assert client.get("/discussions/").status_code == 200
    again = runner.invoke(args=["demo", "seed", "--learners", "5"])
    assert again.exit_code != 0 and "fresh database" in again.output


def _seed(db, n: int = N, seed: int = 7) -> dict[str, int]:
    return demo.seed_learners(
        n,
        course=get_course(),
        surveys=surveys(),
        password_hash="not-a-login",
        now=NOW,
        seed=seed,
        cohort_size=25,
    )


def test_attempts_are_graded_answers_to_the_real_questions(db):
    _seed(db)
    course = get_course()
    attempts = db.session.scalars(sa.select(QuizAttempt)).all()
    assert attempts
    for attempt in attempts:
        quiz = course.module(attempt.module_key).quiz
        assert attempt.quiz_hash == quiz.content_hash
        assert set(attempt.answers) == {q.key for q in quiz.questions}
        assert [row["question"] for row in attempt.layout] != [] and {
            row["question"] for row in attempt.layout
        } == set(attempt.answers)
        for question in quiz.questions:
            assert set(attempt.answers[question.key]) <= {o.key for o in question.options}
        result = grade(quiz, attempt.answers)
        assert (attempt.score, attempt.passed) == (result.score, result.passed)
        assert attempt.question_scores == result.question_scores
        assert attempt.submitted_at > attempt.started_at
    per_quiz = db.session.execute(
        sa.select(sa.func.count())
        .select_from(QuizAttempt)
        .group_by(QuizAttempt.user_id, QuizAttempt.module_key)
    ).all()
    mean = sum(n for (n,) in per_quiz) / len(per_quiz)
    assert 2.0 <= mean <= 3.5  # "about three attempts per quiz"


def test_certificates_go_exactly_to_those_the_progress_function_calls_complete(app, db):
    counts = _seed(db)
    ids = _learner_ids(db)
    progress = cohort_progress(ids)
    assert app.config["ELEARN_REQUIRE_DISCUSSION"]
    complete = {uid for uid, p in progress.items() if p.complete}
    certified = set(db.session.scalars(sa.select(Certificate.user_id)))
    assert certified == complete
    started = {uid for uid, p in progress.items() if any(m.started for m in p.modules)}
    # A realistic mix: some finished, some part-way, some not started.
    assert 0 < len(complete) < len(started) < len(ids)
    assert counts["users"] == len(ids) + counts["cohort_supervisors"]
    roles = db.session.scalars(sa.select(UserRole.role).where(UserRole.user_id.in_(ids))).all()
    assert set(roles) == {Role.ASSISTANT.value}


def test_bookings_memos_and_anonymous_survey_answers(db):
    _seed(db)
    ids = set(_learner_ids(db))
    bookings = db.session.scalars(sa.select(Booking)).all()
    assert {b.learner_id for b in bookings} <= ids
    attended = [b for b in bookings if b.attendance == "attended"]
    assert attended and any(b.memo_summary for b in attended)
    assert any(b.attendance is None and b.slot.starts_at > NOW for b in bookings)
    for slot in db.session.scalars(sa.select(DiscussionSlot)).all():
        assert len(slot.active_bookings) <= slot.capacity
    responses = db.session.scalars(sa.select(SurveyResponse)).all()
    assert responses and all(r.user_id is None for r in responses)
    answered = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(SurveyParticipation)
        .where(SurveyParticipation.status == "answered")
    )
    assert answered == len(responses)


def test_same_seed_same_data(db):
    def fingerprint() -> list:
        return db.session.execute(
            sa.select(User.email, User.name, QuizAttempt.module_key, QuizAttempt.score)
            .join(QuizAttempt, QuizAttempt.user_id == User.id)
            .order_by(User.email, QuizAttempt.started_at)
        ).all()

    savepoint = db.session.begin_nested()
    _seed(db, 15)
    first = fingerprint()
    savepoint.rollback()
    _seed(db, 15)
    assert fingerprint() == first and first


def test_trainer_pages_render_the_generated_data(db, make_user, login_as):
    _seed(db)
    db.session.commit()
    trainer = make_user(Role.TRAINER)
    client = login_as(trainer)
    cohort = db.session.scalars(sa.select(Cohort).where(Cohort.name.like("Ryhmä 001%"))).one()
    page = client.get(f"/admin/cohorts/{cohort.id}/progress")
    assert page.status_code == 200
    first = db.session.scalars(
        sa.select(User).where(User.cohort_id == cohort.id).order_by(User.name)
    ).first()
    assert first.name in page.get_data(as_text=True)
    results = client.get("/feedback/results?survey=module-check")
    assert results.status_code == 200
    # Enough answers that the results are shown, not hidden under the minimum.
    assert "Oliko opintojaksosta hyötyä työssäsi?" in results.get_data(as_text=True)
