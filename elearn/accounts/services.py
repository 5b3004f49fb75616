"""Account operations: invitations, authentication, password resets, roles and cohorts.

Functions take explicit arguments (including ``now``) and flush; the request handler commits.
"""

from __future__ import annotations

import functools
import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from elearn.accounts.models import (
    Cohort,
    EmploymentModel,
    Role,
    TokenPurpose,
    User,
    UserRole,
    UserToken,
)
from elearn.accounts.passwords import check_policy, hash_password, verify_password
from elearn.audit import services as audit
from elearn.core.db import affected
from elearn.core.errors import DomainError
from elearn.core.time import utcnow
from elearn.extensions import db

LANGUAGES = ("fi", "sv", "en")


class AccountError(DomainError):
    """Base of the domain errors raised here; ``code`` is stable for views and tests."""

    code = "account_error"


class EmailTaken(AccountError):
    code = "email_taken"
    message = _l("Someone with this e-mail address already has an account.")


class CohortRequired(AccountError):
    code = "cohort_required"
    message = _l("A learner must belong to a group. Choose one.")


class UnknownCohort(AccountError):
    code = "unknown_cohort"
    message = _l("There is no such group.")
    status = 404


class TokenInvalid(AccountError):
    code = "token_invalid"
    status = 404


class TokenUsed(AccountError):
    code = "token_used"
    status = 410
    message = _l("This person has already accepted the invitation.")
    category = "info"


class TokenExpired(AccountError):
    code = "token_expired"
    status = 410


class CohortNameTaken(AccountError):
    code = "cohort_name_taken"
    message = _l("Another group already has this name.")


class CohortDates(AccountError):
    code = "cohort_dates"
    message = _l("The end date must not be before the start date.")


class LastAdmin(AccountError):
    code = "last_admin"
    message = _l("The service must keep at least one active administrator.")


@dataclass(frozen=True)
class IssuedToken:
    """A freshly created one-time token; ``secret`` goes into the link and is never stored."""

    token: UserToken
    secret: str


def normalise_email(email: str) -> str:
    """Trim and lower-case an address so look-ups and the unique constraint agree."""
    return email.strip().lower()


def _hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _new_nonce() -> str:
    return secrets.token_hex(16)


def get_user_by_email(email: str) -> User | None:
    """The user with this address, whatever its case."""
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


def get_user(user_id: int) -> User | None:
    """The user with this id."""
    return db.session.get(User, user_id)


@functools.cache
def _session_user_statement() -> sa.Select:
    # Every signed-in request runs it: built once, with the roles joined in (one statement,
    # not a second one for the roles).
    return (
        sa.select(User)
        .options(so.joinedload(User.role_rows))
        .where(User.id == sa.bindparam("user_id"))
    )


def load_session_user(session_id: str) -> User | None:
    """Resolve a Flask-Login session identifier ``"<id>:<nonce>"`` to an active user."""
    user_id, _, nonce = session_id.partition(":")
    if not user_id.isdigit() or not nonce:
        return None
    user = (
        db.session.scalars(_session_user_statement(), {"user_id": int(user_id)})
        .unique()
        .one_or_none()
    )
    if user is None or not user.is_active or not secrets.compare_digest(user.session_nonce, nonce):
        return None
    return user


def _issue_token(
    user: User, purpose: TokenPurpose, *, lifetime: timedelta, now: datetime, by: User | None
) -> IssuedToken:
    # A new link replaces older unused ones of the same purpose: only the newest works.
    db.session.execute(
        sa.update(UserToken)
        .where(
            UserToken.user_id == user.id,
            UserToken.purpose == purpose.value,
            UserToken.used_at.is_(None),
        )
        .values(expires_at=now)
    )
    secret = secrets.token_urlsafe(32)
    token = UserToken(
        token_hash=_hash_secret(secret),
        purpose=purpose.value,
        user_id=user.id,
        created_by_id=by.id if by else None,
        created_at=now,
        expires_at=now + lifetime,
    )
    db.session.add(token)
    db.session.flush()
    return IssuedToken(token=token, secret=secret)


