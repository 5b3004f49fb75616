"""Report pages for trainers and admins, and the learner pages supervisors may see."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

from flask import abort, current_app, g, render_template, request, send_file, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.datastructures import MultiDict

from elearn.accounts import services as accounts
from elearn.accounts.labels import EMPLOYMENT_MODEL_LABELS
from elearn.accounts.models import EmploymentModel, Role
from elearn.auth.access import role_required
from elearn.core.forms import choice_list
from elearn.core.time import local_zone, to_local, utcnow
from elearn.courses.services import (
    cohort_progress,
    completion_rules,
    get_course,
    get_surveys,
    learner_progress,
)
from elearn.feedback.services import minimum_responses
from elearn.reports import bp, exports
from elearn.reports.cache import FigureCache
from elearn.reports.dashboard import (
    RECENT_DAYS,
    STATUSES,
    UPCOMING_DAYS,
    Status,
    content_review,
    dashboard_figures,
    supervisor_view,
    upcoming_discussions,
)
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
    form.status.choices = choice_list([("", _("All"))] + list(status_labels().items()))
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


def status_labels() -> dict[str, str]:
    """The learner statuses in words (the learners list's filter and the dashboard)."""
    days = current_app.config["ELEARN_STUCK_DAYS"]
    return {
        "not_started": _("Not started yet"),
        "started": _("Started the course"),
        "stuck": ngettext(
            "Stuck: no activity for %(num)s day", "Stuck: no activity for %(num)s days", days
        ),
        "completed": _("Completed the course"),
    }


def _status(form: FilterForm) -> Status | None:
    """The learners list's status filter, if one is chosen (and valid)."""
    name = form.status.data
    if not name or form.status.errors or name not in STATUSES:
        return None
    return Status(
        name=name,
        course=get_course(),
        rules=completion_rules(),
        cutoff=utcnow() - timedelta(days=current_app.config["ELEARN_STUCK_DAYS"]),
    )


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
    status = _status(form)
    if status is not None:
        kept = {**kept, "status": status.name}
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    listing = learner_page(filters, page=page, per_page=PER_PAGE, status=status)
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
            status=status.name if status else "",
            status_labels=status_labels(),
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
            surveys=get_surveys(),
        ),
    )


# ------------------------------------------------------------------ dashboards


@bp.get("/dashboard")
@role_required(*STAFF)
def dashboard() -> Any:
    """The trainer's landing page: per group who has started, is stuck or has completed;
    discussions coming up; questions flagged too hard; surveys with new answers; content
    due for review. Every figure links to the page with the details."""
    course, rules = get_course(), completion_rules()
    now = utcnow()
    today = to_local(now).date()
    config = current_app.config
    stuck_days = config["ELEARN_STUCK_DAYS"]
    min_answers = config["ELEARN_REPORT_MIN_ANSWERS"]
    min_responses = minimum_responses(config["ELEARN_FEEDBACK_MIN_RESPONSES"])
    surveys = get_surveys()
    figures, computed_at = _cached(
        ("dashboard", course.version, rules.require_discussion, stuck_days, min_answers,
         min_responses),
        lambda: dashboard_figures(
            course, surveys, rules=rules, now=now, today=today, stuck_days=stuck_days,
            min_answers=min_answers, min_responses=min_responses,
        ),
    )  # fmt: skip
    review = [item for item in content_review(course) if item.needs_attention(today)]
    names = {c.id: c.name for c in _cohorts()}
    return render_template(
        "reports/dashboard.html",
        **_common(
            kept={},
            figures=figures,
            computed_at=computed_at,
            groups=sorted(
                figures.groups,
                key=lambda g: (g.cohort_id == 0, names.get(g.cohort_id, "").casefold()),
            ),
            upcoming_days=UPCOMING_DAYS,
            recent_days=RECENT_DAYS,
            review=review,
            today=today,
            stuck_days=stuck_days,
            min_responses=min_responses,
            status_labels=status_labels(),
            supervises=current_user.has_role(Role.SUPERVISOR),
        ),
    )


@bp.get("/discussions")
@role_required(*STAFF)
def discussions() -> Any:
    """Discussion times in the coming days (14 by default) with their booked places."""
    days = min(max(request.args.get("days", 14, type=int) or 14, 1), 90)
    upcoming = upcoming_discussions(now=utcnow(), days=days)
    return render_template(
        "reports/discussions.html", **_common(kept={}, upcoming=upcoming, days=days)
    )


@bp.get("/content")
@role_required(*STAFF)
def content() -> Any:
    """When each module and page was reviewed and is next due, with its sources' dates."""
    today = to_local(utcnow()).date()
    items = content_review(get_course())
    due_only = request.args.get("due") == "1"
    return render_template(
        "reports/content.html",
        **_common(
            kept={},
            items=[i for i in items if i.needs_attention(today)] if due_only else items,
            due_count=sum(1 for i in items if i.needs_attention(today)),
            due_only=due_only,
            today=today,
        ),
    )


@bp.get("/supervision")
@role_required(Role.SUPERVISOR)
def supervision() -> Any:
    """A supervisor's short dashboard: their discussions in the coming two weeks and the
    discussions that still need a memo."""
    view = supervisor_view(current_user.id, now=utcnow())
    return render_template(
        "reports/supervision.html",
        **_common(kept={}, view=view, staff=_is_staff(), upcoming_days=UPCOMING_DAYS),
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
    form, filters, _kept = _filter_form()
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
        status=_status(form),
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
