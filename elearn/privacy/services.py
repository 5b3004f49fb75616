"""Data rights and the audit log.

This domain reads and changes the rows of every other domain, because a person's data is
spread over all of them; it is the one exception to "call another domain through its
services", and it only removes or blanks data, never makes any.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from elearn.accounts.models import Cohort, Role, User, UserRole, UserToken, cohort_supervisors
from elearn.audit.models import AuditEvent
from elearn.audit.services import AuditAction, record
from elearn.certificates.models import Certificate
from elearn.core.db import affected, table
from elearn.core.errors import DomainError
from elearn.discussions.models import Booking, DiscussionSlot, SharedEntry
from elearn.extensions import db
from elearn.feedback.models import LoopNote, SurveyParticipation, SurveyResponse
from elearn.journal.models import JournalEntry
from elearn.outbox import services as outbox
from elearn.outbox.models import OutboxMessage
from elearn.privacy.models import DeletionRequest
from elearn.progress.models import ModuleActivity, SectionRead
from elearn.quizzes.models import FirstAnswer, QuizAttempt

# The journal answers shared with bookings (copies of the text as it was when booked).
booking_shares = table(SharedEntry)

ANONYMOUS_SURVEYS_NOTE = (
    "Answers to anonymous feedback surveys are not included: they are stored without any "
    "link to you, so nobody, not even an administrator, can tell which answers are yours. "
    "The surveys you answered or skipped are listed under feedback_participation."
)
PRIVATE_MEMO_NOTE = (
    "A supervisor's private notes are not shown here; ask the administrator if you want them."
)


class LastAdmin(DomainError):
    """The last active administrator cannot be removed."""

    code = "last_admin"
    message = _l("The last administrator cannot be anonymised or deleted.")


class HasSupervisedDiscussions(DomainError):
    """Deleting this supervisor would delete other people's discussion records; anonymise."""

    code = "has_supervised_discussions"
    message = _l(
        "Learners have booked this supervisor's discussion times. Deleting the "
        "supervisor would delete those learners' records: anonymise them instead."
    )