def invite_user(
    email: str,
    role: Role,
    *,
    cohort: Cohort | None,
    invited_by: User | None,
    now: datetime,
    lifetime: timedelta,
    name: str = "",
    language: str = "fi",
) -> IssuedToken:
    """Create a person who has not yet accepted, with one role, and an invitation token.

    Raises:
        EmailTaken: someone already has this address.
        CohortRequired: an assistant must belong to a cohort.
    """
    email = normalise_email(email)
    if get_user_by_email(email) is not None:
        raise EmailTaken(email)
    if role is Role.ASSISTANT and cohort is None:
        raise CohortRequired()
    user = User(
        email=email,
        name=name.strip(),
        language=language if language in LANGUAGES else "fi",
        session_nonce=_new_nonce(),
        cohort=cohort if role is Role.ASSISTANT else None,
        created_at=now,
    )
    user.role_rows.append(UserRole(role=role.value))
    if role is Role.SUPERVISOR and cohort is not None:
        user.supervised_cohorts.append(cohort)
    db.session.add(user)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except sa.exc.IntegrityError as exc:  # a concurrent invitation won the race
        raise EmailTaken(email) from exc
    return _issue_token(user, TokenPurpose.INVITATION, lifetime=lifetime, now=now, by=invited_by)


def resend_invitation(
    user: User, *, invited_by: User | None, now: datetime, lifetime: timedelta
) -> IssuedToken:
    """Issue a new invitation link for someone who has not accepted yet.

    Raises:
        TokenUsed: the person has already accepted and set a password.
    """
    if user.has_accepted:
        raise TokenUsed()
    return _issue_token(user, TokenPurpose.INVITATION, lifetime=lifetime, now=now, by=invited_by)


def find_token(secret: str, purpose: TokenPurpose, *, now: datetime) -> UserToken:
    """Look up a usable one-time token.

    Raises:
        TokenInvalid: no such token (or wrong purpose, or its person was deactivated).
        TokenUsed: the token was used already.
        TokenExpired: the token is past its expiry.
    """
    if not secret or len(secret) > 200:
        raise TokenInvalid()
    token = db.session.scalar(
        sa.select(UserToken).where(
            UserToken.token_hash == _hash_secret(secret), UserToken.purpose == purpose.value
        )
    )
    if token is None or not token.user.is_active:
        raise TokenInvalid()
    if token.used_at is not None:
        raise TokenUsed()
    if token.expires_at <= now:
        raise TokenExpired()
    return token


