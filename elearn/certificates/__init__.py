"""Course certificates with a verification code, and the public verification page."""

from flask import Blueprint, Flask

bp = Blueprint("certificates", __name__, template_folder="templates")


def init_app(app: Flask) -> None:
    """Register the blueprint (its routes are in views.py)."""
    from elearn.certificates import models as _models  # noqa: F401 - registers the tables
    from elearn.certificates import views as _views  # noqa: F401 - attaches the routes to bp

    app.register_blueprint(bp)
