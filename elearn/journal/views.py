"""The journal's pages: a module's reflection questions with the learner's own answers."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from elearn.content.model import Module
from elearn.core.i18n import current_language
from elearn.core.time import utcnow
from elearn.courses.services import find
from elearn.journal import bp
from elearn.journal import services as journal


def _module_or_404(module_key: str) -> Module:
    module, _s = find(module_key)
    if module is None:
        abort(404)
    return module


@bp.get("/<module_key>")
@login_required
def module(module_key: str) -> Any:
    """The module's reflection questions, the learner's saved answers and the form."""
    found = _module_or_404(module_key)
    entries = {e.question_no: e for e in journal.entries(current_user.id, found.key)}
    return render_template(
        "journal/module.html",
        module=found,
        entries=entries,
        form=FlaskForm(),
        lang=current_language(),
    )


@bp.post("/<module_key>")
@login_required
def save(module_key: str) -> Any:
    """Save the learner's answers to a module's reflection questions (private)."""
    found = _module_or_404(module_key)
    if not FlaskForm().validate_on_submit():
        abort(400)
    finnish = found.text("fi")[0].reflection
    shown = found.text(current_language())[0].reflection
    questions = [shown[i] if i < len(shown) else q for i, q in enumerate(finnish)]
    answers = [request.form.get(f"q-{n}", "") for n in range(1, len(finnish) + 1)]
    journal.save_answers(current_user.id, found.key, questions, answers, now=utcnow())
    flash(
        _("Your journal is saved. Only you can see it unless you share an entry when booking."),
        "success",
    )
    return redirect(url_for("journal.module", module_key=found.key))
