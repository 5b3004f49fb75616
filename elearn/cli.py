"""Command-line tools: ``flask --app elearn users create`` and ``flask --app elearn demo seed``."""

from __future__ import annotations

import secrets
from datetime import datetime, time, timedelta

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from elearn.accounts import services as accounts
from elearn.accounts.models import Cohort, EmploymentModel, Role, User, UserRole
from elearn.accounts.passwords import hash_password
from elearn.auth.mails import invitation_url
from elearn.core.time import utcnow
from elearn.extensions import db

users_cli = AppGroup("users", help="Manage people.")
reminders_cli = AppGroup("reminders", help="Discussion reminders.")
demo_cli = AppGroup("demo", help="Demo data for development.")

# Demo accounts: e-mail, name, roles, development password (printed by the command).
DEMO_ACCOUNTS = (
    ("opiskelija@example.fi", "Oona Opiskelija", (Role.ASSISTANT,), "demo-opiskelija-2026"),
    ("ohjaaja@example.fi", "Olli Ohjaaja", (Role.SUPERVISOR,), "demo-ohjaaja-2026"),
    (
        "kouluttaja@example.fi",
        "Kaisa Kouluttaja",
        (Role.TRAINER, Role.SUPERVISOR),
        "demo-kouluttaja-2026",
    ),
    ("admin@example.fi", "Aino Ylläpitäjä", (Role.ADMIN,), "demo-admin-2026"),
)
DEMO_COHORTS = (
    ("Työnantajamallin pilotti 2026", EmploymentModel.EMPLOYER_MODEL),
    ("Oma avustajatoiminta 2026", EmploymentModel.OWN_SERVICE),
)


@users_cli.command("create")
@click.option("--email", required=True, help="The person's e-mail address.")
@click.option("--name", default="", help="The person's name (they can change it).")
@click.option(
    "--role", "role", required=True, type=click.Choice([r.value for r in Role]), help="Role."
)
@click.option("--cohort", default="", help="Group name; required for an assistant.")
def create_user(email: str, name: str, role: str, cohort: str) -> None:
    """Invite a person and print their one-time invitation link."""
    group = None
    if cohort:
        group = db.session.scalar(db.select(Cohort).where(Cohort.name == cohort))
        if group is None:
            raise click.ClickException(f"No group named {cohort!r}.")
    try:
        issued = accounts.invite_user(
            email,
            Role(role),
            cohort=group,
            invited_by=None,
            now=utcnow(),
            lifetime=timedelta(days=current_app.config["ELEARN_INVITATION_DAYS"]),
            name=name,
        )
    except accounts.EmailTaken as exc:
        raise click.ClickException(f"{email} already has an account.") from exc
    except accounts.CohortRequired as exc:
        raise click.ClickException("An assistant needs --cohort with a group name.") from exc
    db.session.commit()
    click.echo(f"Invited {issued.token.user.email} as {role}.")
    click.echo(f"Invitation link (valid until {issued.token.expires_at:%Y-%m-%d %H:%M} UTC):")
    click.echo(invitation_url(issued))


@demo_cli.command("seed")
@click.option(
    "--learners",
    type=click.IntRange(min=1),
    default=None,
    help="Also generate this many learners with realistic progress (for load testing).",
)
@click.option("--seed", "random_seed", default=2026, show_default=True, help="Random seed.")
def seed(learners: int | None, random_seed: int) -> None:
    """Create demo groups and one account per role, and print their logins."""
    if current_app.config["ELEARN_ENV"] == "production":
        raise click.ClickException("demo seed refuses to run with ELEARN_ENV=production.")
    cohorts = {}
    for name, model in DEMO_COHORTS:
        cohort = db.session.scalar(db.select(Cohort).where(Cohort.name == name))
        if cohort is None:
            cohort = Cohort(name=name, employment_model=model.value)
            db.session.add(cohort)
        cohorts[name] = cohort
    pilot = cohorts[DEMO_COHORTS[0][0]]
    click.echo("Demo accounts (development passwords, never use them in production):")
    for email, name, roles, password in DEMO_ACCOUNTS:
        user = accounts.get_user_by_email(email)
        if user is None:
            user = User(email=email, name=name, session_nonce=secrets.token_hex(16), language="fi")
            db.session.add(user)
        user.password_hash = hash_password(password)
        user.is_active = True
        user.role_rows = [UserRole(role=r.value) for r in roles]
        user.cohort = pilot if Role.ASSISTANT in roles else None
        if Role.SUPERVISOR in roles:
            user.supervised_cohorts = list(cohorts.values())
        click.echo(f"  {', '.join(r.value for r in roles):<20} {email:<26} {password}")
    db.session.commit()
    _seed_discussion_times()
    if learners:
        _seed_learners(learners, random_seed)


