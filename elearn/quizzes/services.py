"""Quiz operations: start or resume an attempt, grade and submit it exactly once.

Functions flush; the request handler commits.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from elearn.content.model import Module, Quiz
from elearn.content.question_types import QUESTION_TYPES
from elearn.core.db import affected, table
from elearn.extensions import db
from elearn.progress import services as progress
from elearn.quizzes.models import AttemptStatus, FirstAnswer, QuizAttempt


class QuizError(Exception):
    """Base of the domain errors raised here."""


class AttemptNotFound(QuizError):
    """No such attempt for this learner and module (shown as 404)."""


class AlreadySubmitted(QuizError):
    """The attempt was submitted before (double click, second tab, retried request)."""

    def __init__(self, attempt: QuizAttempt) -> None:
        super().__init__(attempt.id)
        self.attempt = attempt


class ContentChanged(QuizError):
    """The quiz changed after the attempt began; a fresh attempt replaces it."""

    def __init__(self, fresh: QuizAttempt) -> None:
        super().__init__(fresh.id)
        self.fresh = fresh


class AttemptLimitReached(QuizError):
    """The quiz allows no more attempts for this learner."""


class IncompleteAnswers(QuizError):
    """Some questions have no valid answer; ``missing`` lists their keys."""

    def __init__(self, missing: list[str]) -> None:
        super().__init__(", ".join(missing))
        self.missing = missing


@dataclass(frozen=True)
class Grade:
    """The result of grading a set of answers."""

    question_scores: dict[str, float]
    score: float  # percent, 0-100
    passed: bool


def make_layout(quiz: Quiz, rng: random.Random) -> list[dict]:
    """Shuffle question order and, within each question, option order."""
    questions = list(quiz.questions)
    rng.shuffle(questions)
    layout = []
    for question in questions:
        options = [o.key for o in question.options]
        rng.shuffle(options)
        layout.append({"question": question.key, "options": options})
    return layout


def grade(quiz: Quiz, answers: Mapping[str, list[str] | set[str]]) -> Grade:
    """Grade answers against the quiz; every question is worth one point."""
    scores = {}
    for question in quiz.questions:
        chosen = set(answers.get(question.key, ()))
        scores[question.key] = QUESTION_TYPES[question.type].grade(question.options, chosen)
    percent = round(100 * sum(scores.values()) / len(scores), 1) if scores else 0.0
    return Grade(question_scores=scores, score=percent, passed=percent >= quiz.pass_mark)


def attempts_for(user_id: int, module_key: str) -> list[QuizAttempt]:
    """A learner's submitted attempts at one quiz, newest first."""
    return list(
        db.session.scalars(
            sa.select(QuizAttempt)
            .where(
                QuizAttempt.user_id == user_id,
                QuizAttempt.module_key == module_key,
                QuizAttempt.status == AttemptStatus.SUBMITTED.value,
            )
            .order_by(QuizAttempt.submitted_at.desc())
        )
    )


def get_attempt(attempt_id: int, user_id: int, module_key: str) -> QuizAttempt:
    """The learner's own attempt. Raises AttemptNotFound for anyone else's."""
    attempt = db.session.get(QuizAttempt, attempt_id)
    if attempt is None or attempt.user_id != user_id or attempt.module_key != module_key:
        raise AttemptNotFound(attempt_id)
    return attempt


def _open_attempt(user_id: int, module_key: str) -> QuizAttempt | None:
    return db.session.scalar(
        sa.select(QuizAttempt).where(
            QuizAttempt.user_id == user_id,
            QuizAttempt.module_key == module_key,
            QuizAttempt.status == AttemptStatus.OPEN.value,
        )
    )


def start_or_resume(
    user_id: int, module: Module, *, now: datetime, rng: random.Random | None = None
) -> QuizAttempt:
    """The learner's open attempt at this quiz, or a new one with a fresh shuffle.

    Two tabs get the same attempt. An open attempt made from older content is abandoned and
    replaced, so a learner never answers questions that no longer exist.

    Raises:
        AttemptLimitReached: the quiz's max_attempts are used up.
    """
    quiz = module.quiz
    current = _open_attempt(user_id, module.key)
    if current is not None and current.quiz_hash == quiz.content_hash:
        return current
    if current is not None:
        current.status = AttemptStatus.ABANDONED.value
        db.session.flush()
    if (
        quiz.max_attempts is not None
        and len(attempts_for(user_id, module.key)) >= quiz.max_attempts
    ):
        raise AttemptLimitReached()
    attempt = QuizAttempt(
        user_id=user_id,
        module_key=module.key,
        quiz_hash=quiz.content_hash,
        status=AttemptStatus.OPEN.value,
        layout=make_layout(quiz, rng or random.SystemRandom()),
        started_at=now,
    )
    try:
        with db.session.begin_nested():
            db.session.add(attempt)
    except sa.exc.IntegrityError:  # another tab opened one at the same moment: use that
        winner = _open_attempt(user_id, module.key)
        if winner is None:
            raise
        return winner
    return attempt