# ------------------------------------------------------------------ export


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def export_data(user: User, *, now: datetime, actor: User | None = None) -> dict[str, Any]:
    """Everything stored about ``user`` that can be linked to them, as JSON-ready data.

    The export is recorded in the audit log, done by ``actor`` (default: the person).
    """
    record(
        AuditAction.DATA_EXPORTED,
        "user",
        user.id,
        actor_id=(actor or user).id,
        subject_id=user.id,
        now=now,
    )
    cohort = db.session.get(Cohort, user.cohort_id) if user.cohort_id else None
    attempts = db.session.scalars(
        sa.select(QuizAttempt).where(QuizAttempt.user_id == user.id).order_by(QuizAttempt.id)
    )
    reads = db.session.scalars(
        sa.select(SectionRead).where(SectionRead.user_id == user.id).order_by(SectionRead.id)
    )
    entries = list(
        db.session.scalars(
            sa.select(JournalEntry).where(JournalEntry.user_id == user.id).order_by(JournalEntry.id)
        )
    )
    bookings = db.session.scalars(
        sa.select(Booking).where(Booking.learner_id == user.id).order_by(Booking.id)
    )
    slots = db.session.scalars(
        sa.select(DiscussionSlot)
        .where(DiscussionSlot.supervisor_id == user.id)
        .order_by(DiscussionSlot.id)
    )
    participations = db.session.scalars(
        sa.select(SurveyParticipation)
        .where(SurveyParticipation.user_id == user.id)
        .order_by(SurveyParticipation.id)
    )
    named = db.session.scalars(
        sa.select(SurveyResponse)
        .where(SurveyResponse.user_id == user.id)
        .order_by(SurveyResponse.week)
    )
    certificate = db.session.scalar(sa.select(Certificate).where(Certificate.user_id == user.id))
    requests = db.session.scalars(
        sa.select(DeletionRequest).where(DeletionRequest.user_id == user.id)
    )
    mail = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.user_id == user.id).order_by(OutboxMessage.id)
    )
    shares: dict[int, list[int]] = {}
    for booking_id, entry_id in db.session.execute(
        sa.select(booking_shares.c.booking_id, booking_shares.c.entry_id).where(
            booking_shares.c.entry_id.in_([e.id for e in entries])
        )
    ):
        shares.setdefault(entry_id, []).append(booking_id)
    return {
        "exported_at": _iso(now),
        "notes": [ANONYMOUS_SURVEYS_NOTE, PRIVATE_MEMO_NOTE],
        "account": {
            "id": user.id,
            "email": user.email,
            "name": user.name,
            "language": user.language,
            "is_active": user.is_active,
            "created_at": _iso(user.created_at),
            "last_login_at": _iso(user.last_login_at),
            "mail_when_memo_ready": user.mail_memo_ready,
            "mail_reminder_of_unconfirmed_memo": user.mail_memo_reminder,
        },
        "roles": sorted(r.value for r in user.roles),
        "cohort": (
            {"name": cohort.name, "employment_model": cohort.employment_model} if cohort else None
        ),
        "supervised_cohorts": [c.name for c in user.supervised_cohorts],
        "section_reads": [
            {"module": r.module_key, "section": r.section_key, "read_at": _iso(r.read_at)}
            for r in reads
        ],
        "quiz_attempts": [
            {
                "id": a.id,
                "module": a.module_key,
                "status": a.status,
                "answers": a.answers,
                "question_scores": a.question_scores,
                "score": a.score,
                "passed": a.passed,
                "started_at": _iso(a.started_at),
                "submitted_at": _iso(a.submitted_at),
            }
            for a in attempts
        ],
        "journal_entries": [
            {
                "id": e.id,
                "module": e.module_key,
                "question": e.question,
                "body": e.body,
                "updated_at": _iso(e.updated_at),
                "shared_in_bookings": sorted(shares.get(e.id, [])),
            }
            for e in entries
        ],
        "bookings": [
            {
                "id": b.id,
                "starts_at": _iso(b.slot.starts_at),
                "ends_at": _iso(b.slot.ends_at),
                "supervisor": b.slot.supervisor.display_name,
                "status": b.status,
                "theme": b.theme,
                "message": b.message,
                "created_at": _iso(b.created_at),
                "cancelled_at": _iso(b.cancelled_at),
                "attendance": b.attendance,
                "memo_summary": b.memo_summary,
                "memo_followups": b.memo_followups,
                "memo_written_at": _iso(b.memo_written_at),
                "your_comment": b.learner_comment,
                "confirmed_at": _iso(b.learner_confirmed_at),
            }
            for b in bookings
        ],
        "discussion_times_offered": [
            {
                "id": s.id,
                "starts_at": _iso(s.starts_at),
                "ends_at": _iso(s.ends_at),
                "place_kind": s.place_kind,
                "place_detail": s.place_detail,
                "theme": s.theme,
                "note": s.note,
                "cancelled_at": _iso(s.cancelled_at),
            }
            for s in slots
        ],
        "feedback_participation": [
            {"survey": p.survey_key, "context": p.context, "status": p.status}
            for p in participations
        ],
        "named_survey_responses": [
            {"survey": r.survey_key, "week": _iso(r.week), "answers": r.answers} for r in named
        ],
        "certificate": (
            {
                "code": certificate.code,
                "completed_at": _iso(certificate.completed_at),
                "issued_at": _iso(certificate.issued_at),
            }
            if certificate
            else None
        ),
        "deletion_requests": [
            {"requested_at": _iso(r.requested_at), "handled_at": _iso(r.handled_at)}
            for r in requests
        ],
        "e_mail_to_you": [
            {
                "subject": m.subject,
                "body": m.body,
                "queued_at": _iso(m.created_at),
                "sent_at": _iso(m.sent_at),
            }
            for m in mail
        ],
    }


# ------------------------------------------------------------------ deletion requests


def pending_request(user_id: int) -> DeletionRequest | None:
    """The person's unhandled deletion request, if any."""
    return db.session.scalar(
        sa.select(DeletionRequest).where(
            DeletionRequest.user_id == user_id, DeletionRequest.handled_at.is_(None)
        )
    )


