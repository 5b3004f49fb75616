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

from elearn.content.model import Course, Module, Option, Question, Quiz
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


@dataclass(frozen=True)
class ReviewedQuestion:
    """A question of a submitted attempt as the learner saw it, with their answer."""

    number: int  # its place in the attempt (questions are shuffled per attempt)
    question: Question
    options: tuple[Option, ...]  # in the order they were shown
    chosen: frozenset[str]
    points: float

    @property
    def correct(self) -> bool:
        """Answered exactly right: every correct option chosen and no other."""
        return self.chosen == {o.key for o in self.question.options if o.correct}


def review(attempt: QuizAttempt, quiz: Quiz) -> list[ReviewedQuestion]:
    """The questions of a submitted attempt in the order shown, with what was chosen.

    A question removed from the quiz since the attempt is left out; its number stays taken.
    """
    reviewed = []
    answers, scores = attempt.answers or {}, attempt.question_scores or {}
    for number, item in enumerate(attempt.layout, start=1):
        question = quiz.question(item["question"])
        if question is None:
            continue
        options = tuple(o for o in map(question.option, item["options"]) if o is not None)
        reviewed.append(
            ReviewedQuestion(
                number=number,
                question=question,
                options=options,
                chosen=frozenset(answers.get(question.key, [])),
                points=scores.get(question.key, 0),
            )
        )
    return reviewed


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
    user_id: int,
    module: Module,
    *,
    now: datetime,
    rng: random.Random | None = None,
    content_version: int = 0,
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
        content_version=content_version,
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
    content_version: int = 0,
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
        raise ContentChanged(
            start_or_resume(user_id, module, now=now, rng=rng, content_version=content_version)
        )
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
        _record_first_answers(attempt, module)
    return attempt


def first_answer_rows(
    attempt_id: int,
    user_id: int,
    module_key: str,
    submitted_at: datetime,
    question_scores: Mapping[str, float],
    answers: Mapping[str, list[str]],
    *,
    content_version: int = 0,
    question_hashes: Mapping[str, str] | None = None,
) -> list[dict]:
    """The FirstAnswer rows of a submitted attempt: one per question it asked."""
    hashes = question_hashes or {}
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
            "content_version": content_version,
            "question_hash": hashes.get(key, ""),
        }
        for key, score in question_scores.items()
    ]


def _record_first_answers(attempt: QuizAttempt, module: Module) -> None:
    """Keep the answers of the learner's first submitted attempt at a quiz as rows, with
    the hash of each question as it was asked (statistics are kept per wording)."""
    rows = first_answer_rows(
        attempt.id,
        attempt.user_id,
        attempt.module_key,
        attempt.submitted_at,  # type: ignore[arg-type]
        attempt.question_scores or {},
        attempt.answers or {},
        content_version=attempt.content_version,
        question_hashes={q.key: q.content_hash for q in module.quiz.questions},
    )
    if rows:
        db.session.execute(sa.insert(FirstAnswer), rows)


def rebuild_first_answers(
    bind: Any, user_ids: Iterable[int] | None = None, *, course: Course | None = None
) -> None:
    """Rewrite the first-attempt answer rows of these learners (of everyone with None).

    For attempts written without ``submit``: demo data, test data and the migration that
    introduced the rows. An attempt at a quiz as ``course`` has it gets the hashes of its
    questions; an attempt at another wording (or with no course given) gets none.
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
    # The migration that introduced these rows runs this on the schema of its time, before
    # the rows had their content version: only the columns that exist are written.
    where = bind.get_bind() if hasattr(bind, "get_bind") else bind  # a session or a connection
    existing = {c["name"] for c in sa.inspect(where).get_columns(FirstAnswer.__tablename__)}
    versioned = "content_version" in existing
    answers_then = sa.table(FirstAnswer.__tablename__, *(sa.column(c) for c in sorted(existing)))
    firsts = bind.execute(
        sa.select(
            QuizAttempt.id,
            QuizAttempt.user_id,
            QuizAttempt.module_key,
            QuizAttempt.submitted_at,
            QuizAttempt.question_scores,
            QuizAttempt.answers,
            QuizAttempt.quiz_hash,
            QuizAttempt.content_version if versioned else sa.literal(0).label("content_version"),
        )
        .where(QuizAttempt.id.in_(sa.select(ranked.c.id).where(ranked.c.rn == 1)))
        .order_by(QuizAttempt.id)
    ).all()
    rows: list[dict] = []

    def write() -> None:
        bind.execute(
            sa.insert(answers_then), [{k: v for k, v in r.items() if k in existing} for r in rows]
        )

    hashes = {
        (m.key, m.quiz.content_hash): {q.key: q.content_hash for q in m.quiz.questions}
        for m in (course.modules if course else ())
        if m.quiz is not None
    }
    for row in firsts:
        rows += first_answer_rows(
            row.id,
            row.user_id,
            row.module_key,
            row.submitted_at,
            row.question_scores or {},
            row.answers or {},
            content_version=row.content_version,
            question_hashes=hashes.get((row.module_key, row.quiz_hash)),
        )
        if len(rows) >= 5000:
            write()
            rows = []
    if rows:
        write()


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
