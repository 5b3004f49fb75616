"""Report pages for trainers and admins, and the learner pages supervisors may see."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, current_app, g, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.datastructures import MultiDict

from elearn.accounts import services as accounts
from elearn.accounts.models import EmploymentModel, Role
from elearn.core.csvfile import excel_csv
from elearn.core.forms import choice_list
from elearn.core.time import local_zone, utcnow
from elearn.core.web import EMPLOYMENT_MODEL_LABELS, role_required
from elearn.courses.services import cohort_progress as progress_of
from elearn.courses.services import completion_rules, get_course, learner_progress
from elearn.reports import bp
from elearn.reports import services as reports
from elearn.reports.cache import FigureCache
from elearn.reports.forms import FilterForm

PER_PAGE = 50
STAFF = (Role.TRAINER, Role.ADMIN)
COHORTS_SIDE_BY_SIDE = 10  # more groups than this: per-module tables show models and total
FIGURES = FigureCache()


def _is_staff() -> bool:
    return current_user.has_role(*STAFF)


def _cohorts() -> list:
    """The groups, looked up once per request (the filter form and the tables need them)."""
    if "report_cohorts" not in g:
        g.report_cohorts = accounts.list_cohorts()
    return g.report_cohorts


def _filter_form() -> tuple[FilterForm, reports.Filters, dict[str, str]]:
    """The filter form from the query string, the filters it gives, and the arguments to keep.

    Invalid values are reported on the form and left out of the filters (the page still shows).
    """
    form = FilterForm(formdata=MultiDict(request.args))
    cohorts = _cohorts()
    form.cohort.choices = choice_list(
        [("", _("All groups"))] + [(str(c.id), c.name) for c in cohorts]
    )
    form.model.choices = choice_list(
        [("", _("All"))] + [(m.value, EMPLOYMENT_MODEL_LABELS[m]) for m in EmploymentModel]
    )
    form.validate()
    cohort_id = int(form.cohort.data) if form.cohort.data and not form.cohort.errors else None
    filters = reports.Filters(
        cohort_id=cohort_id,
        employment_model=(form.model.data or None) if not form.model.errors else None,
        start=form.start.data if not form.start.errors else None,
        end=form.end.data if not (form.end.errors or form.start.errors) else None,
        supervisor_id=None if _is_staff() else current_user.id,
    )
    kept = {
        key: value
        for key, value in (
            ("cohort", str(filters.cohort_id or "")),
            ("model", filters.employment_model or ""),
            ("start", filters.start.isoformat() if filters.start else ""),
            ("end", filters.end.isoformat() if filters.end else ""),
        )
        if value
    }
    return form, filters, kept


def _module_or_404(module_key: str) -> Any:
    module = get_course().module(module_key)
    if module is None or module.quiz is None:
        abort(404)
    return module


def _common(**extra: Any) -> dict[str, Any]:
    return {
        "lang": str(get_locale()),
        "course": get_course(),
        "cohort_names": {c.id: c.name for c in _cohorts()},
        "model_labels": {m.value: EMPLOYMENT_MODEL_LABELS[m] for m in EmploymentModel},
        **extra,
    }


@bp.get("/")
@role_required(*STAFF)
def overview() -> Any:
    """Cohorts and employment models side by side, module by module, with charts."""
    form, filters, kept = _filter_form()
    course, rules = get_course(), completion_rules()
    figures, computed_at = _cached(
        ("overview", course.version, filters, rules.require_discussion),
        lambda: reports.overview(
            course, filters, zone=local_zone(), require_discussion=rules.require_discussion
        ),
    )
    return render_template(
        "reports/overview.html",
        **_common(
            form=form,
            kept=kept,
            figures=figures,
            computed_at=computed_at,
            cohorts_side_by_side=len(figures.cohorts) <= COHORTS_SIDE_BY_SIDE,
        ),
    )


def _cached(key: tuple, compute: Any) -> tuple[Any, Any]:
    """Figures computed within the last ``ELEARN_REPORT_CACHE_SECONDS``, else computed now."""
    return FIGURES.get(
        key, compute, now=utcnow(), seconds=current_app.config["ELEARN_REPORT_CACHE_SECONDS"]
    )


def _analysis(module: Any, filters: reports.Filters) -> tuple[Any, Any]:
    minimum = current_app.config["ELEARN_REPORT_MIN_ANSWERS"]
    return _cached(
        ("questions", get_course().version, module.key, filters, minimum),
        lambda: reports.question_analysis(module, filters, zone=local_zone(), minimum=minimum),
    )


@bp.get("/modules/<module_key>/questions")
@role_required(*STAFF)
def questions(module_key: str) -> Any:
    """Item analysis of one module's quiz."""
    module = _module_or_404(module_key)
    form, filters, kept = _filter_form()
    analysis, computed_at = _analysis(module, filters)
    return render_template(
        "reports/questions.html",
        **_common(form=form, kept=kept, analysis=analysis, module=module, computed_at=computed_at),
    )


