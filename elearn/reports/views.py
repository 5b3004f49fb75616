"""Report pages for trainers and admins, and the learner pages supervisors may see."""

from __future__ import annotations

import io
from typing import Any

from flask import abort, current_app, g, render_template, request, send_file, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.datastructures import MultiDict

from elearn.accounts import services as accounts
from elearn.accounts.labels import EMPLOYMENT_MODEL_LABELS
from elearn.accounts.models import EmploymentModel, Role
from elearn.auth.access import role_required
from elearn.core.forms import choice_list
from elearn.core.time import local_zone, utcnow
from elearn.courses.services import cohort_progress, completion_rules, get_course, learner_progress
from elearn.reports import bp, exports
from elearn.reports.cache import FigureCache
from elearn.reports.forms import FilterForm
from elearn.reports.learners import learner_activity, learner_in_report, learner_page
from elearn.reports.overview import overview as overview_figures
from elearn.reports.questions import question_analysis
from elearn.reports.scope import Filters

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


def _filter_form() -> tuple[FilterForm, Filters, dict[str, str]]:
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
    filters = Filters(
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
        lambda: overview_figures(
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


def _analysis(module: Any, filters: Filters) -> tuple[Any, Any]:
    minimum = current_app.config["ELEARN_REPORT_MIN_ANSWERS"]
    return _cached(
        ("questions", get_course().version, module.key, filters, minimum),
        lambda: question_analysis(module, filters, zone=local_zone(), minimum=minimum),
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
    listing = learner_page(filters, page=page, per_page=PER_PAGE)
    if not listing.rows and page > 1:
        abort(404)  # past the last page
    return render_template(
        "reports/learners.html",
        **_common(
            form=form,
            kept=kept,
            rows=listing.rows,
            pagination=listing.pagination,
            progress=cohort_progress([r.id for r in listing.rows]),
            staff=_is_staff(),
        ),
    )


@bp.get("/learners/<int:user_id>")
@login_required
def learner(user_id: int) -> Any:
    """One learner: progress for supervisors; attempts, discussions and surveys for trainers."""
    if not current_user.has_role(*STAFF, Role.SUPERVISOR):
        abort(404)  # a page about one person: the same answer as for an unknown id
    filters = Filters(supervisor_id=None if _is_staff() else current_user.id)
    person = learner_in_report(user_id, filters)
    if person is None:
        abort(404)
    activity = learner_activity(person.id) if _is_staff() else None
    return render_template(
        "reports/learner.html",
        **_common(
            person=person,
            progress=learner_progress(person.id),
            activity=activity,
            attempts=activity.attempts_by_module if activity else {},
            surveys=current_app.extensions["elearn.surveys"],
        ),
    )


# ------------------------------------------------------------------ CSV


@bp.get("/export/<table>.csv")
@login_required
def export(table: str) -> Any:
    """A registered table (``reports/exports.py``) as CSV for Excel, in the reader's language."""
    entry = exports.TABLES.get(table)
    if entry is None:
        abort(404)
    if not (_is_staff() or (entry.supervisors and current_user.has_role(Role.SUPERVISOR))):
        abort(403)
    _form, filters, _kept = _filter_form()
    wanted = exports.ExportRequest(
        filters=filters,
        course=get_course(),
        language=str(get_locale()),
        zone=local_zone(),
        require_discussion=completion_rules().require_discussion,
        min_answers=current_app.config["ELEARN_REPORT_MIN_ANSWERS"],
        cohort_names={c.id: c.name for c in _cohorts()},
        module=_module_or_404(request.args.get("module", "")) if entry.needs == "module" else None,
        learner=_learner_or_404(filters) if entry.needs == "learner" else None,
    )
    response = send_file(
        io.BytesIO(exports.write(entry, wanted)),
        mimetype="text/csv",
        as_attachment=True,
        download_name=exports.download_name(entry, wanted),
        etag=False,
        conditional=False,
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _learner_or_404(filters: Filters) -> Any:
    person = learner_in_report(request.args.get("learner", 0, type=int) or 0, filters)
    if person is None:
        abort(404)
    return person


@bp.app_context_processor
def _report_links() -> dict[str, Any]:
    def report_url(endpoint: str, kept: dict[str, Any], **values: Any) -> str:
        return url_for(endpoint, **{**kept, **values})

    return {"report_url": report_url}
