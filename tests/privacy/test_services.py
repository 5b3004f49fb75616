"""Export, anonymise, delete and retention, checked against every table."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import sqlalchemy as sa

from elearn.accounts.models import Role, User
from elearn.audit.models import AuditEvent
from elearn.core.time import utcnow
from elearn.courses.services import cohort_progress
from elearn.discussions.models import Booking
from elearn.feedback import services as feedback
from elearn.feedback.models import SurveyParticipation, SurveyResponse
from elearn.feedback.registry import surveys
from elearn.journal.models import JournalEntry
from elearn.privacy import services as privacy
from elearn.privacy.models import DeletionRequest
from elearn.progress.models import ModuleActivity
from elearn.quizzes.models import FirstAnswer, QuizAttempt
from tests.privacy.util import rich_learner, text_hits


@pytest.fixture
def ctx(app):
    with app.test_request_context():
        yield


@pytest.fixture
def group(ctx, db, make_user, make_cohort):
    """Six learners in one cohort with data everywhere (five answers show survey results)."""
    cohort = make_cohort("Yksityisyysryhmä")
    people = [rich_learner(db, make_user, cohort, f"t{i}") for i in range(6)]
    return cohort, people


def _aggregates(people):
    """What trainers see: survey results and every learner's progress, as plain values."""
    result = feedback.results(
        surveys()["module-check"], feedback.Filters(), minimum=5, eligible_count=6
    )
    questions = [
        (q.question.key, q.counts, sorted(q.texts), q.answered, q.mean, q.median)
        for q in result.questions
    ]
    progress = cohort_progress([p.user.id for p in people])
    statuses = {
        uid: (
            [(m.module.key, m.status, m.sections_read, m.quiz_passed) for m in cp.modules],
            cp.discussions_attended,
            cp.complete,
        )
        for uid, cp in progress.items()
    }
    return result.count, questions, statuses


def test_export_holds_the_persons_data_and_says_what_is_not_there(group, db):
    _, people = group
    person = people[0]
    data = privacy.export_data(person.user, now=utcnow())
    text = json.dumps(data, ensure_ascii=False)
    assert data["account"]["email"] == person.user.email
    assert data["roles"] == ["assistant"] and data["cohort"]["name"] == "Yksityisyysryhmä"
    assert data["section_reads"] and data["quiz_attempts"][0]["answers"]
    assert data["quiz_attempts"][0]["score"] == 100
    entry = data["journal_entries"][0]
    assert entry["body"] == person.traces[2] and entry["shared_in_bookings"] == [person.booking.id]
    booking = data["bookings"][0]
    assert booking["message"] == person.booking.message
    assert booking["memo_summary"] == person.booking.memo_summary
    assert booking["your_comment"] == person.booking.learner_comment
    assert data["feedback_participation"] == [
        {"survey": "module-check", "context": entry["module"], "status": "answered"}
    ]
    # Anonymous answers cannot be found, and the file says so.
    assert data["named_survey_responses"] == []
    assert any("anonymous" in note for note in data["notes"])
    # Nothing of the other learners.
    for other in people[1:]:
        assert other.user.email not in text and other.traces[2] not in text


def test_anonymising_keeps_the_aggregates_and_leaves_no_trace(group, db, make_user):
    _, people = group
    person = people[0]
    admin = make_user(Role.ADMIN)
    before = _aggregates(people)
    counts_before = {
        model: db.session.scalar(sa.select(sa.func.count()).select_from(model))
        for model in (QuizAttempt, SurveyParticipation, SurveyResponse, Booking)
    }
    assert text_hits(person.traces)  # the scan finds the data while it is there
    privacy.anonymise(person.user, actor_id=admin.id, now=utcnow())
    db.session.commit()

    assert text_hits(person.traces) == []
    assert _aggregates(people) == before
    for model, count in counts_before.items():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(model)) == count
    user = db.session.get(User, person.user.id)
    assert not user.is_active and user.password_hash is None and user.name == ""
    # The others keep everything.
    for other in people[1:]:
        assert {h[2] for h in text_hits(other.traces)} == set(other.traces)
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "anonymised"))
    assert (event.actor_id, event.object_id, event.subject_id) == (admin.id, user.id, user.id)