def submit(
    attempt_id: int,
    user_id: int,
    module: Module,
    answers: Mapping[str, list[str]],
    *,
    now: datetime,
    rng: random.Random | None = None,
) -> QuizAttempt:
    """Grade and record an attempt exactly once.

    Raises:
        AttemptNotFound: not this learner's attempt at this quiz.
        AlreadySubmitted: it was submitted before; nothing changes.
        ContentChanged: the quiz changed since the attempt began; carries a fresh attempt.
        IncompleteAnswers: some question has no valid answer; nothing is recorded.
    """
    attempt = get_attempt(attempt_id, user_id, module.key)
    if attempt.status == AttemptStatus.SUBMITTED.value:
        raise AlreadySubmitted(attempt)
    quiz = module.quiz
    if attempt.status == AttemptStatus.ABANDONED.value or attempt.quiz_hash != quiz.content_hash:
        raise ContentChanged(start_or_resume(user_id, module, now=now, rng=rng))
    clean: dict[str, list[str]] = {}
    missing = []
    for question in quiz.questions:
        known = {o.key for o in question.options}
        chosen = sorted(set(answers.get(question.key, ())) & known)
        if not QUESTION_TYPES[question.type].is_complete(chosen):
            missing.append(question.key)
        clean[question.key] = chosen
    if missing:
        raise IncompleteAnswers(missing)
    result = grade(quiz, clean)
    # The conditional update is what makes a double submit record one attempt: only the
    # request that still finds the attempt open changes it.
    values = {
        "status": AttemptStatus.SUBMITTED.value,
        "answers": clean,
        "question_scores": result.question_scores,
        "score": result.score,
        "passed": result.passed,
        "submitted_at": now,
    }
    updated = db.session.execute(
        sa.update(QuizAttempt)
        .where(QuizAttempt.id == attempt.id, QuizAttempt.status == AttemptStatus.OPEN.value)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if affected(updated) != 1:
        db.session.refresh(attempt)  # what the request that got there first recorded
        raise AlreadySubmitted(attempt)
    for key, value in values.items():  # the row now holds exactly these: no need to re-read
        so.attributes.set_committed_value(attempt, key, value)
    if progress.record_activity(user_id, module.key) == 1:  # the learner's first submitted attempt
        _record_first_answers(attempt)
    return attempt


def first_answer_rows(
    attempt_id: int,
    user_id: int,
    module_key: str,
    submitted_at: datetime,
    question_scores: Mapping[str, float],
    answers: Mapping[str, list[str]],
) -> list[dict]:
    """The FirstAnswer rows of a submitted attempt: one per question it asked."""
    total = sum(question_scores.values())
    return [
        {
            "attempt_id": attempt_id,
            "question_key": key,
            "user_id": user_id,
            "module_key": module_key,
            "submitted_at": submitted_at,
            "score": score,
            "rest": total - score,
            "chosen": "," + "".join(f"{o}," for o in sorted(answers.get(key, ()))),
        }
        for key, score in question_scores.items()
    ]


def _record_first_answers(attempt: QuizAttempt) -> None:
    """Keep the answers of the learner's first submitted attempt at a quiz as rows."""
    rows = first_answer_rows(
        attempt.id,
        attempt.user_id,
        attempt.module_key,
        attempt.submitted_at,  # type: ignore[arg-type]
        attempt.question_scores or {},
        attempt.answers or {},
    )
    if rows:
        db.session.execute(sa.insert(FirstAnswer), rows)


def rebuild_first_answers(bind: Any, user_ids: Iterable[int] | None = None) -> None:
    """Rewrite the first-attempt answer rows of these learners (of everyone with None).

    For attempts written without ``submit``: demo data, test data and the migration that
    introduced the rows.
    """
    ids = None if user_ids is None else sorted(set(user_ids))
    answers = table(FirstAnswer)
    bind.execute(sa.delete(answers).where(*([] if ids is None else [answers.c.user_id.in_(ids)])))
    ranked = (
        sa.select(
            QuizAttempt.id,
            sa.func.row_number()
            .over(
                partition_by=(QuizAttempt.user_id, QuizAttempt.module_key),
                order_by=(QuizAttempt.submitted_at, QuizAttempt.id),
            )
            .label("rn"),
        )
        .where(QuizAttempt.status == AttemptStatus.SUBMITTED.value)
        .where(*([] if ids is None else [QuizAttempt.user_id.in_(ids)]))
        .subquery("ranked")
    )
    firsts = bind.execute(
        sa.select(
            QuizAttempt.id,
            QuizAttempt.user_id,
            QuizAttempt.module_key,
            QuizAttempt.submitted_at,
            QuizAttempt.question_scores,
            QuizAttempt.answers,
        )
        .where(QuizAttempt.id.in_(sa.select(ranked.c.id).where(ranked.c.rn == 1)))
        .order_by(QuizAttempt.id)
    ).all()
    rows: list[dict] = []
    for row in firsts:
        rows += first_answer_rows(
            row.id,
            row.user_id,
            row.module_key,
            row.submitted_at,
            row.question_scores or {},
            row.answers or {},
        )
        if len(rows) >= 5000:
            bind.execute(sa.insert(answers), rows)
            rows = []
    if rows:
        bind.execute(sa.insert(answers), rows)


def most_missed(learner_id: int, limit: int = 5) -> list[tuple[str, str, int]]:
    """(module key, question key, times missed) over the learner's submitted attempts."""
    rows = db.session.execute(
        sa.select(QuizAttempt.module_key, QuizAttempt.question_scores).where(
            QuizAttempt.user_id == learner_id, QuizAttempt.status == AttemptStatus.SUBMITTED.value
        )
    )
    missed: Counter[tuple[str, str]] = Counter()
    for module_key, per_question in rows:
        for question_key, score in (per_question or {}).items():
            if score < 1:
                missed[(module_key, question_key)] += 1
    return [(m, q, n) for (m, q), n in missed.most_common(limit)]


# ------------------------------------------------------------------ the activity summary
# Progress keeps one summary row per learner and module; these are the columns the quiz
# records fill in (registered below, so progress never imports the quiz domain).


def _activity_columns(a: Any) -> dict[str, Any]:
    submitted = QuizAttempt.status == AttemptStatus.SUBMITTED.value
    attempts = (QuizAttempt.user_id == a.user_id, QuizAttempt.module_key == a.module_key, submitted)
    earlier = so.aliased(QuizAttempt)
    passed_at = (
        sa.select(sa.func.min(earlier.submitted_at))
        .where(
            earlier.user_id == a.user_id,
            earlier.module_key == a.module_key,
            earlier.status == AttemptStatus.SUBMITTED.value,
            earlier.passed.is_(True),
        )
        .correlate(table(a))  # also when nested in another subquery
        .scalar_subquery()
    )

    def of_attempts(column: Any, *where: Any) -> Any:
        return sa.select(column).where(*attempts, *where).scalar_subquery()

    def of_first_attempt(column: Any) -> Any:
        first = sa.select(column).where(*attempts)
        return first.order_by(QuizAttempt.submitted_at, QuizAttempt.id).limit(1).scalar_subquery()

    return {
        "attempts": of_attempts(sa.func.count()),
        "best_score": of_attempts(sa.func.max(QuizAttempt.score)),
        "first_started_at": of_attempts(sa.func.min(QuizAttempt.started_at)),
        "passed_at": passed_at,
        "attempts_to_pass": of_attempts(sa.func.count(), QuizAttempt.submitted_at <= passed_at),
        "first_score": of_first_attempt(QuizAttempt.score),
        "first_submitted_at": of_first_attempt(QuizAttempt.submitted_at),
    }


def _active(ids: list[int] | None) -> sa.Select:
    where = [] if ids is None else [QuizAttempt.user_id.in_(ids)]
    return sa.select(QuizAttempt.user_id, QuizAttempt.module_key).where(
        QuizAttempt.status == AttemptStatus.SUBMITTED.value, *where
    )


progress.add_activity_source(_activity_columns, _active)
