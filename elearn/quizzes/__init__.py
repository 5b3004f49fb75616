"""Quizzes: attempts with shuffled order, server-side grading, feedback on every answer."""

from flask import Blueprint, Flask

bp = Blueprint("quizzes", __name__, template_folder="templates")


def init_app(app: Flask) -> None:
    """Register the blueprint (its routes are in views.py)."""
    from elearn.quizzes import models as _models  # noqa: F401 - registers the tables
    from elearn.quizzes import views as _views  # noqa: F401 - attaches the routes to bp

    app.register_blueprint(bp, url_prefix="/modules")
