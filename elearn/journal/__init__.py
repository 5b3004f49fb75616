"""The learner's private journal: answers to the modules' reflection questions."""

from flask import Blueprint, Flask

bp = Blueprint("journal", __name__, template_folder="templates")


def init_app(app: Flask) -> None:
    """Register the journal's pages."""
    from elearn.journal import models as _models  # noqa: F401 - registers the tables
    from elearn.journal import views as _views  # noqa: F401 - attaches the routes to bp

    app.register_blueprint(bp, url_prefix="/journal")
