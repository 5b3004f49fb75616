"""People, roles, cohorts and one-time tokens (invitations and password resets)."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the models and the labels every template uses."""
    from elearn.accounts import labels, passwords
    from elearn.accounts import models as _models  # noqa: F401 - registers the tables

    labels.init_app(app)
    passwords.set_method(app.config["ELEARN_PASSWORD_HASH"])
