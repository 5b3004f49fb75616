"""Grading rules for every question type, with property-based tests of the invariants."""

from __future__ import annotations

import random

from hypothesis import given
from hypothesis import strategies as st

from elearn.content.model import Option, Question, Quiz
from elearn.content.question_types import QUESTION_TYPES, MultipleChoice, QuestionType, register
from elearn.quizzes.services import grade, make_layout


def option(key: str, correct: bool) -> Option:
    return Option(key=key, correct=correct, texts={})


def question(key: str, qtype: str, flags: list[bool]) -> Question:
    options = tuple(option(chr(ord("a") + i), c) for i, c in enumerate(flags))
    return Question(key=key, type=qtype, texts={"fi": key}, options=options, content_hash=key)


def test_single_choice_scores_only_the_correct_option():
    q = question("q", "single", [False, True, False])
    single = QUESTION_TYPES["single"]
    assert single.grade(q.options, {"b"}) == 1.0
    assert single.grade(q.options, {"a"}) == 0.0
    assert single.grade(q.options, {"a", "b"}) == 0.0
    assert single.grade(q.options, set()) == 0.0


def test_true_false():
    q = question("q", "true_false", [True, False])
    assert QUESTION_TYPES["true_false"].grade(q.options, {"a"}) == 1.0
    assert QUESTION_TYPES["true_false"].grade(q.options, {"b"}) == 0.0
    assert QUESTION_TYPES["true_false"].authoring_problems(3, 1)


def test_multiple_choice_partial_credit_rule():
    q = question("q", "multiple", [True, True, False, False])
    multiple = QUESTION_TYPES["multiple"]
    assert multiple.grade(q.options, {"a", "b"}) == 1.0
    assert multiple.grade(q.options, {"a"}) == 0.5
    assert multiple.grade(q.options, {"a", "c"}) == 0.0  # one right, one wrong cancel out
    assert multiple.grade(q.options, {"a", "b", "c"}) == 0.5
    assert multiple.grade(q.options, {"c", "d"}) == 0.0  # never below zero
    assert multiple.grade(q.options, {"a", "b", "c", "d"}) == 0.0


def test_unknown_option_keys_are_ignored():
    q = question("q", "multiple", [True, False])
    assert QUESTION_TYPES["multiple"].grade(q.options, {"a", "zzz"}) == 1.0


def test_a_new_type_is_one_class():
    @register
    class AllOrNothing(MultipleChoice):
        name = "all_or_nothing"

        def grade(self, options, chosen):
            return 1.0 if set(chosen) == {o.key for o in options if o.correct} else 0.0

    try:
        q = question("q", "all_or_nothing", [True, True, False])
        assert isinstance(QUESTION_TYPES["all_or_nothing"], QuestionType)
        assert QUESTION_TYPES["all_or_nothing"].grade(q.options, {"a"}) == 0.0
        assert QUESTION_TYPES["all_or_nothing"].input_type == "checkbox"
    finally:
        del QUESTION_TYPES["all_or_nothing"]


flags = st.lists(st.booleans(), min_size=2, max_size=6).filter(any)
single_flags = st.integers(min_value=2, max_value=6).flatmap(
    lambda n: st.integers(min_value=0, max_value=n - 1).map(lambda i: [j == i for j in range(n)])
)


@given(flags, st.data())
def test_multiple_score_is_bounded_and_full_only_for_exactly_the_correct_set(flags_, data):
    q = question("q", "multiple", flags_)
    keys = [o.key for o in q.options]
    chosen = set(data.draw(st.lists(st.sampled_from(keys), unique=True)))
    score = QUESTION_TYPES["multiple"].grade(q.options, chosen)
    correct = {o.key for o in q.options if o.correct}
    assert 0.0 <= score <= 1.0
    assert (score == 1.0) == (chosen == correct)
    # Adding a wrong option never raises the score; adding a right one never lowers it.
    for key in keys:
        if key not in chosen:
            added = QUESTION_TYPES["multiple"].grade(q.options, chosen | {key})
            assert added >= score if key in correct else added <= score


@given(
    st.lists(
        st.one_of(flags.map(lambda f: ("multiple", f)), single_flags.map(lambda f: ("single", f))),
        min_size=1,
        max_size=10,
    ),
    st.integers(),
)
def test_shuffle_is_a_permutation_and_does_not_change_the_score(spec, seed):
    questions = tuple(question(f"q{i}", t, f) for i, (t, f) in enumerate(spec))
    quiz = Quiz(pass_mark=80, max_attempts=None, questions=questions, content_hash="h")
    layout = make_layout(quiz, random.Random(seed))
    assert sorted(item["question"] for item in layout) == sorted(q.key for q in questions)
    for item in layout:
        original = next(q for q in questions if q.key == item["question"])
        assert sorted(item["options"]) == sorted(o.key for o in original.options)
    perfect = {q.key: [o.key for o in q.options if o.correct] for q in questions}
    result = grade(quiz, perfect)
    assert result.score == 100.0 and result.passed
    # Answers given in the shuffled order grade the same as in authored order.
    reversed_answers = {k: list(reversed(v)) for k, v in perfect.items()}
    assert grade(quiz, reversed_answers).score == 100.0
    assert grade(quiz, {}).score == 0.0 and not grade(quiz, {}).passed


def test_pass_mark_boundary():
    questions = tuple(question(f"q{i}", "single", [True, False]) for i in range(10))
    quiz = Quiz(pass_mark=80, max_attempts=None, questions=questions, content_hash="h")
    eight = {f"q{i}": ["a"] for i in range(8)}
    seven = {f"q{i}": ["a"] for i in range(7)}
    assert grade(quiz, eight).score == 80.0 and grade(quiz, eight).passed
    assert grade(quiz, seven).score == 70.0 and not grade(quiz, seven).passed