def request_deletion(user: User, *, now: datetime) -> DeletionRequest:
    """Record that the person wants their data deleted (once; a repeat returns the first)."""
    existing = pending_request(user.id)
    if existing is not None:
        return existing
    req = DeletionRequest(user_id=user.id, requested_at=now)
    db.session.add(req)
    record(
        AuditAction.DELETION_REQUESTED,
        "user",
        user.id,
        actor_id=user.id,
        subject_id=user.id,
        now=now,
    )
    return req


def pending_requests() -> list[DeletionRequest]:
    """Unhandled deletion requests, oldest first."""
    return list(
        db.session.scalars(
            sa.select(DeletionRequest)
            .where(DeletionRequest.handled_at.is_(None))
            .order_by(DeletionRequest.requested_at)
        )
    )


# ------------------------------------------------------------------ anonymise and delete


def _check_not_last_admin(user: User) -> None:
    if Role.ADMIN not in user.roles or not user.is_active:
        return
    admins = (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(UserRole)
            .join(User, User.id == UserRole.user_id)
            .where(UserRole.role == Role.ADMIN.value, User.is_active.is_(True))
        )
        or 0
    )
    if admins <= 1:
        raise LastAdmin()


def _blank_booking_texts(where: Any) -> int:
    db.session.execute(
        sa.delete(booking_shares).where(
            booking_shares.c.booking_id.in_(sa.select(Booking.id).where(where))
        )
    )
    return affected(
        db.session.execute(
            sa.update(Booking)
            .where(where)
            .values(
                theme="",
                message="",
                memo_summary="",
                memo_followups="",
                memo_private="",
                learner_comment="",
            )
            .execution_options(synchronize_session=False)
        )
    )


def anonymise(user: User, *, actor_id: int | None, now: datetime) -> None:
    """Remove what identifies the person and every free text about them; keep the numbers.

    Kept: the account row (as "anonymised", unable to log in), cohort and roles, section
    reads, quiz attempts and scores, survey participation and responses (a named response
    loses its link), attendance and certificate, so reports and survey results stay the same.
    Removed: name, e-mail, password, links, journal entries, the texts of their bookings
    (messages, memos, comments).

    Raises:
        LastAdmin: the last active administrator cannot be anonymised.
    """
    _check_not_last_admin(user)
    uid = user.id
    db.session.execute(sa.delete(UserToken).where(UserToken.user_id == uid))
    db.session.execute(
        sa.delete(booking_shares).where(
            booking_shares.c.entry_id.in_(
                sa.select(JournalEntry.id).where(JournalEntry.user_id == uid)
            )
        )
    )
    db.session.execute(sa.delete(JournalEntry).where(JournalEntry.user_id == uid))
    _blank_booking_texts(Booking.learner_id == uid)
    outbox.forget_person(uid)
    db.session.execute(
        sa.update(SurveyResponse).where(SurveyResponse.user_id == uid).values(user_id=None)
    )
    user.name = ""
    user.email = f"anonymised-{uid}@invalid"
    user.password_hash = None
    user.is_active = False
    user.last_login_at = None
    user.session_nonce = secrets.token_hex(16)
    db.session.execute(
        sa.update(DeletionRequest)
        .where(DeletionRequest.user_id == uid, DeletionRequest.handled_at.is_(None))
        .values(handled_at=now)
    )
    record(AuditAction.ANONYMISED, "user", uid, actor_id=actor_id, subject_id=uid, now=now)
    db.session.flush()
    db.session.expire_all()


