"""Report figures checked against a small data set computed by hand."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest

from elearn.accounts.models import EmploymentModel
from elearn.courses.services import get_course
from elearn.progress.services import CompletionRules, progress_for_learners
from elearn.reports.overview import overview as overview_figures
from elearn.reports.questions import question_analysis
from elearn.reports.scope import Filters
from tests.discussions.util import attend_discussion
from tests.reports.util import DAY1, attempt, bulk_learners, correct, read, wrong_option

ZONE = ZoneInfo("Europe/Helsinki")
HOUR = timedelta(hours=1)


@pytest.fixture
def course(app):
    with app.app_context():
        return get_course()


@pytest.fixture
def people(course, make_user, make_cohort, db):
    """Pilot group: A (whole course), B (module 1 on day 2), C (one section).
    Own-service group: D (read module 1, failed its quiz), E (nothing)."""
    m1 = course.modules[0]
    pilot = make_cohort("Pilotti", EmploymentModel.EMPLOYER_MODEL)
    own = make_cohort("Oma", EmploymentModel.OWN_SERVICE)
    a, b, c = (make_user(cohort=pilot, name=n) for n in ("A", "B", "C"))
    d, e = (make_user(cohort=own, name=n) for n in ("D", "E"))
    # A: module 1 read from 10:00, failed at 11:00, passed at 12:00 (2 h, 2 attempts, best 90).
    read(a, m1, DAY1)
    attempt(a, m1, DAY1 + HOUR, score=50)
    attempt(a, m1, DAY1 + 2 * HOUR, score=90)
    for module in course.modules[1:]:  # every other module passed at 100 on day 1
        read(a, module, DAY1 + 3 * HOUR)
        attempt(a, module, DAY1 + 4 * HOUR, score=100)
    # B: day 2, read from 10:00, passed at 11:00 at the first try (1 h, best 80).
    read(b, m1, DAY1 + 24 * HOUR)
    attempt(b, m1, DAY1 + 25 * HOUR, score=80)
    read(c, m1, DAY1 + 24 * HOUR, sections=1)
    # D: day 3, read everything, failed with 40.
    read(d, m1, DAY1 + 48 * HOUR)
    attempt(d, m1, DAY1 + 49 * HOUR, score=40)
    return {"pilot": pilot, "own": own, "a": a, "b": b, "c": c, "d": d, "e": e}


def overview(course, filters=None, require_discussion=False):
    filters = filters or Filters()
    return overview_figures(course, filters, zone=ZONE, require_discussion=require_discussion)


def test_module_figures_per_cohort_model_and_everyone(course, people, db):
    result = overview(course)
    m1 = course.modules[0].key
    pilot = next(g for g in result.cohorts if g.key == str(people["pilot"].id))
    own = next(g for g in result.cohorts if g.key == str(people["own"].id))

    f = pilot.modules[m1]
    assert (f.learners, f.started, f.completed, f.attempted, f.passed) == (3, 3, 2, 2, 2)
    assert f.pass_rate == 1.0 and f.mean_best == 85.0 and f.mean_attempts_to_pass == 1.5
    assert f.median_seconds == pytest.approx(1.5 * 3600)  # median of 2 h and 1 h

    f = own.modules[m1]
    assert (f.learners, f.started, f.completed, f.attempted, f.passed) == (2, 1, 0, 1, 0)
    assert f.pass_rate == 0.0 and f.mean_best == 40.0
    assert f.mean_attempts_to_pass is None and f.median_seconds is None

    f = result.total.modules[m1]
    assert (f.learners, f.started, f.completed, f.attempted, f.passed) == (5, 4, 2, 3, 2)
    assert f.pass_rate == pytest.approx(2 / 3) and f.mean_best == pytest.approx(70.0)
    assert f.median_seconds == pytest.approx(1.5 * 3600)

    models = {g.key: g for g in result.models}
    assert models[EmploymentModel.EMPLOYER_MODEL.value].modules[m1].completed == 2
    assert models[EmploymentModel.OWN_SERVICE.value].modules[m1].started == 1

    m2 = course.modules[1].key
    # Only A did module 2: read at 11:00-11:04, passed at 12:00, so 1 h from the first reading.
    assert result.total.modules[m2].completed == 1
    assert result.total.modules[m2].median_seconds == pytest.approx(3600)


def test_course_level_figures_and_funnel(course, people, db):
    result = overview(course)
    pilot = next(g for g in result.cohorts if g.key == str(people["pilot"].id))
    own = next(g for g in result.cohorts if g.key == str(people["own"].id))
    assert (pilot.learners, pilot.started_course, pilot.completed_course) == (3, 3, 1)
    assert (own.learners, own.started_course, own.completed_course) == (2, 1, 0)
    assert result.funnel == [("learners", 5), ("started", 4), (course.modules[0].key, 2)] + [
        (m.key, 1) for m in course.modules[1:]
    ] + [("course", 1)]
    # Best score per learner and module: A 90 and 5 x 100, B 80, D 40.
    assert result.score_bins == [0, 0, 0, 0, 1, 0, 0, 0, 1, 6]


def test_a_required_discussion_counts_for_the_course(course, people, make_user, db):
    assert overview(course, require_discussion=True).total.completed_course == 0
    attend_discussion(db, make_user, people["a"])
    assert overview(course, require_discussion=True).total.completed_course == 1


def test_the_sql_figures_agree_with_the_one_progress_function(course, people, db):
    ids = [people[k].id for k in "abcde"]
    progress = progress_for_learners(course, ids, rules=CompletionRules())
    result = overview(course)
    for module in course.modules:
        expected = sum(1 for p in progress.values() if p.for_module(module.key).complete)
        started = sum(1 for p in progress.values() if p.for_module(module.key).started)
        assert result.total.modules[module.key].completed == expected
        assert result.total.modules[module.key].started == started
    assert result.total.completed_course == sum(1 for p in progress.values() if p.complete)


def test_filters_by_cohort_model_and_dates(course, people, db):
    m1 = course.modules[0].key
    only_own = overview(course, Filters(cohort_id=people["own"].id))
    assert only_own.total.learners == 2 and only_own.total.modules[m1].attempted == 1
    employer = overview(course, Filters(employment_model=EmploymentModel.EMPLOYER_MODEL.value))
    assert employer.total.learners == 3 and employer.total.modules[m1].completed == 2
    # Day 2 only: B's reading and pass, and C's one section; A's day 1 does not count.
    day2 = (DAY1 + 24 * HOUR).date()
    result = overview(course, Filters(start=day2, end=day2))
    f = result.total.modules[m1]
    assert (f.started, f.completed, f.attempted, f.passed) == (2, 1, 1, 1)
    assert result.total.modules[course.modules[1].key].started == 0
    assert result.total.learners == 5  # the period limits activity, not who is counted


def test_date_window_is_local_midnight_to_midnight():
    window = Filters(start=date(2026, 3, 2), end=date(2026, 3, 2)).window(ZONE)
    assert [t.isoformat() for t in window] == [
        "2026-03-02T00:00:00+02:00",
        "2026-03-03T00:00:00+02:00",
    ]


# ------------------------------------------------------------------ questions


@pytest.fixture
def quiz_takers(course, make_user, make_cohort, db):
    """Four learners' first attempts at module 1's quiz, designed so the figures are known:

    q1: L1, L2 right; L3, L4 chose the same wrong option.  q2: the same pattern.
    q3: the last true/false question, everyone right.  q4: everyone chose a wrong option.
    L3 also has a second, fully right attempt that must not count.
    """
    module = course.modules[0]
    questions = module.quiz.questions
    q1, q2, q4 = questions[0], questions[1], questions[2]
    q3 = questions[-1]
    cohort = make_cohort("Kysymysryhmä")
    learners = [make_user(cohort=cohort) for _ in range(4)]
    for i, learner in enumerate(learners):
        answers = correct(module)
        if i >= 2:
            answers[q1.key] = [wrong_option(q1)]
            answers[q2.key] = [wrong_option(q2)]
        answers[q4.key] = [wrong_option(q4)]
        attempt(learner, module, DAY1 + i * HOUR, answers=answers)
    attempt(learners[2], module, DAY1 + 9 * HOUR, answers=correct(module))
    return module, (q1, q2, q3, q4), learners


def test_item_analysis(quiz_takers, db):
    module, (q1, q2, q3, q4), _ = quiz_takers
    analysis = question_analysis(module, Filters(), zone=ZONE, minimum=4)
    assert analysis.first_attempts == 4

    first = analysis.question(q1.key)
    assert first.answered == 4 and first.fully_correct == 2 and first.facility == 0.5
    # Right on q1 <=> better on the rest of the quiz: a perfect item-rest correlation.
    assert first.discrimination == pytest.approx(1.0)
    chosen = {o.key: o.chosen for o in first.options}
    right = next(o.key for o in q1.options if o.correct)
    assert chosen[right] == 2 and chosen[wrong_option(q1)] == 2 and sum(chosen.values()) == 4
    assert first.most_chosen_wrong.key == wrong_option(q1)
    assert first.flag is None

    assert analysis.question(q2.key).discrimination == pytest.approx(1.0)
    easy = analysis.question(q3.key)
    assert easy.facility == 1.0 and easy.flag == "too_easy"
    assert easy.discrimination is None  # no variation, no correlation
    assert easy.most_chosen_wrong is None
    hard = analysis.question(q4.key)
    assert hard.facility == 0.0 and hard.flag == "too_hard"
    assert sum(analysis.score_bins) == 4


def test_few_answers_are_marked_and_not_flagged(quiz_takers, db):
    module, (q1, q2, q3, q4), _ = quiz_takers
    analysis = question_analysis(module, Filters(), zone=ZONE, minimum=10)
    assert all(not q.enough for q in analysis.questions)
    assert analysis.question(q3.key).flag is None and analysis.question(q4.key).flag is None


def test_item_analysis_follows_the_filters(quiz_takers, make_cohort, make_user, db):
    module, (q1, *_), learners = quiz_takers
    other = make_cohort("Muut")
    outsider = make_user(cohort=other)
    attempt(outsider, module, DAY1, answers=correct(module))
    assert (
        question_analysis(module, Filters(cohort_id=other.id), zone=ZONE, minimum=1).first_attempts
        == 1
    )
    mine = question_analysis(module, Filters(cohort_id=learners[0].cohort_id), zone=ZONE, minimum=1)
    assert mine.question(q1.key).fully_correct == 2


@pytest.mark.parametrize("require_discussion", [False, True])
def test_the_sql_completion_rule_is_the_progress_rule_for_many_learners(
    course, make_user, db, require_discussion
):
    """The overview counts completions with ``progress.services``' rule in SQL; over many
    learners in every state it counts exactly what ``progress_for_learners`` says."""
    ids = bulk_learners(course, 80, seed=11)
    finishers = [make_user(name=f"Valmis {k}") for k in range(3)]
    for learner in finishers:
        for module in course.modules:
            read(learner, module, DAY1)
            attempt(learner, module, DAY1 + HOUR, score=100)
    attend_discussion(db, make_user, finishers[0])
    ids += [f.id for f in finishers]
    rules = CompletionRules(require_discussion=require_discussion)
    progress = progress_for_learners(course, ids, rules=rules).values()
    result = overview(course, require_discussion=require_discussion)
    for module in course.modules:
        done = sum(1 for p in progress if p.for_module(module.key).complete)
        assert result.total.modules[module.key].completed == done, module.key
    complete = sum(1 for p in progress if p.complete)
    assert result.total.completed_course == complete == (1 if require_discussion else 3)
