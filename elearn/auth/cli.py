"""``flask --app elearn users create``: invite a person from the shell and print the link."""

from __future__ import annotations

from datetime import timedelta

import click
from flask import current_app
from flask.cli import AppGroup

from elearn.accounts import services as accounts
from elearn.accounts.models import Cohort, Role
from elearn.core.time import utcnow
from elearn.extensions import db

auth_cli = AppGroup("users", help="Manage people.")


@auth_cli.command("create")
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
    click.echo(accounts.invitation_url(issued))
