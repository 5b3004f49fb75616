"""Question types: how each type is authored (checked when content loads) and graded.

A new type is one class here, registered with ``@register``. Grading happens on the server
only; pages never carry which option is correct before the answer is submitted.

Scoring rules (each question is worth 1 point; the quiz score is the mean, as a percent):
- single and true_false: 1 when the one correct option is chosen, otherwise 0.
- multiple: partial credit. With k correct options, each correct option chosen earns 1/k
  and each wrong option chosen takes 1/k away; the result is never below 0. Choosing every
  option therefore scores (k - wrong) / k, not full marks.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import ClassVar, Protocol


class _Option(Protocol):
    @property
    def key(self) -> str: ...

    @property
    def correct(self) -> bool: ...


class QuestionType:
    """Base class: a name, the input the learner uses, authoring rules and grading."""

    name: ClassVar[str]
    input_type: ClassVar[str] = "radio"  # "radio" (choose one) or "checkbox" (choose several)

    def authoring_problems(self, option_count: int, correct_count: int) -> list[str]:
        """What is wrong with a question of this type, for the content check."""
        return []

    def is_complete(self, chosen: Collection[str]) -> bool:
        """Whether an answer has been given (single choice needs exactly one option)."""
        return len(chosen) == 1 if self.input_type == "radio" else len(chosen) >= 1

    def grade(self, options: Iterable[_Option], chosen: Collection[str]) -> float:
        """The share of the question's point earned, 0.0-1.0."""
        raise NotImplementedError


QUESTION_TYPES: dict[str, QuestionType] = {}


def register(cls: type[QuestionType]) -> type[QuestionType]:
    """Class decorator: make a question type available to content and grading."""
    QUESTION_TYPES[cls.name] = cls()
    return cls


@register
class SingleChoice(QuestionType):
    """One correct option among several; short case scenarios use this type too."""

    name = "single"

    def authoring_problems(self, option_count: int, correct_count: int) -> list[str]:
        if correct_count != 1:
            return [f"a {self.name} question has exactly one correct option"]
        return []

    def grade(self, options: Iterable[_Option], chosen: Collection[str]) -> float:
        correct = {o.key for o in options if o.correct}
        return 1.0 if set(chosen) == correct else 0.0


@register
class TrueFalse(SingleChoice):
    """A statement that is true or false: two options, one correct."""

    name = "true_false"

    def authoring_problems(self, option_count: int, correct_count: int) -> list[str]:
        problems = super().authoring_problems(option_count, correct_count)
        if option_count != 2:
            problems.append("a true_false question has exactly two options")
        return problems


@register
class MultipleChoice(QuestionType):
    """Several correct options; partial credit as described in the module docstring."""

    name = "multiple"
    input_type = "checkbox"

    def grade(self, options: Iterable[_Option], chosen: Collection[str]) -> float:
        options = list(options)
        correct = {o.key for o in options if o.correct}
        known = {o.key for o in options}
        picked = set(chosen) & known
        earned = len(picked & correct) - len(picked - correct)
        return max(0.0, earned / len(correct))
