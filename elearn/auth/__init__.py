"""Signing in and out, accepting an invitation, password reset and the profile page."""

from flask import Blueprint, Flask

bp = Blueprint("auth", __name__, template_folder="templates")


def init_app(app: Flask) -> None:
    """Register the blueprint (its routes are in views.py), sign-in and the users command."""
    from elearn.auth import access
    from elearn.auth import views as _views  # noqa: F401 - attaches the routes to bp
    from elearn.auth.cli import auth_cli

    access.init_app(app)
    app.cli.add_command(auth_cli)
    app.register_blueprint(bp)
