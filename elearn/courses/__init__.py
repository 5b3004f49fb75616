"""The study modules as pages: course overview, module, section, print view and media."""

from flask import Blueprint, Flask

bp = Blueprint("courses", __name__, template_folder="templates")


def init_app(app: Flask) -> None:
    """Register the blueprint (its routes are in views.py)."""
    from elearn.courses import services
    from elearn.courses import views as _views  # noqa: F401 - attaches the routes to bp

    services.init_app(app)
    app.register_blueprint(bp, url_prefix="/modules")
