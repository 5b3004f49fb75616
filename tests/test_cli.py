"""Commands: inviting from the shell and seeding demo accounts."""

from __future__ import annotations

import re

from elearn.accounts import services as accounts
from elearn.accounts.models import Role


def test_users_create_prints_a_working_invitation_link(runner, client, make_cohort):
    make_cohort("Komentoriviryhmä")
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "cli@example.fi",
            "--name",
            "Cli",
            "--role",
            "assistant",
            "--cohort",
            "Komentoriviryhmä",
        ]
    )
    assert result.exit_code == 0, result.output
    link = re.search(r"http://elearn\.test(/invitation/\S+)", result.output).group(1)
    assert client.get(link).status_code == 200


def test_users_create_explains_mistakes(runner):
    missing = runner.invoke(
        args=["users", "create", "--email", "x@example.fi", "--role", "assistant"]
    )
    assert missing.exit_code != 0 and "--cohort" in missing.output
    unknown = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "x@example.fi",
            "--role",
            "assistant",
            "--cohort",
            "Ei ole",
        ]
    )
    assert unknown.exit_code != 0 and "No group" in unknown.output


def test_demo_seed_creates_one_account_per_role(runner, client):
    result = runner.invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    again = runner.invoke(args=["demo", "seed"])  # running it twice is harmless
    assert again.exit_code == 0, again.output
    for role in Role:
        assert role.value in result.output
    password = re.search(r"opiskelija@example\.fi\s+(\S+)", result.output).group(1)
    assert (
        client.post_form(
            "/login", {"email": "opiskelija@example.fi", "password": password}
        ).status_code
        == 302
    )
    learner = accounts.get_user_by_email("opiskelija@example.fi")
    assert learner.cohort is not None


def test_demo_seed_refuses_production(app, runner):
    app.config["ELEARN_ENV"] = "production"
    try:
        result = runner.invoke(args=["demo", "seed"])
    finally:
        app.config["ELEARN_ENV"] = "test"
    assert result.exit_code != 0 and "production" in result.output
    assert accounts.get_user_by_email("admin@example.fi") is None