def delete_person(user: User, *, actor_id: int | None, now: datetime) -> None:
    """Remove the person and every row about them.

    Anonymous survey responses stay (they have no link); a named response loses its link;
    feedback notes they wrote stay without an author.

    Raises:
        LastAdmin: the last active administrator cannot be deleted.
        HasSupervisedDiscussions: other learners booked this supervisor's times; deleting
            them would delete those learners' discussion records, so anonymise instead.
    """
    _check_not_last_admin(user)
    uid = user.id
    others = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Booking)
        .join(DiscussionSlot, DiscussionSlot.id == Booking.slot_id)
        .where(DiscussionSlot.supervisor_id == uid)
    )
    if others:
        raise HasSupervisedDiscussions()
    own_entries = sa.select(JournalEntry.id).where(JournalEntry.user_id == uid)
    own_bookings = sa.select(Booking.id).where(Booking.learner_id == uid)
    statements = [
        sa.delete(booking_shares).where(
            sa.or_(
                booking_shares.c.entry_id.in_(own_entries),
                booking_shares.c.booking_id.in_(own_bookings),
            )
        ),
        sa.delete(Booking).where(Booking.learner_id == uid),
        sa.delete(JournalEntry).where(JournalEntry.user_id == uid),
        sa.delete(DiscussionSlot).where(DiscussionSlot.supervisor_id == uid),
        sa.delete(FirstAnswer).where(FirstAnswer.user_id == uid),
        sa.delete(QuizAttempt).where(QuizAttempt.user_id == uid),
        sa.delete(ModuleActivity).where(ModuleActivity.user_id == uid),
        sa.delete(SectionRead).where(SectionRead.user_id == uid),
        sa.delete(SurveyParticipation).where(SurveyParticipation.user_id == uid),
        sa.update(SurveyResponse).where(SurveyResponse.user_id == uid).values(user_id=None),
        sa.update(LoopNote).where(LoopNote.author_id == uid).values(author_id=None),
        sa.delete(Certificate).where(Certificate.user_id == uid),
        sa.delete(UserToken).where(UserToken.user_id == uid),
        sa.update(UserToken).where(UserToken.created_by_id == uid).values(created_by_id=None),
        sa.delete(cohort_supervisors).where(cohort_supervisors.c.user_id == uid),
        sa.delete(DeletionRequest).where(DeletionRequest.user_id == uid),
        sa.delete(OutboxMessage).where(
            sa.or_(OutboxMessage.user_id == uid, OutboxMessage.about_user_id == uid)
        ),
        sa.update(AuditEvent).where(AuditEvent.actor_id == uid).values(actor_id=None),
        sa.update(AuditEvent).where(AuditEvent.subject_id == uid).values(subject_id=None),
        sa.delete(UserRole).where(UserRole.user_id == uid),
    ]
    for statement in statements:
        db.session.execute(statement.execution_options(synchronize_session=False))
    db.session.expunge(user)
    db.session.execute(sa.delete(User).where(User.id == uid))
    record(
        AuditAction.DELETED,
        "user",
        uid,
        actor_id=None if actor_id == uid else actor_id,
        subject_id=None,
        now=now,
    )
    db.session.expire_all()


# ------------------------------------------------------------------ retention


@dataclass(frozen=True)
class RetentionResult:
    memos: int  # bookings whose memo and messages were cleared
    journal_entries: int  # entries deleted


def apply_retention(*, now: datetime, memo_days: int, journal_days: int) -> RetentionResult:
    """Clear memos and messages of discussions that ended more than ``memo_days`` ago and
    delete journal entries last changed more than ``journal_days`` ago. 0 keeps forever.

    Attendance, scores and progress stay: only the free texts go.
    """
    memos = entries = 0
    if memo_days > 0:
        ended = sa.select(DiscussionSlot.id).where(
            DiscussionSlot.ends_at < now - timedelta(days=memo_days)
        )
        has_text = sa.or_(
            *(
                column != ""
                for column in (
                    Booking.theme,
                    Booking.message,
                    Booking.memo_summary,
                    Booking.memo_followups,
                    Booking.memo_private,
                    Booking.learner_comment,
                )
            )
        )
        memos = _blank_booking_texts(sa.and_(Booking.slot_id.in_(ended), has_text))
    if journal_days > 0:
        old = sa.select(JournalEntry.id).where(
            JournalEntry.updated_at < now - timedelta(days=journal_days)
        )
        db.session.execute(sa.delete(booking_shares).where(booking_shares.c.entry_id.in_(old)))
        entries = affected(
            db.session.execute(
                sa.delete(JournalEntry)
                .where(JournalEntry.updated_at < now - timedelta(days=journal_days))
                .execution_options(synchronize_session=False)
            )
        )
    db.session.expire_all()
    return RetentionResult(memos=memos, journal_entries=entries)