def _consume(token: UserToken, now: datetime) -> None:
    # A conditional UPDATE makes the token single-use even when two requests race.
    result = db.session.execute(
        sa.update(UserToken)
        .where(UserToken.id == token.id, UserToken.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if affected(result) != 1:
        raise TokenUsed()
    db.session.refresh(token)


def accept_invitation(
    secret: str, *, name: str, password: str, language: str, now: datetime, min_length: int
) -> User:
    """Accept an invitation: set name, password and language, and use up the link.

    Raises:
        TokenInvalid, TokenUsed, TokenExpired: the link cannot be used.
        PasswordProblem: the password breaks the policy.
    """
    token = find_token(secret, TokenPurpose.INVITATION, now=now)
    user = token.user
    check_policy(password, min_length=min_length, email=user.email, name=name)
    _consume(token, now)
    user.name = name.strip()
    user.language = language if language in LANGUAGES else "fi"
    user.password_hash = hash_password(password)
    user.session_nonce = _new_nonce()
    db.session.flush()
    return user


def authenticate(email: str, password: str, *, now: datetime) -> User | None:
    """The active, accepted user with these credentials, or None (never says which part failed)."""
    user = get_user_by_email(email)
    if user is None or not user.is_active:
        verify_password(None, password)
        return None
    if not verify_password(user.password_hash, password):
        return None
    user.last_login_at = now
    db.session.flush()
    return user


def request_password_reset(email: str, *, now: datetime, lifetime: timedelta) -> IssuedToken | None:
    """Issue a reset token for an active, accepted account; None when there is none to reset."""
    user = get_user_by_email(email)
    if user is None or not user.is_active or not user.has_accepted:
        return None
    return _issue_token(user, TokenPurpose.PASSWORD_RESET, lifetime=lifetime, now=now, by=None)


def reset_password(secret: str, password: str, *, now: datetime, min_length: int) -> User:
    """Set a new password with a reset link; ends the person's other sessions.

    Raises:
        TokenInvalid, TokenUsed, TokenExpired: the link cannot be used.
        PasswordProblem: the password breaks the policy.
    """
    token = find_token(secret, TokenPurpose.PASSWORD_RESET, now=now)
    user = token.user
    check_policy(password, min_length=min_length, email=user.email, name=user.name)
    _consume(token, now)
    user.password_hash = hash_password(password)
    user.session_nonce = _new_nonce()
    db.session.flush()
    return user


def end_sessions(user: User) -> None:
    """End every session of this person (logging out): their session cookies stop working."""
    user.session_nonce = _new_nonce()
    db.session.flush()


def change_password(user: User, new_password: str, *, min_length: int) -> None:
    """Set a new password (the caller has checked the current one); ends other sessions."""
    check_policy(new_password, min_length=min_length, email=user.email, name=user.name)
    user.password_hash = hash_password(new_password)
    user.session_nonce = _new_nonce()
    db.session.flush()


def update_profile(user: User, *, name: str, email: str, language: str) -> None:
    """Change a person's own name, address and language.

    Raises:
        EmailTaken: another person has this address.
    """
    email = normalise_email(email)
    if email != user.email:
        other = get_user_by_email(email)
        if other is not None:
            raise EmailTaken(email)
        user.email = email
    user.name = name.strip()
    if language in LANGUAGES:
        user.language = language
    db.session.flush()


def set_mail_preferences(user: User, *, memo_ready: bool, memo_reminder: bool) -> None:
    """Choose which optional messages a person gets: a memo is ready, an unconfirmed memo."""
    user.mail_memo_ready = memo_ready
    user.mail_memo_reminder = memo_reminder
    db.session.flush()


def set_language(user: User, language: str) -> None:
    """Remember a person's interface language."""
    if language in LANGUAGES:
        user.language = language
        db.session.flush()


def _admin_count() -> int:
    return (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(UserRole)
            .join(User, User.id == UserRole.user_id)
            .where(UserRole.role == Role.ADMIN.value, User.is_active.is_(True))
        )
        or 0
    )


def set_roles(
    user: User,
    roles: Iterable[Role],
    *,
    cohort: Cohort | None,
    supervised: Iterable[Cohort] = (),
    actor: User | None = None,
    now: datetime | None = None,
) -> None:
    """Replace a person's roles, learner cohort and (for supervisors) supervised cohorts.

    A change of roles is recorded in the audit log with ``actor`` (None: the command line).

    Raises:
        CohortRequired: an assistant must belong to a cohort.
        LastAdmin: the last active admin cannot lose the admin role.
        ValueError: no role given.
    """
    new = set(roles)
    before = set(user.roles)
    if not new:
        raise ValueError("at least one role")
    if Role.ASSISTANT in new and cohort is None:
        raise CohortRequired()
    if (
        Role.ADMIN in user.roles
        and Role.ADMIN not in new
        and user.is_active
        and _admin_count() <= 1
    ):
        raise LastAdmin()
    user.role_rows[:] = [r for r in user.role_rows if Role(r.role) in new]
    for role in sorted(new - user.roles):
        user.role_rows.append(UserRole(role=role.value))
    user.cohort = cohort if Role.ASSISTANT in new else None
    user.supervised_cohorts = list(supervised) if Role.SUPERVISOR in new else []
    db.session.flush()
    if new != before:
        audit.record(
            audit.AuditAction.ROLES_CHANGED,
            "user",
            user.id,
            actor_id=actor.id if actor else None,
            subject_id=user.id,
            now=now or utcnow(),
        )


def set_active(user: User, active: bool, *, actor: User | None, now: datetime) -> None:
    """Deactivate (ends every session, blocks login and links) or reactivate a person, and
    record it in the audit log with ``actor``.

    Raises:
        LastAdmin: the last active admin cannot be deactivated.
    """
    if not active and Role.ADMIN in user.roles and user.is_active and _admin_count() <= 1:
        raise LastAdmin()
    user.is_active = active
    user.session_nonce = _new_nonce()
    db.session.flush()
    audit.record(
        audit.AuditAction.REACTIVATED if active else audit.AuditAction.DEACTIVATED,
        "user",
        user.id,
        actor_id=actor.id if actor else None,
        subject_id=user.id,
        now=now,
    )


def search_users(
    query: str = "", *, role: Role | None = None, cohort_id: int | None = None, limit: int = 200
) -> list[User]:
    """People whose name or e-mail contains ``query``, optionally with a role or cohort."""
    stmt = (
        sa.select(User)
        .options(so.selectinload(User.cohort))
        .order_by(User.name, User.email)
        .limit(limit)
    )
    q = query.strip().lower()
    if q:
        like = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        stmt = stmt.where(
            sa.or_(
                sa.func.lower(User.name).like(like, escape="\\"), User.email.like(like, escape="\\")
            )
        )
    if role is not None:
        stmt = stmt.where(User.role_rows.any(UserRole.role == role.value))
    if cohort_id is not None:
        stmt = stmt.where(User.cohort_id == cohort_id)
    return list(db.session.scalars(stmt))


def list_cohorts() -> list[Cohort]:
    """All cohorts by name."""
    return list(
        db.session.scalars(
            sa.select(Cohort).options(so.selectinload(Cohort.supervisors)).order_by(Cohort.name)
        )
    )


def get_cohort(cohort_id: int) -> Cohort | None:
    """The cohort with this id."""
    return db.session.get(Cohort, cohort_id)


def learner_counts() -> dict[int, int]:
    """Number of learners per cohort id, in one query."""
    rows = db.session.execute(
        sa.select(User.cohort_id, sa.func.count())
        .where(User.cohort_id.is_not(None))
        .group_by(User.cohort_id)
    )
    return {cohort_id: count for cohort_id, count in rows if cohort_id is not None}


def save_cohort(
    cohort: Cohort | None,
    *,
    name: str,
    employment_model: EmploymentModel,
    starts_on: date | None,
    ends_on: date | None,
    supervisors: Iterable[User],
) -> Cohort:
    """Create a cohort (``cohort`` None) or update one.

    Raises:
        CohortNameTaken: another cohort has this name.
        CohortDates: the end date is before the start date.
    """
    name = name.strip()
    if starts_on and ends_on and ends_on < starts_on:
        raise CohortDates()
    clash = db.session.scalar(sa.select(Cohort).where(Cohort.name == name))
    if clash is not None and clash is not cohort:
        raise CohortNameTaken(name)
    if cohort is None:
        cohort = Cohort(name=name, employment_model=employment_model.value)
        db.session.add(cohort)
    cohort.name = name
    cohort.employment_model = employment_model.value
    cohort.starts_on = starts_on
    cohort.ends_on = ends_on
    cohort.supervisors = [u for u in supervisors if Role.SUPERVISOR in u.roles]
    db.session.flush()
    return cohort


def users_with_role(role: Role) -> list[User]:
    """Active people holding ``role``, by name."""
    return list(
        db.session.scalars(
            sa.select(User)
            .where(User.is_active.is_(True), User.role_rows.any(UserRole.role == role.value))
            .order_by(User.name, User.email)
        )
    )


# The messages of this domain (queued in the outbox with the change that causes them).
from elearn.accounts.mails import (  # noqa: E402, F401 - part of this API; they need the above
    invitation_url,
    queue_invitation,
    queue_password_reset,
)
