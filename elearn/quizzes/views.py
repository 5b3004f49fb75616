"""Quiz pages: take the quiz, submit it once, see the result with every explanation."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from elearn.content.question_types import QUESTION_TYPES
from elearn.core.i18n import current_language
from elearn.core.lifecycle import writes
from elearn.core.time import utcnow
from elearn.core.urls import id_value
from elearn.courses.services import content_version, find, learner_progress
from elearn.quizzes import bp
from elearn.quizzes import services as quizzes


def _module_or_404(module_key: str) -> Any:
    module, _section = find(module_key)
    if module is None:
        abort(404)
    return module


def _render_quiz(module: Any, attempt: Any, chosen: dict, missing: list[str], status: int = 200):
    return (
        render_template(
            "quizzes/quiz.html",
            module=module,
            attempt=attempt,
            chosen=chosen,
            missing=missing,
            types=QUESTION_TYPES,
            history=quizzes.attempts_for(current_user.id, module.key),
            form=FlaskForm(),
            lang=current_language(),
        ),
        status,
    )


@bp.get("/<module_key>/quiz")
@login_required
@writes
def quiz(module_key: str) -> Any:
    """Start or resume the learner's attempt and show the questions in its stored order."""
    module = _module_or_404(module_key)
    try:
        attempt = quizzes.start_or_resume(
            current_user.id, module, now=utcnow(), content_version=content_version()
        )
    except quizzes.AttemptLimitReached:
        g.elearn_rollback = True
        return render_template(
            "quizzes/limit.html",
            module=module,
            history=quizzes.attempts_for(current_user.id, module.key),
            lang=current_language(),
        )
    return _render_quiz(module, attempt, {}, [])


@bp.post("/<module_key>/quiz")
@login_required
def submit(module_key: str) -> Any:
    """Grade and record the answers once; a repeat of the same submit shows its result."""
    module = _module_or_404(module_key)
    if not FlaskForm().validate_on_submit():
        abort(400)
    attempt_id = request.form.get("attempt", type=id_value)
    if attempt_id is None:
        abort(400)
    answers = {q.key: request.form.getlist(f"q-{q.key}")[:20] for q in module.quiz.questions}
    user_id = current_user.id
    try:
        attempt = quizzes.submit(
            attempt_id, user_id, module, answers, now=utcnow(), content_version=content_version()
        )
    except quizzes.AttemptNotFound:
        abort(404)
    except quizzes.AlreadySubmitted as done:
        flash(_("Your answers had already been saved. Here is the result."), "info")
        return redirect(
            url_for("quizzes.result", module_key=module.key, attempt_id=done.attempt.id)
        )
    except quizzes.ContentChanged:
        # The fresh attempt the service started is kept (this is not a refusal).
        flash(
            _(
                "The quiz was changed after you started it, so your answers could not be "
                "scored. Here is a new attempt with the current questions."
            ),
            "warning",
        )
        return redirect(url_for("quizzes.quiz", module_key=module.key))
    except quizzes.IncompleteAnswers as incomplete:
        attempt = quizzes.get_attempt(attempt_id, user_id, module.key)
        return _render_quiz(module, attempt, answers, incomplete.missing, status=422)
    return redirect(url_for("quizzes.result", module_key=module.key, attempt_id=attempt.id))


@bp.get("/<module_key>/quiz/attempts/<int:attempt_id>")
@login_required
def result(module_key: str, attempt_id: int) -> Any:
    """A submitted attempt: what went wrong first, with the explanations; the questions
    answered right are folded away."""
    module = _module_or_404(module_key)
    try:
        attempt = quizzes.get_attempt(attempt_id, current_user.id, module.key)
    except quizzes.AttemptNotFound:
        abort(404)
    if attempt.status != quizzes.AttemptStatus.SUBMITTED.value:
        return redirect(url_for("quizzes.quiz", module_key=module.key))
    course_progress = learner_progress(current_user.id)
    progress = course_progress.for_module(module.key)
    from elearn.feedback import services as feedback
    from elearn.feedback.registry import surveys

    check = next(
        (
            w
            for w in feedback.waiting(current_user, surveys(), course_progress)
            if w.survey.trigger == "module_quiz" and w.context == module.key
        ),
        None,
    )
    return render_template(
        "quizzes/result.html",
        feedback_check=check,
        module=module,
        attempt=attempt,
        reviewed=quizzes.review(attempt, module.quiz),
        progress=progress,
        changed=attempt.quiz_hash != module.quiz.content_hash,
        lang=current_language(),
    )