@bp.get("/modules/<module_key>/questions/<question_key>")
@role_required(*STAFF)
def question(module_key: str, question_key: str) -> Any:
    """One question: its options and how often each was chosen."""
    module = _module_or_404(module_key)
    form, filters, kept = _filter_form()
    analysis, computed_at = _analysis(module, filters)
    figures = analysis.question(question_key)
    if figures is None:
        abort(404)
    return render_template(
        "reports/question.html",
        **_common(
            form=form,
            kept=kept,
            analysis=analysis,
            module=module,
            figures=figures,
            computed_at=computed_at,
        ),
    )


@bp.get("/learners")
@login_required
def learners() -> Any:
    """Learners and their progress; a supervisor sees only those who booked with them."""
    if not current_user.has_role(*STAFF, Role.SUPERVISOR):
        abort(403)
    form, filters, kept = _filter_form()
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    rows, total = reports.learner_page(filters, page=page, per_page=PER_PAGE)
    pages = max((total + PER_PAGE - 1) // PER_PAGE, 1)
    return render_template(
        "reports/learners.html",
        **_common(
            form=form,
            kept=kept,
            rows=rows,
            total=total,
            page=page,
            pages=pages,
            progress=progress_of([r.id for r in rows]),
            staff=_is_staff(),
        ),
    )


@bp.get("/learners/<int:user_id>")
@login_required
def learner(user_id: int) -> Any:
    """One learner: progress for supervisors; attempts, discussions and surveys for trainers."""
    if not current_user.has_role(*STAFF, Role.SUPERVISOR):
        abort(404)  # a page about one person: the same answer as for an unknown id
    filters = reports.Filters(supervisor_id=None if _is_staff() else current_user.id)
    person = reports.learner_in_report(user_id, filters)
    if person is None:
        abort(404)
    activity = reports.learner_activity(person.id) if _is_staff() else None
    return render_template(
        "reports/learner.html",
        **_common(
            person=person,
            progress=learner_progress(person.id),
            activity=activity,
            attempts=reports.attempts_by_module(activity.attempts) if activity else {},
            surveys=current_app.extensions["elearn.surveys"],
        ),
    )


# ------------------------------------------------------------------ CSV


def _percent(value: float | None) -> str:
    return "" if value is None else _number(100 * value)


def _number(value: float | None, digits: int = 1) -> str:
    """A decimal as Finnish/Swedish Excel reads it (comma) or as English Excel does."""
    if value is None:
        return ""
    text = f"{value:.{digits}f}"
    return text if str(get_locale()) == "en" else text.replace(".", ",")


def _overview_rows(figures: reports.Overview, names: dict[int, str], modules: bool) -> list[list]:
    groups = [*figures.cohorts, *figures.models, figures.total]
    labels = {m.value: EMPLOYMENT_MODEL_LABELS[m] for m in EmploymentModel}

    def label(group: reports.Group) -> str:
        if group.kind == "cohort":
            return names.get(int(group.key), _("No group"))
        if group.kind == "model":
            return str(labels.get(group.key, _("No group")))
        return _("Everyone")

    if not modules:
        return [
            [
                group.kind,
                label(group),
                group.learners,
                group.started_course,
                group.completed_course,
                _percent(group.completion_rate),
            ]
            for group in groups
        ]
    rows = []
    for group in groups:
        for key, f in group.modules.items():
            rows.append(
                [
                    group.kind,
                    label(group),
                    key,
                    f.learners,
                    f.started,
                    f.completed,
                    f.attempted,
                    _percent(f.pass_rate),
                    _number(f.mean_best),
                    _number(f.mean_attempts_to_pass),
                    _number(f.median_seconds / 3600 if f.median_seconds is not None else None),
                ]
            )
    return rows


@bp.get("/export/<table>.csv")
@login_required
def export(table: str) -> Any:
    """Every report table as CSV for Excel (UTF-8 with BOM, semicolons, decimal commas)."""
    staff = _is_staff()
    if not staff and not (table == "learners" and current_user.has_role(Role.SUPERVISOR)):
        abort(403)
    _form, filters, _kept = _filter_form()
    course = get_course()
    lang = str(get_locale())
    names = {c.id: c.name for c in _cohorts()}
    if table in ("cohorts", "modules"):
        figures = reports.overview(
            course,
            filters,
            zone=local_zone(),
            require_discussion=completion_rules().require_discussion,
        )
        if table == "cohorts":
            header = ["kind", "group", "learners", "started", "completed", "completion_percent"]
        else:
            header = [
                "kind",
                "group",
                "module",
                "learners",
                "started",
                "completed",
                "attempted",
                "pass_rate_percent",
                "mean_best_score",
                "mean_attempts_to_pass",
                "median_hours_to_complete",
            ]
        rows = _overview_rows(figures, names, modules=table == "modules")
    elif table in ("questions", "options"):
        module = _module_or_404(request.args.get("module", ""))
        analysis = reports.question_analysis(
            module,
            filters,
            zone=local_zone(),
            minimum=current_app.config["ELEARN_REPORT_MIN_ANSWERS"],
        )
        if table == "questions":
            header = [
                "module",
                "question",
                "text",
                "first_attempts",
                "fully_correct",
                "facility_percent",
                "discrimination",
                "enough_answers",
                "flag",
                "most_chosen_wrong_option",
            ]
            rows = []
            for q in analysis.questions:
                wrong = q.most_chosen_wrong
                rows.append(
                    [
                        module.key,
                        q.question.key,
                        q.question.text(lang),
                        q.answered,
                        q.fully_correct,
                        _percent(q.facility),
                        _number(q.discrimination, 2),
                        "yes" if q.enough else "no",
                        q.flag or "",
                        q.question.option(wrong.key).text(lang).text if wrong else "",
                    ]
                )
        else:
            header = ["module", "question", "option", "text", "correct", "chosen"]
            rows = [
                [
                    module.key,
                    q.question.key,
                    o.key,
                    q.question.option(o.key).text(lang).text,
                    "yes" if o.correct else "no",
                    o.chosen,
                ]
                for q in analysis.questions
                for o in q.options
            ]
    elif table == "learners":
        people, _total = reports.learner_page(filters, page=1, per_page=0)
        progress = progress_of([p.id for p in people])
        header = [
            "id",
            "name",
            "email",
            "group",
            "modules_complete",
            "discussions_attended",
            "course_complete",
        ]
        rows = [
            [
                p.id,
                p.name,
                p.email,
                p.cohort_name,
                progress[p.id].modules_complete,
                progress[p.id].discussions_attended,
                "yes" if progress[p.id].complete else "no",
            ]
            for p in people
        ]
    elif table == "attempts":
        person = reports.learner_in_report(request.args.get("learner", 0, type=int) or 0, filters)
        if person is None:
            abort(404)
        header = [
            "module",
            "attempt",
            "submitted_at",
            "score",
            "passed",
            "question",
            "question_score",
            "chosen_options",
        ]
        rows = []
        for module_key, attempts in reports.attempts_by_module(
            reports.learner_activity(person.id).attempts
        ).items():
            for number, attempt in enumerate(attempts, start=1):
                for shown in attempt.layout:
                    key = shown["question"]
                    rows.append(
                        [
                            module_key,
                            number,
                            attempt.submitted_at.isoformat(),
                            _number(attempt.score),
                            "yes" if attempt.passed else "no",
                            key,
                            _number((attempt.question_scores or {}).get(key), 2),
                            " ".join((attempt.answers or {}).get(key, [])),
                        ]
                    )
    else:
        abort(404)
    return Response(
        excel_csv(header, rows),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f"attachment; filename=raportti-{table}.csv",
            "Cache-Control": "private, no-store",
        },
    )


@bp.app_context_processor
def _report_links() -> dict[str, Any]:
    def report_url(endpoint: str, kept: dict[str, str], **values: Any) -> str:
        return url_for(endpoint, **kept, **values)

    return {"report_url": report_url}
