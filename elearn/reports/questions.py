"""Question analysis: how a module's quiz questions worked, over learners' first attempts.

- *facility* is the share of first attempts that got the question fully right;
- *discrimination* is the correlation between a question's score and the rest of the quiz
  (the corrected point-biserial), over first attempts;
- with a date range, the first attempts submitted within it count;
- figures are kept per wording: each answer row carries the hash of the question as it was
  asked, so an edited question starts with fresh figures and the figures of its earlier
  wordings stay readable beside them (``QuestionFigures.earlier``).

The answers come from ``quizzes.models.FirstAnswer`` (one row per learner and question of
their first attempt, kept up to date as learners submit), in three statements.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from elearn.content.model import Module, Question
from elearn.extensions import db
from elearn.progress.models import ModuleActivity
from elearn.quizzes.models import FirstAnswer
from elearn.reports.scope import SCORE_BINS, Filters, in_window, learners_query, score_bin

TOO_HARD = 0.30  # facility below this flags a question as too hard
TOO_EASY = 0.95  # and above this as too easy


@dataclass
class OptionFigures:
    """How often one option was chosen on first attempts."""

    key: str
    correct: bool
    chosen: int = 0


@dataclass(frozen=True)
class EarlierWording:
    """First-attempt figures of a question under a wording it no longer has."""

    question_hash: str  # "" for answers from before wordings were recorded
    answered: int
    fully_correct: int
    first_version: int  # content versions the answers were given on
    last_version: int

    @property
    def facility(self) -> float | None:
        return self.fully_correct / self.answered if self.answered else None


@dataclass
class QuestionFigures:
    """Item analysis of one question over first attempts."""

    question: Question
    answered: int = 0
    fully_correct: int = 0
    discrimination: float | None = None
    options: list[OptionFigures] = field(default_factory=list)
    minimum: int = 10
    earlier: list[EarlierWording] = field(default_factory=list)  # newest first

    @property
    def enough(self) -> bool:
        """Enough answers for the figures to mean something."""
        return self.answered >= self.minimum

    @property
    def facility(self) -> float | None:
        return self.fully_correct / self.answered if self.answered else None

    @property
    def flag(self) -> str | None:
        """ "too_hard", "too_easy" or None; never with too few answers."""
        if not self.enough or self.facility is None:
            return None
        if self.facility < TOO_HARD:
            return "too_hard"
        if self.facility > TOO_EASY:
            return "too_easy"
        return None

    @property
    def most_chosen_wrong(self) -> OptionFigures | None:
        wrong = [o for o in self.options if not o.correct and o.chosen > 0]
        return max(wrong, key=lambda o: o.chosen) if wrong else None


@dataclass
class QuestionAnalysis:
    """A module quiz's item analysis and score distribution over first attempts."""

    module: Module
    first_attempts: int
    questions: list[QuestionFigures]
    score_bins: list[int]
    minimum: int

    def question(self, key: str) -> QuestionFigures | None:
        return next((q for q in self.questions if q.question.key == key), None)


@dataclass(frozen=True)
class _Sums:
    """One question's first answers summed up: count, fully right, and the sums of the
    question's score (x), the rest of the quiz (y) and their squares and product."""

    answered: int = 0
    fully_correct: int = 0
    x: float = 0.0
    y: float = 0.0
    xx: float = 0.0
    yy: float = 0.0
    xy: float = 0.0

    @property
    def correlation(self) -> float | None:
        """Pearson's r from the sums; None when either variable does not vary."""
        n = self.answered
        if n < 2:
            return None
        vx = n * self.xx - self.x * self.x
        vy = n * self.yy - self.y * self.y
        if vx <= 1e-12 or vy <= 1e-12:
            return None
        return (n * self.xy - self.x * self.y) / math.sqrt(vx * vy)


