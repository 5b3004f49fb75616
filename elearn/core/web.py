"""Request-wide behaviour: locale, login loading, security headers, errors, template helpers."""

from __future__ import annotations

import logging
from datetime import date, datetime
from functools import wraps
from typing import Any
from urllib.parse import unquote_to_bytes

from flask import (
    Flask,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import (
    format_date,
    format_datetime,
    format_decimal,
    get_locale,
    get_translations,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, logout_user
from flask_wtf.csrf import CSRFError
from jinja2 import pass_eval_context
from markupsafe import Markup
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter

from elearn.accounts.models import EmploymentModel, Role
from elearn.core.fragments import shared_fragment
from elearn.core.markup import format_translation
from elearn.core.time import is_ambiguous, local_zone, to_local, utcnow
from elearn.extensions import db, login_manager

log = logging.getLogger("elearn")

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; media-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'; "
    "frame-src https://www.youtube-nocookie.com https://player.vimeo.com"
)

ROLE_LABELS = {
    Role.ASSISTANT: _l("Assistant (learner)"),
    Role.SUPERVISOR: _l("Supervisor"),
    Role.TRAINER: _l("Trainer"),
    Role.ADMIN: _l("Administrator"),
}

EMPLOYMENT_MODEL_LABELS = {
    EmploymentModel.OWN_SERVICE: _l("Own service production"),
    EmploymentModel.EMPLOYER_MODEL: _l("Employer model"),
    EmploymentModel.SERVICE_VOUCHER: _l("Service voucher"),
    EmploymentModel.PURCHASED_SERVICE: _l("Purchased service"),
}

LANGUAGE_NAMES = {"fi": "Suomeksi", "sv": "På svenska", "en": "In English"}

# Titles of error pages, by status code.
ERROR_TITLES = {
    400: _l("The request could not be handled"),
    403: _l("No access"),
    404: _l("Page not found"),
    405: _l("The request could not be handled"),
    410: _l("The link is no longer valid"),
    413: _l("The request was too large"),
    429: _l("Too many attempts"),
    500: _l("Something went wrong"),
}
ERROR_TEXTS = {
    400: _l(
        "The form or address was not understood. Go back, check what you entered and try again."
    ),
    403: _l("You do not have access to this page. If you think you should, contact your trainer."),
    404: _l("There is no page at this address. Check the address or go to the front page."),
    405: _l(
        "The form or address was not understood. Go back, check what you entered and try again."
    ),
    410: _l("The link is no longer valid."),
    413: _l("What you sent was too large. Shorten it and try again."),
    429: _l("Too many attempts in a short time. Wait a few minutes and try again."),
    500: _l(
        "An unexpected error occurred. Nothing you saved before this was lost. "
        "Try again in a moment."
    ),
}


# Ids are PostgreSQL integers: a larger number names no row, and must not reach the database
# (SQLite cannot even bind numbers beyond 64 bits).
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """``<int:...>`` in routes: a whole number from 0 to MAX_ID; anything else is a 404."""

    def __init__(self, url_map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


def id_value(text: str) -> int:
    """An id from a form or query string, for ``request.args.get(name, type=id_value)``.

    Raises:
        ValueError: not a whole number from 1 to MAX_ID (``get`` then gives the default).
    """
    value = int(text)
    if not 0 < value <= MAX_ID:
        raise ValueError(text)
    return value


def mark_active() -> None:
    """Note in the session that its person is active now (see ``_end_idle_session``)."""
    session["active_at"] = int(utcnow().timestamp())


def _end_idle_session() -> Any:
    # The session cookie carries the time of the last request (signed, so it cannot be moved
    # forward by the browser); a copy of an idle session stays idle. Static files and the
    # health check need no person, so they do not load one.
    if request.endpoint in ("static", "main.healthz") or not current_user.is_authenticated:
        return None
    minutes = current_app.config["ELEARN_IDLE_MINUTES"]
    now = int(utcnow().timestamp())
    active_at = session.get("active_at")
    if minutes and isinstance(active_at, int) and now - active_at > minutes * 60:
        lang = session.get("lang")
        logout_user()
        session.clear()
        if lang:
            session["lang"] = lang
        flash(
            _(
                "You were logged out because you had not used the service for %(n)s minutes. "
                "Log in again to continue.",
                n=minutes,
            ),
            "info",
        )
        return redirect(
            url_for("auth.login", next=request.path if request.method == "GET" else None)
        )
    if not isinstance(active_at, int) or now - active_at >= 60:
        session["active_at"] = now  # once a minute is precise enough and rewrites less
    return None


def _refuse_nul_characters() -> None:
    # No text field may hold a NUL character (PostgreSQL refuses one in text), and no one
    # types it: a request carrying one is refused before any view sees it. A path or query
    # string that is not UTF-8 is refused too (a browser never sends one); in a form body,
    # Werkzeug keeps undecodable escapes as the literal text, so nothing is garbled there.
    try:
        unquote_to_bytes(request.query_string.replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError:
        abort(400)
    texts = [request.path]
    for values in (request.args, request.form):
        for key, value in values.items(multi=True):
            texts += (key, value)
    if "\ufffd" in request.path or any("\x00" in text for text in texts):
        abort(400)


def select_locale() -> str:
    """Language: the person's saved choice, else the session's, else Finnish."""
    languages = current_app.config["LANGUAGES"]
    if current_user and current_user.is_authenticated and current_user.language in languages:
        return current_user.language
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


@login_manager.user_loader
def _load_user(session_id: str) -> Any:
    from elearn.accounts.services import load_session_user

    return load_session_user(session_id)


def role_required(*roles: Role):  # noqa: ANN201 - decorator factory
    """Allow a view only to signed-in people holding one of ``roles``.

    Others get 403, or 404 on a page about one object (an ``*_id`` in the address).
    """

    def decorator(view):  # noqa: ANN001, ANN202
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return current_app.login_manager.unauthorized()
            if not current_user.has_role(*roles):
                # A page about one object (an id in its address) must not confirm that the
                # object exists to someone who may not see it: 404, as for a wrong owner.
                abort(
                    404
                    if any(k.endswith("_id") and v is not None for k, v in kwargs.items())
                    else 403
                )
            return view(*args, **kwargs)

        return wrapped

    return decorator


def _security_headers(response: Any) -> Any:
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if current_app.config["SESSION_COOKIE_SECURE"]:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    if getattr(g, "no_store", False) or request.endpoint in {
        "auth.login",
        "auth.accept",
        "auth.reset_password",
    }:
        response.headers["Cache-Control"] = "no-store"
    return response


def render_error(code: int, text: Any = None) -> tuple[str, int]:
    """Render the localized error page for ``code``."""
    return (
        render_template(
            "error.html",
            code=code,
            title=ERROR_TITLES.get(code, ERROR_TITLES[400]),
            text=text or ERROR_TEXTS.get(code, ERROR_TEXTS[400]),
        ),
        code,
    )


def _handle_http(exc: HTTPException) -> Any:
    code = exc.code or 500
    if code < 400:
        return exc
    if code not in ERROR_TITLES:
        code = 400 if code < 500 else 500
    return render_error(code)


def _handle_csrf(exc: CSRFError) -> Any:
    return render_error(
        400,
        _l(
            "The form had expired or was sent from another page. Nothing was saved. "
            "Go back, reload the page and send the form again."
        ),
    )


def _handle_unexpected(exc: Exception) -> Any:
    log.exception("unhandled error on %s %s", request.method, request.path)
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 - the error page must render even if the database is gone
        log.exception("rollback after error failed")
    return render_error(500)


def format_local_datetime(value: datetime | None, fmt: str = "medium") -> str:
    """Format an instant in the service's zone and the current locale ("24.12.2026 klo 9.30")."""
    if value is None:
        return ""
    if str(get_locale()) == "fi" and fmt == "medium":
        # CLDR gives "24.12.2026 klo 9.30.00"; Finnish usage drops the seconds.
        text = format_datetime(value, "d.M.yyyy 'klo' H.mm")
    else:
        text = format_datetime(value, fmt)
    # The hour repeated in autumn is shown with its zone, so it is never ambiguous.
    if is_ambiguous(value, local_zone()):
        text += f" ({to_local(value).tzname()})"
    return text


def _translations() -> Any:
    """The catalogue of the language in use, looked up once per request and language.

    ``force_locale`` (a mail in its recipient's language) puts another locale object in
    place, which makes a new look-up here.
    """
    locale = get_locale()
    if locale is None:  # outside a request or app context
        return get_translations()
    cached = g.get("_elearn_translations")
    if cached is None or cached[0] is not locale:
        cached = g._elearn_translations = (locale, get_translations())
    return cached[1]


# Templates translate a few dozen strings per page. Jinja's own newstyle callables take the
# template context, and inside a block or loop that makes it derive a new context for each
# call, twice for ``_``; Flask-Babel's look the catalogue up for each string. These take
# only the evaluation context (for autoescaping) and the catalogue of ``_translations``,
# and otherwise do what Jinja's do: the result is always a format string.


def _formatted(eval_ctx: Any, text: str, variables: dict[str, Any]) -> str:
    return format_translation(text, variables, html=eval_ctx.autoescape)


@pass_eval_context
def _gettext(eval_ctx: Any, message: str, **variables: Any) -> str:
    return _formatted(eval_ctx, _translations().ugettext(message), variables)


@pass_eval_context
def _ngettext(eval_ctx: Any, singular: str, plural: str, num: int, **variables: Any) -> str:
    variables.setdefault("num", num)
    return _formatted(eval_ctx, _translations().ungettext(singular, plural, num), variables)


@pass_eval_context
def _pgettext(eval_ctx: Any, context: str, message: str, **variables: Any) -> str:
    variables.setdefault("context", context)
    return _formatted(eval_ctx, _translations().upgettext(context, message), variables)


@pass_eval_context
def _npgettext(
    eval_ctx: Any, context: str, singular: str, plural: str, num: int, **variables: Any
) -> str:
    variables.setdefault("context", context)
    variables.setdefault("num", num)
    text = _translations().unpgettext(context, singular, plural, num)
    return _formatted(eval_ctx, text, variables)


# The pages the main navigation links to (templates/_main_nav_links.html); every report
# page marks "Reports" (or "Learners") as the current one.
NAV_PAGES = frozenset(
    {
        "main.home",
        "courses.overview",
        "discussions.index",
        "feedback.index",
        "admin.invite",
        "admin.cohorts",
        "admin.users",
        "auth.profile",
    }
)


def main_nav_links() -> Markup:
    """The signed-in person's navigation links, shared by everyone with the same roles."""
    endpoint = request.endpoint or ""
    current = "reports" if endpoint.startswith("reports.") else endpoint
    current = current if current in NAV_PAGES or current == "reports" else ""
    roles = frozenset(current_user.roles)
    return shared_fragment("_main_nav_links.html", current, roles, current=current, roles=roles)


def init_app(app: Flask) -> None:
    """Register headers, error handlers and template helpers on ``app``."""
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    app.url_map.converters["int"] = IdConverter
    app.before_request(_refuse_nul_characters)
    app.before_request(_end_idle_session)
    app.after_request(_security_headers)
    app.register_error_handler(CSRFError, _handle_csrf)
    app.register_error_handler(HTTPException, _handle_http)
    app.register_error_handler(Exception, _handle_unexpected)

    @app.context_processor
    def _template_globals() -> dict[str, Any]:
        return {
            "Role": Role,
            "ROLE_LABELS": ROLE_LABELS,
            "EMPLOYMENT_MODEL_LABELS": EMPLOYMENT_MODEL_LABELS,
            "LANGUAGE_NAMES": LANGUAGE_NAMES,
            "current_locale": str(get_locale()),
            "main_nav_links": main_nav_links,
        }

    app.jinja_env.globals.update(
        _=_gettext, gettext=_gettext, ngettext=_ngettext, pgettext=_pgettext, npgettext=_npgettext
    )
    app.jinja_env.filters["local_datetime"] = format_local_datetime
    app.jinja_env.filters["local_date"] = lambda v: format_date(v) if isinstance(v, date) else ""
    app.jinja_env.filters["local_date_of_instant"] = lambda v: format_date(to_local(v)) if v else ""
    app.jinja_env.filters["format_decimal"] = format_decimal
