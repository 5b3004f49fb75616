"""Who may see a page: the signed-in person is loaded per request, and views name the roles
that may use them."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Flask, abort, current_app
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from elearn.accounts import services as accounts
from elearn.accounts.models import Role
from elearn.extensions import login_manager

F = TypeVar("F", bound=Callable[..., Any])


def _load_user(session_id: str) -> Any:
    return accounts.load_session_user(session_id)


def role_required(*roles: Role) -> Callable[[F], F]:
    """Allow a view only to signed-in people holding one of ``roles``.

    Others get 403, or 404 on a page about one object (an ``*_id`` in the address).
    """

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return current_app.login_manager.unauthorized()  # type: ignore[attr-defined]
            if not current_user.has_role(*roles):
                # A page about one object (an id in its address) must not confirm that the
                # object exists to someone who may not see it: 404, as for a wrong owner.
                abort(
                    404
                    if any(k.endswith("_id") and v is not None for k, v in kwargs.items())
                    else 403
                )
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


def init_app(app: Flask) -> None:
    """Set up Flask-Login: how a session finds its person and where to sign in."""
    login_manager.init_app(app)
    login_manager.user_loader(_load_user)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