def question_analysis(
    module: Module, filters: Filters, *, zone: ZoneInfo, minimum: int
) -> QuestionAnalysis:
    """Facility, discrimination and option choices per question, in three queries.

    Over each learner's first submitted attempt (``FirstAnswer`` rows); with a date range,
    over the first attempts submitted within it.
    """
    window = filters.window(zone)
    learners = sa.select(learners_query(filters).cte("learners").c.user_id)
    f = FirstAnswer
    covered = [
        f.module_key == module.key,
        f.user_id.in_(learners),
        *in_window(f.submitted_at, window),
    ]

    current = {q.key: q.content_hash for q in module.quiz.questions}

    # 1. Per question and wording: answers, fully correct, and the sums for item-rest
    # correlation (of the current wording; earlier ones are shown with their facility).
    sums: dict[str, _Sums] = {}
    earlier: dict[str, list[EarlierWording]] = defaultdict(list)
    for row in db.session.execute(
        sa.select(
            f.question_key.label("question_key"),
            f.question_hash.label("question_hash"),
            sa.func.count().label("answered"),
            sa.func.sum(sa.case((f.score >= 1.0, 1), else_=0)).label("fully_correct"),
            sa.func.sum(f.score).label("x"),
            sa.func.sum(f.rest).label("y"),
            sa.func.sum(f.score * f.score).label("xx"),
            sa.func.sum(f.rest * f.rest).label("yy"),
            sa.func.sum(f.score * f.rest).label("xy"),
            sa.func.min(f.content_version).label("first_version"),
            sa.func.max(f.content_version).label("last_version"),
        )
        .where(*covered)
        .group_by(f.question_key, f.question_hash)
    ):
        if row.question_hash == current.get(row.question_key):
            sums[row.question_key] = _Sums(
                answered=row.answered,
                fully_correct=int(row.fully_correct or 0),
                x=float(row.x or 0),
                y=float(row.y or 0),
                xx=float(row.xx or 0),
                yy=float(row.yy or 0),
                xy=float(row.xy or 0),
            )
        else:
            earlier[row.question_key].append(
                EarlierWording(
                    question_hash=row.question_hash,
                    answered=row.answered,
                    fully_correct=int(row.fully_correct or 0),
                    first_version=row.first_version,
                    last_version=row.last_version,
                )
            )

    # 2. How often each option was chosen under the current wording: counted per set of
    # options chosen together.
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for row in db.session.execute(
        sa.select(
            f.question_key.label("question_key"),
            f.question_hash.label("question_hash"),
            f.chosen.label("chosen"),
            sa.func.count().label("times"),
        )
        .where(*covered)
        .group_by(f.question_key, f.question_hash, f.chosen)
    ):
        if row.question_hash != current.get(row.question_key):
            continue
        for option in row.chosen.strip(",").split(","):
            if option:
                counts[(row.question_key, option)] += row.times

    # 3. Distribution of first-attempt scores, and so the number of first attempts.
    a = ModuleActivity
    bins = [0] * SCORE_BINS
    for row in db.session.execute(
        sa.select(score_bin(a.first_score).label("bin"), sa.func.count().label("learners"))
        .where(
            a.module_key == module.key,
            a.first_score.is_not(None),
            a.user_id.in_(learners),
            *in_window(a.first_submitted_at, window),
        )
        .group_by("bin")
    ):
        bins[int(row.bin)] = row.learners

    questions = []
    for question in module.quiz.questions:
        found = sums.get(question.key, _Sums())
        questions.append(
            QuestionFigures(
                question=question,
                answered=found.answered,
                fully_correct=found.fully_correct,
                discrimination=found.correlation,
                minimum=minimum,
                earlier=sorted(
                    earlier.get(question.key, []),
                    key=lambda e: (e.last_version, e.first_version),
                    reverse=True,
                ),
                options=[
                    OptionFigures(o.key, o.correct, counts.get((question.key, o.key), 0))
                    for o in question.options
                ],
            )
        )
    return QuestionAnalysis(
        module=module,
        first_attempts=sum(bins),
        questions=questions,
        score_bins=bins,
        minimum=minimum,
    )
