"""The course editor: trainers and admins write, check, preview and publish the course in the
browser (issue 16). Drafts and versions live in the content store (``elearn.contentstore``).

Every address under ``/authoring`` is for trainers and admins only: anyone else signed in
gets 404 (the editor does not confirm what exists), and a visitor is sent to log in.
"""

from typing import Any

from flask import Blueprint, Flask, abort, current_app
from flask_login import current_user

from elearn.accounts.models import Role

bp = Blueprint("authoring", __name__, template_folder="templates")


@bp.before_request
def _editors_only() -> Any:
    """Trainers and admins only, on every route of the blueprint (media and review too)."""
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()  # type: ignore[attr-defined]
    if not current_user.has_role(Role.TRAINER, Role.ADMIN):
        abort(404)
    return None


def init_app(app: Flask) -> None:
    """Register the blueprint (its routes are in views.py, previews.py and media.py)."""
    from elearn.authoring import media as _media  # noqa: F401 - attaches the routes to bp
    from elearn.authoring import previews as _previews  # noqa: F401
    from elearn.authoring import views as _views  # noqa: F401

    app.register_blueprint(bp, url_prefix="/authoring")
