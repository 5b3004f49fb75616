"""Feedback: short surveys after modules, discussions and the course; results; loop notes."""

from flask import Blueprint, Flask

bp = Blueprint("feedback", __name__, template_folder="templates")


def init_app(app: Flask) -> None:
    """Register the blueprint (its routes are in views.py), the surveys and the command."""
    from elearn.feedback import models as _models  # noqa: F401 - registers the tables
    from elearn.feedback import registry
    from elearn.feedback import views as _views  # noqa: F401 - attaches the routes to bp
    from elearn.feedback.cli import feedback_cli

    registry.init_app(app)
    app.cli.add_command(feedback_cli)
    app.register_blueprint(bp, url_prefix="/feedback")
