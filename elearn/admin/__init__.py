"""Administration: inviting people, managing people and their roles, and cohorts."""

from flask import Blueprint, Flask

bp = Blueprint("admin", __name__, template_folder="templates")


def init_app(app: Flask) -> None:
    """Register the blueprint (its routes are in views.py)."""
    from elearn.admin import views as _views  # noqa: F401 - attaches the routes to bp

    app.register_blueprint(bp, url_prefix="/admin")
