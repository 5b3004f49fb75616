"""Data rights: a person's data export and deletion request, anonymising and deleting people,
retention of memos and journals, and the audit log of who saw what."""

from flask import Blueprint, Flask

bp = Blueprint("privacy", __name__, template_folder="templates")


def init_app(app: Flask) -> None:
    """Register the blueprint (its routes are in views.py) and its commands."""
    from elearn.privacy import models as _models  # noqa: F401 - registers the tables
    from elearn.privacy import views as _views  # noqa: F401 - attaches the routes to bp
    from elearn.privacy.cli import privacy_cli

    app.cli.add_command(privacy_cli)
    app.register_blueprint(bp, url_prefix="/privacy")
