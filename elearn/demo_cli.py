"""``flask --app elearn demo seed``: demo groups, one account per role and discussion times
(and, with ``--learners N``, N generated learners for load testing)."""

from __future__ import annotations

import secrets
from datetime import datetime, time, timedelta

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from elearn.accounts import services as accounts
from elearn.accounts.models import Cohort, EmploymentModel, Role, User, UserRole
from elearn.accounts.passwords import hash_password
from elearn.core.time import utcnow
from elearn.extensions import db

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
    from elearn.feedback.registry import surveys

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
    if supervisor is None:
        raise click.ClickException("The demo supervisor is missing; run demo seed again.")
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


def init_app(app: Flask) -> None:
    """Register ``flask demo``."""
    app.cli.add_command(demo_cli)
