"""Test data for the reports: readings and attempts written with exact times and scores.

The records are written directly (not through the services, which take the time from the
request), so each helper brings the learners' activity summaries up to date, as the demo
data generator does.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from elearn.accounts.models import Cohort, EmploymentModel, Role, User, UserRole
from elearn.content.model import Course, Module
from elearn.courses.services import get_course
from elearn.extensions import db
from elearn.progress.models import SectionRead
from elearn.progress.services import rebuild_activity
from elearn.quizzes.models import QuizAttempt
from elearn.quizzes.services import grade, rebuild_first_answers

DAY1 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # a Monday, 10:00 in Helsinki


def read(user: User, module: Module, at: datetime, sections: int | None = None) -> None:
    """The learner read the module's first ``sections`` sections (all by default), a minute apart."""
    for i, section in enumerate(module.sections[:sections]):
        db.session.add(
            SectionRead(
                user_id=user.id,
                module_key=module.key,
                section_key=section.key,
                content_hash=section.content_hash,
                read_at=at + timedelta(minutes=i),
            )
        )
    _summarise([user.id])


def attempt(
    user: User,
    module: Module,
    at: datetime,
    *,
    score: float | None = None,
    answers: dict[str, list[str]] | None = None,
    started: datetime | None = None,
) -> QuizAttempt:
    """A submitted attempt: with ``answers`` graded for real, else with the given score."""
    quiz = module.quiz
    layout = [{"question": q.key, "options": [o.key for o in q.options]} for q in quiz.questions]
    if answers is not None:
        result = grade(quiz, answers)
        scores, score, passed = result.question_scores, result.score, result.passed
    else:
        scores = {q.key: (score or 0) / 100 for q in quiz.questions}
        passed = score >= quiz.pass_mark
    row = QuizAttempt(
        user_id=user.id,
        module_key=module.key,
        quiz_hash=quiz.content_hash,
        status="submitted",
        layout=layout,
        answers=answers or {},
        question_scores=scores,
        score=score,
        passed=passed,
        started_at=started or at - timedelta(minutes=5),
        submitted_at=at,
    )
    db.session.add(row)
    _summarise([user.id])
    return row


def correct(module: Module) -> dict[str, list[str]]:
    """Every question answered right."""
    return {q.key: [o.key for o in q.options if o.correct] for q in module.quiz.questions}


def wrong_option(question) -> str:
    return next(o.key for o in question.options if not o.correct)


def bulk_learners(course: Course, n: int, *, seed: int = 1) -> list[int]:
    """``n`` learners in two cohorts with random readings and attempts, inserted in bulk."""
    rng = random.Random(seed)
    cohorts = []
    for model in EmploymentModel:
        cohort = Cohort(name=f"Iso ryhmä {model.value} {seed}", employment_model=model.value)
        db.session.add(cohort)
        cohorts.append(cohort)
    db.session.flush()
    ids = list(
        db.session.scalars(
            sa.insert(User).returning(User.id, sort_by_parameter_order=True),
            [
                {
                    "email": f"bulk{seed}-{k}@example.fi",
                    "name": f"Oppija {k}",
                    "session_nonce": f"bulk{seed}-{k}",
                    "language": "fi",
                    "is_active": True,
                    "cohort_id": cohorts[k % 2].id,
                    "created_at": DAY1,
                }
                for k in range(n)
            ],
        )
    )
    db.session.execute(
        sa.insert(UserRole), [{"user_id": i, "role": Role.ASSISTANT.value} for i in ids]
    )
    reads, attempts = [], []
    for i in ids:
        for m_index, module in enumerate(course.modules):
            if rng.random() < 0.3 * m_index / len(course.modules) + 0.1:
                break
            at = DAY1 + timedelta(days=m_index, minutes=i % 600)
            for s in module.sections[: rng.randint(1, len(module.sections))]:
                reads.append(
                    {
                        "user_id": i,
                        "module_key": module.key,
                        "section_key": s.key,
                        "content_hash": s.content_hash,
                        "read_at": at,
                    }
                )
            for k in range(rng.randint(0, 3)):
                answers = {q.key: [rng.choice(q.options).key] for q in module.quiz.questions}
                result = grade(module.quiz, answers)
                attempts.append(
                    {
                        "user_id": i,
                        "module_key": module.key,
                        "quiz_hash": module.quiz.content_hash,
                        "status": "submitted",
                        "layout": [
                            {"question": q.key, "options": [o.key for o in q.options]}
                            for q in module.quiz.questions
                        ],
                        "answers": answers,
                        "question_scores": result.question_scores,
                        "score": result.score,
                        "passed": result.passed,
                        "started_at": at + timedelta(hours=k),
                        "submitted_at": at + timedelta(hours=k, minutes=9),
                    }
                )
    if reads:
        db.session.execute(sa.insert(SectionRead), reads)
    if attempts:
        db.session.execute(sa.insert(QuizAttempt), attempts)
    _summarise(ids)
    return ids


def _summarise(user_ids: list[int]) -> None:
    db.session.flush()
    rebuild_activity(db.session, user_ids)
    rebuild_first_answers(db.session, user_ids, course=get_course())
    db.session.commit()
