"""Request hooks that protect every page: headers, refused input and idle sessions."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote_to_bytes

from flask import Flask, abort, current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from elearn.core.time import utcnow

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; media-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'; "
    "frame-src https://www.youtube-nocookie.com https://player.vimeo.com"
)

# Responses a browser may keep: public files and the course's videos and captions. Every
# other response may hold someone's private text (a journal, a memo, a report) and is
# marked ``no-store``, so it stays off the disk of a shared computer.
CACHEABLE_ENDPOINTS = frozenset({"static", "courses.media", "main.favicon"})


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


def _security_headers(response: Any) -> Any:
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if current_app.config["SESSION_COOKIE_SECURE"]:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    if request.endpoint not in CACHEABLE_ENDPOINTS:
        response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    """Register the protective hooks on ``app``."""
    app.before_request(_refuse_nul_characters)
    app.before_request(_end_idle_session)
    app.after_request(_security_headers)
