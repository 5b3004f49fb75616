"""Errors people see: domain errors with their own message and status, and the error pages.

Services raise a ``DomainError`` subclass when a rule refuses what was asked. The request
lifecycle (``core.lifecycle``) rolls the transaction back, and ``handle_domain_error`` turns
the error into a response in one place: on a form post, the message as a flash and a
redirect back; on a page, the error page with the error's status. A blueprint registers its
own handler only where a refusal needs a page of its own (a full discussion time offers the
next free ones).
"""

from __future__ import annotations

import logging
from typing import Any, ClassVar
from urllib.parse import urlsplit

from flask import Flask, flash, g, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from elearn.core.urls import safe_next
from elearn.extensions import db

log = logging.getLogger("elearn")

# Titles of error pages, by status code.
ERROR_TITLES = {
    400: _l("The request could not be handled"),
    403: _l("No access"),
    404: _l("Page not found"),
    405: _l("The request could not be handled"),
    409: _l("The request could not be handled"),
    410: _l("The link is no longer valid"),
    413: _l("The request was too large"),
    422: _l("The request could not be handled"),
    429: _l("Too many attempts"),
    500: _l("Something went wrong"),
    503: _l("Please try again"),
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
    409: _l("This could not be done. Go back and try again."),
    410: _l("The link is no longer valid."),
    413: _l("What you sent was too large. Shorten it and try again."),
    422: _l(
        "The form or address was not understood. Go back, check what you entered and try again."
    ),
    429: _l("Too many attempts in a short time. Wait a few minutes and try again."),
    500: _l(
        "An unexpected error occurred. Nothing you saved before this was lost. "
        "Try again in a moment."
    ),
    503: _l(
        "The service could not finish your request just now, so nothing was saved. "
        "Wait a moment and try again."
    ),
}
PLAIN_503 = "The service could not finish the request; nothing was saved. Try again.\n"


class DomainError(Exception):
    """A rule of the domain refused the operation; nothing of it is saved.

    Subclasses set ``message`` (a lazy translation; ``%(name)s`` placeholders are filled from
    the keyword arguments), ``status`` (the HTTP status of the page that shows it) and
    ``category`` (of the flash message). ``code`` is stable for callers and tests.
    """

    code: ClassVar[str] = "domain_error"
    message: ClassVar[Any] = _l("This could not be done. Go back and try again.")
    status: ClassVar[int] = 409
    category: ClassVar[str] = "error"

    def __init__(self, *args: Any, **params: Any) -> None:
        super().__init__(*args or (self.code,))
        self.params = params

    def describe(self) -> str:
        """The message in the current language, with its values put in."""
        text = str(self.message)
        return text % self.params if self.params else text


def form_error(field: Any, error: DomainError | str) -> None:
    """Show a refused operation next to the form field it concerns.

    The form is shown again; nothing the request did is saved (the lifecycle rolls it back).
    """
    field.errors.append(error.describe() if isinstance(error, DomainError) else error)
    g.elearn_rollback = True


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


def back_to(url: str) -> None:
    """Where a refused post of this request goes (default: the form's own page, else the page
    it was sent from, else the front page)."""
    g.elearn_back = url


def _back() -> str:
    """Where a refused form post goes: see ``back_to``."""
    if g.get("elearn_back"):
        return g.elearn_back
    rule = request.url_rule
    if rule is not None and rule.methods and "GET" in rule.methods:
        return request.full_path.rstrip("?")
    referrer = request.referrer
    if referrer:
        parts = urlsplit(referrer)
        if parts.netloc == request.host:
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            return safe_next(path, url_for("main.home"))
    return url_for("main.home")


def handle_domain_error(exc: DomainError) -> Any:
    """Roll back and answer: a flash and a redirect back for a post, the error page otherwise."""
    db.session.rollback()
    g.elearn_rollback = True
    if request.method in ("GET", "HEAD"):
        return render_error(exc.status, exc.describe())
    flash(exc.describe(), exc.category)
    return redirect(_back())


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
    from elearn.core.lifecycle import is_unavailable

    g.elearn_rollback = True
    unavailable = is_unavailable(exc)
    if unavailable:
        log.warning("database unavailable on %s %s: %s", request.method, request.path, exc)
    else:
        log.exception("unhandled error on %s %s", request.method, request.path)
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 - the error page must render even if the database is gone
        log.exception("rollback after error failed")
    return render_unavailable() if unavailable else render_error(500)


def render_unavailable() -> Any:
    """The localized "please try again" page (503), or plain text if even that cannot render."""
    try:
        return render_error(503)
    except Exception:  # noqa: BLE001 - rendering may need the database that just went away
        log.warning("rendering the 503 page failed", exc_info=True)
        return PLAIN_503, 503, {"Content-Type": "text/plain; charset=utf-8", "Retry-After": "5"}


def init_app(app: Flask) -> None:
    """Register the error handlers on ``app``."""
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(CSRFError, _handle_csrf)
    app.register_error_handler(HTTPException, _handle_http)
    app.register_error_handler(Exception, _handle_unexpected)
