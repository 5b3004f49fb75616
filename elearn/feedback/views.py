"""Feedback pages: answer or skip a survey, the learner's feedback page, trainers' results,
CSV export and loop notes."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import (
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from elearn.accounts import services as accounts
from elearn.accounts.labels import EMPLOYMENT_MODEL_LABELS
from elearn.accounts.models import EmploymentModel, Role
from elearn.auth.access import role_required
from elearn.core.forms import choice_list
from elearn.core.i18n import current_language
from elearn.core.time import to_local, utcnow
from elearn.core.urls import id_value
from elearn.courses.services import cohort_progress, get_course, learner_progress
from elearn.feedback import bp
from elearn.feedback import services as feedback
from elearn.feedback.forms import NoteForm
from elearn.feedback.registry import context_label, surveys


def _survey_or_404(key: str):
    survey = surveys().get(key)
    if survey is None:
        abort(404)
    return survey


def _about(waiting: feedback.Waiting) -> tuple[str, bool]:
    """What the survey is about, and whether it is shown in Finnish as a fallback."""
    return context_label(waiting, current_language())


@bp.get("/")
@login_required
def index() -> Any:
    """Surveys waiting for the learner and the notes on what changed after feedback."""
    waiting = feedback.waiting(current_user, surveys(), learner_progress(current_user.id))
    return render_template(
        "feedback/index.html",
        waiting=[(w, *_about(w)) for w in waiting],
        notes=feedback.notes_for(current_user),
        form=FlaskForm(),
    )


PROBLEMS = {
    "required": lambda: _("Please answer this question."),
    "range": lambda: _("Choose one of the options."),
    "too_long": lambda: _("The answer is too long."),
}


@bp.route("/answer/<survey_key>/<context>", methods=["GET", "POST"])
@login_required
def answer(survey_key: str, context: str) -> Any:
    """Answer a survey once; a second submission is refused politely."""
    survey = _survey_or_404(survey_key)
    progress = learner_progress(current_user.id)
    offered = [
        w
        for w in feedback.offered(current_user, surveys(), progress)
        if w.survey.key == survey.key and w.context == context
    ]
    if not offered:
        abort(404)
    if request.method == "GET" and feedback.participated(current_user.id, survey.key, context):
        flash(_("You have already answered or skipped this survey. Thank you!"), "info")
        return redirect(url_for("feedback.index"))
    problems: dict[str, str] = {}
    form = FlaskForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        raw = {
            q.key: request.form.get(f"a-{q.key}", "")[: q.max_length + 100]
            for q in survey.questions
        }
        try:
            feedback.answer(
                current_user,
                survey,
                context,
                raw,
                surveys=surveys(),
                progress=progress,
                today=to_local(utcnow()).date(),
            )
        except feedback.AlreadyAnswered:
            g.elearn_rollback = True
            flash(_("You have already answered this survey. Thank you!"), "info")
            return redirect(url_for("feedback.index"))
        except feedback.InvalidAnswers as invalid:
            problems = invalid.problems
        else:
            flash(_("Thank you for your feedback!"), "success")
            return redirect(url_for("feedback.index"))
    return render_template(
        "feedback/answer.html",
        survey=survey,
        context=context,
        about=_about(offered[0])[0],
        about_fi=_about(offered[0])[1],
        problems={k: PROBLEMS[v]() for k, v in problems.items()},
        values=request.form if request.method == "POST" else {},
        form=form,
        lang=current_language(),
    ), (422 if problems else 200)


@bp.post("/answer/<survey_key>/<context>/skip")
@login_required
def skip(survey_key: str, context: str) -> Any:
    """Do not answer; the survey is not offered again."""
    survey = _survey_or_404(survey_key)
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        feedback.skip(
            current_user,
            survey,
            context,
            surveys=surveys(),
            progress=learner_progress(current_user.id),
        )
    except feedback.NotOffered:
        abort(404)
    except feedback.AlreadyAnswered:
        g.elearn_rollback = True  # answered or skipped before: nothing more to record
    return redirect(url_for("feedback.index"))


def _filters() -> tuple[feedback.Filters, dict]:
    args = request.args

    def day(name: str) -> date | None:
        try:
            return date.fromisoformat(args.get(name, ""))
        except ValueError:
            return None

    cohort = args.get("cohort", type=id_value) or None
    model = args.get("model") if args.get("model") in {m.value for m in EmploymentModel} else None
    filters = feedback.Filters(
        cohort_id=cohort,
        employment_model=model,
        date_from=day("from"),
        date_to=day("to"),
        context=args.get("module") or None,
    )
    return filters, {
        "cohort": cohort,
        "model": model,
        "from": day("from"),
        "to": day("to"),
        "module": filters.context,
    }


def _minimum() -> int:
    """Results and downloads need this many responses (the setting, never below five)."""
    return feedback.minimum_responses(current_app.config["ELEARN_FEEDBACK_MIN_RESPONSES"])


def _default_survey(minimum: int) -> str:
    """The survey the results page opens on: the first (in file order) whose results can be
    shown, else the first with any answers, else the first."""
    counts = feedback.responses_per_survey()
    keys = list(surveys())
    for enough in (minimum, 1):
        found = next((k for k in keys if counts.get(k, 0) >= enough), None)
        if found is not None:
            return found
    return keys[0]


def _link_args(survey_key: str, filters: feedback.Filters) -> dict[str, Any]:
    """The results page's query arguments for a survey under these filters."""
    args: dict[str, Any] = {
        "survey": survey_key,
        "cohort": filters.cohort_id,
        "model": filters.employment_model,
        "module": filters.context,
        "from": filters.date_from.isoformat() if filters.date_from else None,
        "to": filters.date_to.isoformat() if filters.date_to else None,
    }
    return {k: v for k, v in args.items() if v}


