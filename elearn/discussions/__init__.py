"""Reflective discussions: supervisors' times, booking, journals, memos, calendars, reminders."""

from flask import Blueprint, Flask

bp = Blueprint("discussions", __name__, template_folder="templates")


def init_app(app: Flask) -> None:
    """Register the blueprint (its routes are in views.py) and its commands."""
    from elearn.core.urls import web_link
    from elearn.discussions import models as _models  # noqa: F401 - registers the tables
    from elearn.discussions import views as _views  # noqa: F401 - attaches the routes to bp
    from elearn.discussions.cli import discussions_cli

    # The place of a time shows its video-call address as a link (http and https only).
    app.add_template_filter(web_link, "web_link")
    app.cli.add_command(discussions_cli)
    app.register_blueprint(bp, url_prefix="/discussions")
