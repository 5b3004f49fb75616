"""Account models: users with several roles, cohorts with supervisors, one-time tokens."""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from elearn.core.db import UTCDateTime
from elearn.core.time import utcnow
from elearn.extensions import Model, db


class Role(enum.StrEnum):
    """What a person may do; one person may hold several."""

    ASSISTANT = "assistant"
    SUPERVISOR = "supervisor"
    TRAINER = "trainer"
    ADMIN = "admin"


class EmploymentModel(enum.StrEnum):
    """How the assistants of a cohort are employed (henkilökohtaisen avun järjestämistapa)."""

    OWN_SERVICE = "own_service"
    EMPLOYER_MODEL = "employer_model"
    SERVICE_VOUCHER = "service_voucher"
    PURCHASED_SERVICE = "purchased_service"


class TokenPurpose(enum.StrEnum):
    """What a one-time link is for."""

    INVITATION = "invitation"
    PASSWORD_RESET = "password_reset"  # noqa: S105 - a purpose name, not a password


def _in(values: type[enum.StrEnum]) -> str:
    return ", ".join(f"'{v.value}'" for v in values)


cohort_supervisors = sa.Table(
    "cohort_supervisors",
    db.metadata,
    sa.Column("cohort_id", sa.ForeignKey("cohorts.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)


class Cohort(Model):
    """A named group of learners with its employment model and assigned supervisors."""

    __tablename__ = "cohorts"
    __table_args__ = (
        sa.CheckConstraint(
            f"employment_model IN ({_in(EmploymentModel)})", name="employment_model"
        ),
        sa.CheckConstraint(
            "ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on", name="dates"
        ),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(120), unique=True)
    employment_model: so.Mapped[str] = so.mapped_column(sa.String(32))
    starts_on: so.Mapped[date | None] = so.mapped_column(sa.Date)
    ends_on: so.Mapped[date | None] = so.mapped_column(sa.Date)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    supervisors: so.Mapped[list[User]] = so.relationship(
        secondary=cohort_supervisors, back_populates="supervised_cohorts", order_by="User.name"
    )
    learners: so.Mapped[list[User]] = so.relationship(back_populates="cohort", order_by="User.name")

    def __repr__(self) -> str:
        return f"<Cohort {self.name!r}>"


class UserRole(Model):
    """One role held by one person."""

    __tablename__ = "user_roles"
    __table_args__ = (sa.CheckConstraint(f"role IN ({_in(Role)})", name="role"),)

    user_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    role: so.Mapped[str] = so.mapped_column(sa.String(20), primary_key=True)


class User(Model):
    """A person who can sign in once their invitation is accepted."""

    __tablename__ = "users"
    __table_args__ = (sa.CheckConstraint("language IN ('fi', 'sv', 'en')", name="language"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    # Stored lower-cased by the services, so the unique constraint is case-insensitive in effect.
    email: so.Mapped[str] = so.mapped_column(sa.String(254), unique=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(120), default="")
    password_hash: so.Mapped[str | None] = so.mapped_column(sa.String(255))
    language: so.Mapped[str] = so.mapped_column(sa.String(2), default="fi")
    is_active: so.Mapped[bool] = so.mapped_column(default=True)
    # Changes when the password changes or the account is deactivated, ending other sessions.
    session_nonce: so.Mapped[str] = so.mapped_column(sa.String(32))
    cohort_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("cohorts.id", ondelete="RESTRICT"), index=True
    )
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    last_login_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    # E-mail the person chose to get (Profile): a memo is ready; an unconfirmed memo waits.
    mail_memo_ready: so.Mapped[bool] = so.mapped_column(default=True, server_default=sa.true())
    mail_memo_reminder: so.Mapped[bool] = so.mapped_column(default=True, server_default=sa.true())

    cohort: so.Mapped[Cohort | None] = so.relationship(back_populates="learners")
    role_rows: so.Mapped[list[UserRole]] = so.relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )
    supervised_cohorts: so.Mapped[list[Cohort]] = so.relationship(
        secondary=cohort_supervisors, back_populates="supervisors", order_by="Cohort.name"
    )

    # Flask-Login protocol, written out so that is_active comes from the column.
    is_authenticated = True
    is_anonymous = False

    def get_id(self) -> str:
        """Session identifier: the id plus a nonce, so a password change ends other sessions."""
        return f"{self.id}:{self.session_nonce}"

    @property
    def roles(self) -> set[Role]:
        """The roles this person holds."""
        return {Role(r.role) for r in self.role_rows}

    def has_role(self, *roles: Role) -> bool:
        """True when the person holds at least one of ``roles``."""
        return bool(self.roles.intersection(roles))

    @property
    def has_accepted(self) -> bool:
        """True once the invitation was accepted and a password set."""
        return self.password_hash is not None

    @property
    def display_name(self) -> str:
        """The name, or the e-mail address before the person has given one."""
        return self.name or self.email

    def __repr__(self) -> str:
        return f"<User {self.email!r}>"


class UserToken(Model):
    """A one-time link: only a SHA-256 hash of the secret is stored."""

    __tablename__ = "user_tokens"
    __table_args__ = (sa.CheckConstraint(f"purpose IN ({_in(TokenPurpose)})", name="purpose"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    purpose: so.Mapped[str] = so.mapped_column(sa.String(20))
    user_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    created_by_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    expires_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    used_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    user: so.Mapped[User] = so.relationship(foreign_keys=[user_id])
