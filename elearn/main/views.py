"""Views of the main blueprint."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import current_app, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required

from elearn.accounts import services as accounts
from elearn.accounts.models import Role
from elearn.core.i18n import current_language
from elearn.core.urls import safe_next
from elearn.extensions import db
from elearn.main import bp


@bp.get("/")
@login_required
def home() -> Any:
    """The signed-in person's front page: what their roles let them do, surveys waiting for
    them and the latest notes on what changed after feedback."""
    from elearn.courses.services import learner_progress
    from elearn.feedback import services as feedback
    from elearn.feedback.registry import context_label, surveys

    waiting = []
    if current_user.has_role(Role.ASSISTANT):
        progress = learner_progress(current_user.id)
        language = current_language()
        waiting = [
            (w, context_label(w, language))
            for w in feedback.waiting(current_user, surveys(), progress)
        ]
    return render_template(
        "main/home.html", waiting=waiting, notes=feedback.notes_for(current_user, limit=3)
    )


@bp.get("/healthz")
def healthz() -> Any:
    """200 ``ok`` after a database round trip; 503 when the database does not answer."""
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        current_app.logger.exception("health check failed")
        return "database unavailable\n", 503, {"Content-Type": "text/plain; charset=utf-8"}
    return "ok\n", 200, {"Content-Type": "text/plain; charset=utf-8"}


@bp.post("/language")
def set_language() -> Any:
    """Switch the interface language; remembered on the account when signed in."""
    language = request.form.get("language", "")
    if language in current_app.config["LANGUAGES"]:
        session["lang"] = language
        if current_user.is_authenticated:
            accounts.set_language(current_user, language)
    return redirect(safe_next(request.form.get("next"), url_for("main.home")))


@bp.get("/accessibility")
def accessibility() -> Any:
    """The accessibility statement (saavutettavuusseloste), public, in every language."""
    return render_template("main/accessibility.html")
