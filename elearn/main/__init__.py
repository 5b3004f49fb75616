"""Front page, health check and the language switch."""

from flask import Blueprint, Flask

bp = Blueprint("main", __name__, template_folder="templates")


def init_app(app: Flask) -> None:
    """Register the blueprint (its routes are in views.py)."""
    from elearn.main import nav
    from elearn.main import views as _views  # noqa: F401 - attaches the routes to bp

    nav.init_app(app)
    app.register_blueprint(bp)
