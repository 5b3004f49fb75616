"""Progress and completion rules, computed by one function for every view."""

from __future__ import annotations

import pytest

from elearn.core.time import utcnow
from elearn.courses.services import get_course
from elearn.progress.services import (
    CompletionRules,
    ModuleStatus,
    course_progress,
    mark_section_read,
    progress_for_learners,
)
from elearn.quizzes import services as quizzes
from tests.discussions.util import attend_discussion


def read_all(user_id, module):
    for section in module.sections:
        mark_section_read(user_id, module, section, now=utcnow())


def take_quiz(user_id, module, correct=True):
    attempt = quizzes.start_or_resume(user_id, module, now=utcnow())
    answers = {
        q.key: [o.key for o in q.options if o.correct == correct][: None if correct else 1]
        for q in module.quiz.questions
    }
    return quizzes.submit(attempt.id, user_id, module, answers, now=utcnow())


@pytest.fixture
def course(app):
    with app.app_context():
        return get_course()


def test_module_status_moves_from_not_started_to_done(course, make_user, db):
    user = make_user()
    module = course.modules[0]
    assert (
        course_progress(course, user.id).for_module(module.key).status == ModuleStatus.NOT_STARTED
    )
    mark_section_read(user.id, module, module.sections[0], now=utcnow())
    assert (
        course_progress(course, user.id).for_module(module.key).status == ModuleStatus.IN_PROGRESS
    )
    take_quiz(user.id, module)
    progress = course_progress(course, user.id).for_module(module.key)
    assert progress.quiz_passed and not progress.complete  # sections still unread
    read_all(user.id, module)
    progress = course_progress(course, user.id).for_module(module.key)
    assert progress.complete and progress.status == ModuleStatus.DONE and progress.completed_at


def test_a_failed_quiz_does_not_complete_a_module(course, make_user, db):
    user = make_user()
    module = course.modules[1]
    read_all(user.id, module)
    take_quiz(user.id, module, correct=False)
    progress = course_progress(course, user.id).for_module(module.key)
    assert not progress.complete and progress.best_score == 0.0 and progress.attempts == 1
    assert course_progress(course, user.id).next_step[0] == course.modules[0]


def test_course_completion_and_the_discussion_rule(course, make_user, db):
    user = make_user()
    for module in course.modules:
        read_all(user.id, module)
        take_quiz(user.id, module)
    assert course_progress(course, user.id).complete  # default rules: modules only
    strict = CompletionRules(require_discussion=True)
    assert not course_progress(course, user.id, rules=strict).complete
    assert not course_progress(course, user.id, rules=strict).discussion_done
    attend_discussion(db, make_user, user)
    attended = course_progress(course, user.id, rules=strict)
    assert attended.complete and attended.discussions_attended == 1 and attended.completed_at


def test_next_step_goes_to_the_quiz_after_the_sections(course, make_user, db):
    user = make_user()
    first = course.modules[0]
    read_all(user.id, first)
    assert course_progress(course, user.id).next_step == (first, None)
    take_quiz(user.id, first)
    assert course_progress(course, user.id).next_step == (
        course.modules[1],
        course.modules[1].sections[0],
    )


def test_batch_and_single_agree_with_a_fixed_number_of_queries(app, course, make_user, db):
    from sqlalchemy import event

    users = [make_user() for _ in range(5)]
    read_all(users[0].id, course.modules[0])
    take_quiz(users[1].id, course.modules[2])
    ids = [u.id for u in users]
    statements = []

    def count(*args):
        statements.append(args[2])

    engine = db.session.get_bind().engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        batch = progress_for_learners(course, ids)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 1
    for user in users:
        single = course_progress(course, user.id)
        assert [m.status for m in single.modules] == [m.status for m in batch[user.id].modules]
        assert [m.best_score for m in single.modules] == [
            m.best_score for m in batch[user.id].modules
        ]


def test_learner_page_and_trainer_page_show_the_same_progress(
    app, client, make_user, login_as, make_cohort, course, db
):
    from elearn.accounts.models import Role

    cohort = make_cohort("Seurattava ryhmä")
    learner = make_user(cohort=cohort, name="Liisa Oppija")
    read_all(learner.id, course.modules[0])
    take_quiz(learner.id, course.modules[0])
    read_all(learner.id, course.modules[1])
    db.session.commit()
    login_as(learner)
    overview = client.get("/modules/").get_data(as_text=True)
    assert overview.count("✓ Valmis") == 1
    assert overview.count("Kesken") == 1
    client.post_form("/logout")
    login_as(make_user(Role.TRAINER))
    page = client.get(f"/admin/cohorts/{cohort.id}/progress").get_data(as_text=True)
    assert "Liisa Oppija" in page
    assert page.count("✓ Valmis") == 1 and page.count("Kesken") == 1
    assert "1 opintojakso valmis" in page


def test_one_statement_carries_summaries_and_attended_discussions(course, make_user, db):
    # A learner who has only attended a discussion, one who has only read, and one who has
    # done nothing: each gets exactly their own figures from the one combined statement.
    attended_only, reader, idle = make_user(), make_user(), make_user()
    attend_discussion(db, make_user, attended_only)
    before = utcnow()
    read_all(reader.id, course.modules[0])
    take_quiz(reader.id, course.modules[0], correct=False)
    batch = progress_for_learners(course, [attended_only.id, reader.id, idle.id])

    assert batch[attended_only.id].discussions_attended == 1
    assert all(m.status == ModuleStatus.NOT_STARTED for m in batch[attended_only.id].modules)
    first = batch[reader.id].modules[0]
    assert first.read == frozenset(s.key for s in course.modules[0].sections)
    assert first.attempts == 1 and first.passed_at is None and first.best_score is not None
    # Times come back as aware UTC datetimes on both databases, as from the records.
    assert first.last_read_at.tzinfo is not None and first.last_read_at >= before
    assert batch[reader.id].discussions_attended == 0
    assert batch[idle.id].discussions_attended == 0
    assert all(m.read == frozenset() and m.attempts == 0 for m in batch[idle.id].modules)
