"""Views of the main blueprint."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from flask import (
    current_app,
    redirect,
    render_template,
    request,
    send_from_directory,
    session,
    url_for,
)
from flask_login import current_user, login_required

from elearn.accounts import services as accounts
from elearn.accounts.models import Role
from elearn.core.i18n import current_language
from elearn.core.time import utcnow
from elearn.core.urls import safe_next
from elearn.extensions import db
from elearn.main import bp

if TYPE_CHECKING:
    from elearn.discussions.services import LearnerDiscussions
    from elearn.feedback.services import Waiting
    from elearn.progress.services import CourseProgress


@dataclass(frozen=True)
class LearnerSituation:
    """What a learner's front page shows, gathered from the domains' services."""

    progress: CourseProgress
    discussions: LearnerDiscussions
    surveys: list[tuple[Waiting, str, bool]]  # (the survey, what about, shown in Finnish)


@bp.get("/")
@login_required
def home() -> Any:
    """The signed-in person's front page. A learner sees where they stand: progress in each
    module, where to continue, their next discussion, memos and surveys waiting for them,
    and news from the trainers. Other roles get their own starting points."""
    from elearn.courses.services import learner_progress
    from elearn.discussions import services as discussions
    from elearn.feedback import services as feedback
    from elearn.feedback.registry import context_label, surveys

    situation = None
    if current_user.has_role(Role.ASSISTANT):
        language = current_language()
        progress = learner_progress(current_user.id)
        waiting = []
        for w in feedback.waiting(current_user, surveys(), progress):
            waiting.append((w, *context_label(w, language)))
        situation = LearnerSituation(
            progress=progress,
            discussions=discussions.learner_situation(current_user.id, now=utcnow()),
            surveys=waiting,
        )
    return render_template(
        "main/home.html",
        situation=situation,
        notes=feedback.notes_for(current_user, limit=3),
        lang=current_language(),
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


@bp.get("/favicon.ico")
def favicon() -> Any:
    """The site's icon where browsers and bookmarks look for it first (a self-hosted file)."""
    return send_from_directory(
        current_app.static_folder or "static",
        "favicon.ico",
        mimetype="image/vnd.microsoft.icon",
        max_age=86400,
    )