def _seed_learners(n: int, random_seed: int) -> None:
    """Generate ``n`` learners in bulk (elearn/demo.py), with a progress bar."""
    from elearn import demo
    from elearn.courses.services import get_course
    from elearn.feedback.views import surveys

    with click.progressbar(length=n, label=f"Generating {n} learners") as bar:
        try:
            counts = demo.seed_learners(
                n,
                course=get_course(),
                surveys=surveys(),
                password_hash=hash_password(demo.LEARNER_PASSWORD),
                now=utcnow(),
                seed=random_seed,
                on_progress=bar.update,
            )
        except demo.AlreadySeeded as exc:
            raise click.ClickException(
                "Generated learners exist already; use a fresh database."
            ) from exc
    db.session.commit()
    click.echo(", ".join(f"{table}: {count}" for table, count in sorted(counts.items())))
    click.echo(
        f"Learners {demo.EMAIL_PATTERN.format(1)} ... {demo.EMAIL_PATTERN.format(n)}, "
        f"password {demo.LEARNER_PASSWORD}"
    )


def _seed_discussion_times() -> None:
    """Give the demo supervisor a few free times next week, unless they have upcoming ones."""
    from elearn.core.time import local_to_utc, local_zone
    from elearn.discussions import services as discussions
    from elearn.discussions.models import DiscussionSlot, PlaceKind

    supervisor = accounts.get_user_by_email("ohjaaja@example.fi")
    now = utcnow()
    upcoming = db.session.scalar(
        db.select(DiscussionSlot.id).where(
            DiscussionSlot.supervisor_id == supervisor.id, DiscussionSlot.starts_at > now
        )
    )
    if upcoming is not None:
        return
    day = (now + timedelta(days=7)).astimezone(local_zone()).date()
    plans = []
    for hour, kind, detail in ((9, PlaceKind.IN_PERSON, "Hyvinkää"), (13, PlaceKind.VIDEO, "")):
        start = local_to_utc(datetime.combine(day, time(hour, 0)), local_zone())
        plans.append(
            discussions.SlotPlan(start, start + timedelta(minutes=45), kind, detail, capacity=1)
        )
    discussions.create_slots(supervisor, plans)
    db.session.commit()
    click.echo("Demo discussion times created for ohjaaja@example.fi.")


@reminders_cli.command("send")
def send_reminders() -> None:
    """Send the reminders that are due. Safe to run from cron every few minutes: each booking
    is claimed before its message goes out, so nothing is sent twice, and cancelled bookings
    and times are never reminded about."""
    from elearn.discussions import services as discussions
    from elearn.discussions.mails import notify
    from elearn.discussions.models import Booking

    now = utcnow()
    ahead = timedelta(hours=current_app.config["ELEARN_REMINDER_HOURS"])
    sent = failed = 0
    for booking_id in discussions.due_reminders(now=now, ahead=ahead):
        if not discussions.claim_reminder(booking_id, now=now):
            db.session.rollback()
            continue  # another run claimed it
        db.session.commit()
        booking = db.session.get(Booking, booking_id)
        if notify(booking, "reminder", now=now):
            sent += 1
        else:  # let a later run try again
            booking.reminder_sent_at = None
            db.session.commit()
            failed += 1
    click.echo(f"{sent} reminder(s) sent, {failed} failed")


def register_commands(app: Flask) -> None:
    """Attach the command groups to ``app``."""
    app.cli.add_command(users_cli)
    app.cli.add_command(reminders_cli)
    app.cli.add_command(demo_cli)
    from elearn.core.backup import backup_command
    from elearn.privacy.cli import privacy_cli

    app.cli.add_command(backup_command)
    app.cli.add_command(privacy_cli)