@bp.get("/results")
@role_required(Role.TRAINER, Role.ADMIN)
def results() -> Any:
    """Results per survey and question, shown only from the minimum number of responses;
    below it, how many more are needed and the nearest wider view that has enough."""
    minimum = _minimum()
    key = request.args.get("survey") or _default_survey(minimum)
    survey = _survey_or_404(key)
    filters, chosen = _filters()
    course = get_course()
    cohorts = accounts.list_cohorts()
    outcome = feedback.results(
        survey,
        filters,
        minimum=minimum,
        eligible_count=feedback.eligible(survey, filters, course, cohort_progress),
    )
    wider = []
    if not outcome.shown:
        model_of = {c.id: c.employment_model for c in cohorts}
        wider = [
            (view, _link_args(survey.key, view.filters))
            for view in feedback.wider_views(
                survey, filters, minimum=minimum, cohort_model=model_of.get(filters.cohort_id or 0)
            )
        ]
    return render_template(
        "feedback/results.html",
        survey=survey,
        surveys=surveys(),
        outcome=outcome,
        withheld=feedback.withheld_from_export(survey, filters, minimum=minimum)
        if outcome.shown
        else 0,
        chosen=chosen,
        minimum=minimum,
        more=max(minimum - outcome.count, 0),
        wider=wider,
        cohorts=cohorts,
        models=[(m.value, EMPLOYMENT_MODEL_LABELS[m]) for m in EmploymentModel],
        model_labels={m.value: EMPLOYMENT_MODEL_LABELS[m] for m in EmploymentModel},
        modules=course.modules,
        lang=current_language(),
    )


@bp.get("/results.csv")
@role_required(Role.TRAINER, Role.ADMIN)
def results_csv() -> Any:
    """The same responses as CSV for Excel; no cell below the minimum (see csv_export)."""
    survey = _survey_or_404(request.args.get("survey", ""))
    filters, _chosen = _filters()
    export = feedback.csv_export(
        survey,
        filters,
        minimum=_minimum(),
        language=current_language(),
        course=get_course(),
        cohort_names={c.id: c.name for c in accounts.list_cohorts()},
    )
    if export is None:
        abort(404)
    return Response(
        export.data,
        mimetype="text/csv",
        headers={
            "Content-Disposition": f"attachment; filename=palaute-{survey.key}.csv",
            "Cache-Control": "private, no-store",
        },
    )


@bp.route("/notes", methods=["GET", "POST"])
@role_required(Role.TRAINER, Role.ADMIN)
def notes() -> Any:
    """Publish and list "what we changed after your feedback" notes."""
    form = NoteForm()
    form.cohort.choices = choice_list(
        [(0, _("Everyone"))] + [(c.id, c.name) for c in accounts.list_cohorts()]
    )
    if form.validate_on_submit():
        feedback.publish_note(
            current_user,
            title=form.title.data,
            body=form.body.data,
            cohort_id=form.cohort.data or None,
            now=utcnow(),
        )
        flash(_("The note is published."), "success")
        return redirect(url_for("feedback.notes"))
    return render_template("feedback/notes.html", form=form, notes=feedback.all_notes())
