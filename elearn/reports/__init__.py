"""Trainer reports: cohort overview, question analysis, learners, CSV exports; reads only."""

from flask import Blueprint, Flask

bp = Blueprint("reports", __name__, template_folder="templates")


def init_app(app: Flask) -> None:
    """Register the blueprint (its routes are in views.py)."""
    from elearn.reports import views as _views  # noqa: F401 - attaches the routes to bp

    app.register_blueprint(bp, url_prefix="/reports")
