"""The journal's pages: save the answers to a module's reflection questions."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from elearn.core.i18n import current_language
from elearn.core.time import utcnow
from elearn.courses.services import find
from elearn.journal import bp
from elearn.journal import services as journal


@bp.post("/<module_key>")
@login_required
def save(module_key: str) -> Any:
    """Save the learner's answers to a module's reflection questions (private)."""
    module, _s = find(module_key)
    if module is None:
        abort(404)
    if not FlaskForm().validate_on_submit():
        abort(400)
    finnish = module.text("fi")[0].reflection
    shown = module.text(current_language())[0].reflection
    questions = [shown[i] if i < len(shown) else q for i, q in enumerate(finnish)]
    answers = [request.form.get(f"q-{n}", "") for n in range(1, len(finnish) + 1)]
    journal.save_answers(current_user.id, module.key, questions, answers, now=utcnow())
    flash(
        _("Your journal is saved. Only you can see it unless you share an entry when booking."),
        "success",
    )
    return redirect(url_for("courses.module", module_key=module.key) + "#journal-h")