def test_deleting_removes_the_person_and_their_rows(group, db, make_user):
    _, people = group
    person = people[0]
    uid = person.user.id
    admin = make_user(Role.ADMIN)
    responses = db.session.scalar(sa.select(sa.func.count()).select_from(SurveyResponse))
    summaries = ((ModuleActivity, ModuleActivity.user_id), (FirstAnswer, FirstAnswer.user_id))
    for model, column in summaries:  # the reports' summaries of their work exist, and go
        assert db.session.scalar(sa.select(sa.func.count()).where(column == uid)) > 0, model
    privacy.request_deletion(person.user, now=utcnow())
    privacy.delete_person(person.user, actor_id=admin.id, now=utcnow())
    db.session.commit()
    assert db.session.get(User, uid) is None
    assert text_hits(person.traces) == []
    for model, column in (
        *summaries,
        (QuizAttempt, QuizAttempt.user_id),
        (JournalEntry, JournalEntry.user_id),
        (Booking, Booking.learner_id),
        (SurveyParticipation, SurveyParticipation.user_id),
        (DeletionRequest, DeletionRequest.user_id),
    ):
        assert db.session.scalar(sa.select(sa.func.count()).where(column == uid)) == 0, model
    # Anonymous responses were never linked, so they stay.
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SurveyResponse)) == responses
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "deleted"))
    assert event.object_id == uid and event.subject_id is None and event.actor_id == admin.id


def test_a_supervisor_with_others_bookings_can_be_anonymised_not_deleted(group, db, make_user):
    _, people = group
    supervisor = people[0].booking.slot.supervisor
    learner_booking = people[0].booking.id
    with pytest.raises(privacy.HasSupervisedDiscussions):
        privacy.delete_person(supervisor, actor_id=None, now=utcnow())
    db.session.rollback()
    privacy.anonymise(supervisor, actor_id=None, now=utcnow())
    db.session.commit()
    booking = db.session.get(Booking, learner_booking)
    assert booking is not None and booking.memo_summary  # the learner's memo stays


def test_the_last_administrator_is_kept(ctx, db, make_user):
    admins = db.session.scalars(
        sa.select(User).where(User.role_rows.any(role="admin"), User.is_active.is_(True))
    ).all()
    admin = admins[0] if len(admins) == 1 else None
    if admin is None:
        for other in admins:
            other.is_active = False
        admin = make_user(Role.ADMIN)
    with pytest.raises(privacy.LastAdmin):
        privacy.anonymise(admin, actor_id=admin.id, now=utcnow())
    with pytest.raises(privacy.LastAdmin):
        privacy.delete_person(admin, actor_id=admin.id, now=utcnow())


def test_deletion_request_is_recorded_once(ctx, db, make_user):
    learner = make_user()
    first = privacy.request_deletion(learner, now=utcnow())
    again = privacy.request_deletion(learner, now=utcnow())
    db.session.commit()
    assert first.id == again.id and privacy.pending_requests() == [first]
    privacy.anonymise(learner, actor_id=None, now=utcnow())
    assert privacy.pending_requests() == []


def test_retention_clears_old_memos_and_journals_only(group, db):
    _, people = group
    now = utcnow()
    old, recent = people[0], people[1]
    old.booking.slot.starts_at = now - timedelta(days=401)
    old.booking.slot.ends_at = now - timedelta(days=400)
    db.session.execute(
        sa.update(JournalEntry)
        .where(JournalEntry.user_id == old.user.id)
        .values(updated_at=now - timedelta(days=400))
    )
    db.session.commit()
    before = _aggregates(people)
    result = privacy.apply_retention(now=now, memo_days=365, journal_days=365)
    db.session.commit()
    assert (result.memos, result.journal_entries) == (1, 1)
    assert text_hits(old.traces[2:]) == []
    assert {h[2] for h in text_hits(recent.traces)} == set(recent.traces)
    assert _aggregates(people) == before  # attendance and scores stay
    again = privacy.apply_retention(now=now, memo_days=365, journal_days=365)
    assert (again.memos, again.journal_entries) == (0, 0)
    # 0 keeps forever.
    later = privacy.apply_retention(now=now + timedelta(days=3650), memo_days=0, journal_days=0)
    assert (later.memos, later.journal_entries) == (0, 0)


def test_retention_command_prints_counts(ctx, group, db, runner):
    _, people = group
    future = (utcnow() + timedelta(days=800)).isoformat()
    result = runner.invoke(args=["privacy", "apply-retention", "--now", future])
    assert result.exit_code == 0, result.output
    assert "6 discussion memo(s) cleared" in result.output
    assert "6 journal entr(y/ies) deleted" in result.output
    assert text_hits([p.traces[2] for p in people]) == []
    bad = runner.invoke(args=["privacy", "apply-retention", "--now", "2027-01-01T00:00"])
    assert bad.exit_code != 0 and "time zone" in bad.output
