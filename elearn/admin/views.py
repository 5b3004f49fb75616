"""Administration views: invitations (admins and trainers), people (admins), cohorts."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from elearn.accounts import services as accounts
from elearn.accounts.labels import EMPLOYMENT_MODEL_LABELS, ROLE_LABELS
from elearn.accounts.models import EmploymentModel, Role
from elearn.admin import bp
from elearn.admin.forms import CohortForm, InviteForm, UserActionForm, UserRolesForm, UserSearchForm
from elearn.auth.access import role_required
from elearn.core.errors import back_to, form_error
from elearn.core.forms import choice_list
from elearn.core.i18n import current_language
from elearn.core.time import utcnow
from elearn.core.urls import id_value
from elearn.courses import services as courses
from elearn.outbox import services as outbox

# Trainers invite learners and supervisors; only admins hand out trainer and admin roles.
TRAINER_MAY_INVITE = (Role.ASSISTANT, Role.SUPERVISOR)


def _invitation_lifetime() -> timedelta:
    return timedelta(days=current_app.config["ELEARN_INVITATION_DAYS"])


def _cohort_choices(*, empty: bool) -> list[SelectChoice]:
    pairs = [(c.id, c.name) for c in accounts.list_cohorts()]
    return choice_list(([(0, _("No group"))] + pairs) if empty else pairs)


def _queue_invitation(issued: accounts.IssuedToken) -> None:
    accounts.queue_invitation(issued, inviter_name=current_user.display_name, now=utcnow())
    flash(
        _(
            "The invitation to %(email)s is saved and will be e-mailed in a moment. If the "
            "message does not arrive, the administrator sees it under E-mail.",
            email=issued.token.user.email,
        ),
        "success",
    )


@bp.route("/invite", methods=["GET", "POST"])
@role_required(Role.ADMIN, Role.TRAINER)
def invite() -> Any:
    """Invite a person by e-mail into a group with a role."""
    allowed = list(Role) if current_user.has_role(Role.ADMIN) else list(TRAINER_MAY_INVITE)
    form = InviteForm()
    form.role.choices = choice_list([(r.value, ROLE_LABELS[r]) for r in allowed])
    form.cohort.choices = _cohort_choices(empty=True)
    if request.method == "GET":
        form.role.data = Role.ASSISTANT.value
        cohort_arg = request.args.get("cohort", type=id_value)
        if cohort_arg:
            form.cohort.data = cohort_arg
    if form.validate_on_submit():
        role = Role(form.role.data)
        cohort = accounts.get_cohort(form.cohort.data) if form.cohort.data else None
        try:
            issued = accounts.invite_user(
                form.email.data,
                role,
                cohort=cohort,
                invited_by=current_user,
                now=utcnow(),
                lifetime=_invitation_lifetime(),
                name=form.name.data or "",
                language=form.language.data,
            )
        except accounts.EmailTaken as exc:
            form_error(form.email, exc)
        except accounts.CohortRequired as exc:
            form_error(form.cohort, exc)
        else:
            _queue_invitation(issued)
            return redirect(url_for("admin.invite"))
    return render_template("admin/invite.html", form=form)


@bp.get("/users")
@role_required(Role.ADMIN)
def users() -> Any:
    """List and search people."""
    form = UserSearchForm(request.args)
    form.role.choices = choice_list(
        [("", _("All roles"))] + [(r.value, ROLE_LABELS[r]) for r in Role]
    )
    role = Role(form.role.data) if form.validate() and form.role.data else None
    people = accounts.search_users(form.q.data or "", role=role)
    return render_template("admin/users.html", form=form, people=people)


def _user_or_404(user_id: int) -> Any:
    user = accounts.get_user(user_id)
    if user is None:
        abort(404)
    return user


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def user_detail(user_id: int) -> Any:
    """One person: roles, group, supervised groups."""
    user = _user_or_404(user_id)
    form = UserRolesForm()
    form.roles.choices = choice_list([(r.value, ROLE_LABELS[r]) for r in Role])
    form.cohort.choices = _cohort_choices(empty=True)
    form.supervised.choices = _cohort_choices(empty=False)
    if request.method == "GET":
        form.roles.data = sorted(r.value for r in user.roles)
        form.cohort.data = user.cohort_id or 0
        form.supervised.data = [c.id for c in user.supervised_cohorts]
    if form.validate_on_submit():
        cohort = accounts.get_cohort(form.cohort.data) if form.cohort.data else None
        chosen = set(form.supervised.data or [])
        try:
            accounts.set_roles(
                user,
                {Role(r) for r in form.roles.data},
                cohort=cohort,
                supervised=[c for c in accounts.list_cohorts() if c.id in chosen],
                actor=current_user,
                now=utcnow(),
            )
        except accounts.CohortRequired as exc:
            form_error(form.cohort, exc)
        except accounts.LastAdmin as exc:
            form_error(form.roles, exc)
        else:
            flash(_("The roles have been saved."), "success")
            return redirect(url_for("admin.user_detail", user_id=user.id))
    return render_template("admin/user_detail.html", user=user, form=form, action=UserActionForm())


@bp.post("/users/<int:user_id>/active")
@role_required(Role.ADMIN)
def user_active(user_id: int) -> Any:
    """Deactivate or reactivate a person."""
    user = _user_or_404(user_id)
    back_to(url_for("admin.user_detail", user_id=user.id))
    if UserActionForm().validate_on_submit():
        active = request.form.get("active") == "1"
        accounts.set_active(user, active, actor=current_user, now=utcnow())
        flash(
            _("The account is active again.") if active else _("The account was deactivated."),
            "success",
        )
    return redirect(url_for("admin.user_detail", user_id=user.id))


@bp.post("/users/<int:user_id>/resend")
@role_required(Role.ADMIN)
def user_resend(user_id: int) -> Any:
    """Send a new invitation link; older links stop working."""
    user = _user_or_404(user_id)
    back_to(url_for("admin.user_detail", user_id=user.id))
    if UserActionForm().validate_on_submit():
        issued = accounts.resend_invitation(
            user, invited_by=current_user, now=utcnow(), lifetime=_invitation_lifetime()
        )
        _queue_invitation(issued)
    return redirect(url_for("admin.user_detail", user_id=user.id))


@bp.get("/cohorts")
@role_required(Role.ADMIN, Role.TRAINER)
def cohorts() -> Any:
    """All groups with their employment model, dates and size."""
    return render_template(
        "admin/cohorts.html", cohorts=accounts.list_cohorts(), counts=accounts.learner_counts()
    )


@bp.route("/cohorts/new", methods=["GET", "POST"], defaults={"cohort_id": None})
@bp.route("/cohorts/<int:cohort_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN, Role.TRAINER)
def cohort_edit(cohort_id: int | None) -> Any:
    """Create or edit a group."""
    cohort = None
    if cohort_id is not None:
        cohort = accounts.get_cohort(cohort_id)
        if cohort is None:
            abort(404)
    supervisors = accounts.users_with_role(Role.SUPERVISOR)
    form = CohortForm(obj=cohort if request.method == "GET" else None)
    form.employment_model.choices = choice_list(
        [(m.value, EMPLOYMENT_MODEL_LABELS[m]) for m in EmploymentModel]
    )
    form.supervisors.choices = choice_list([(u.id, u.display_name) for u in supervisors])
    if request.method == "GET" and cohort is not None:
        form.supervisors.data = [u.id for u in cohort.supervisors]
    if form.validate_on_submit():
        chosen = set(form.supervisors.data or [])
        try:
            saved = accounts.save_cohort(
                cohort,
                name=form.name.data,
                employment_model=EmploymentModel(form.employment_model.data),
                starts_on=form.starts_on.data,
                ends_on=form.ends_on.data,
                supervisors=[u for u in supervisors if u.id in chosen],
            )
        except accounts.CohortNameTaken as exc:
            form_error(form.name, exc)
        except accounts.CohortDates as exc:
            form_error(form.ends_on, exc)
        else:
            flash(_("The group has been saved."), "success")
            return redirect(url_for("admin.cohort_edit", cohort_id=saved.id))
    learners = accounts.search_users(cohort_id=cohort.id) if cohort else []
    return render_template("admin/cohort_edit.html", form=form, cohort=cohort, learners=learners)


@bp.get("/cohorts/<int:cohort_id>/progress")
@role_required(Role.ADMIN, Role.TRAINER)
def cohort_progress(cohort_id: int) -> Any:
    """Every learner of a group with each module's status, from the one progress function."""
    cohort = accounts.get_cohort(cohort_id)
    if cohort is None:
        abort(404)
    learners = accounts.search_users(cohort_id=cohort.id, role=Role.ASSISTANT, limit=5000)
    return render_template(
        "admin/cohort_progress.html",
        cohort=cohort,
        learners=learners,
        progress=courses.cohort_progress([u.id for u in learners]),
        modules=courses.get_course().modules,
        lang=current_language(),
    )


@bp.get("/mail")
@role_required(Role.ADMIN)
def mail() -> Any:
    """Mail not delivered yet: what waits, what is retried and what was given up, and why."""
    now = utcnow()
    return render_template(
        "admin/mail.html",
        stats=outbox.stats(now=now),
        messages=outbox.undelivered(),
        action=UserActionForm(),
        now=now,
    )


@bp.post("/mail/<int:message_id>/retry")
@role_required(Role.ADMIN)
def mail_retry(message_id: int) -> Any:
    """Try a waiting or given-up message again now."""
    if UserActionForm().validate_on_submit():
        if outbox.retry(message_id, now=utcnow()):
            flash(_("The message will be sent again in a moment."), "success")
        else:
            flash(_("This message has been sent already."), "info")
    return redirect(url_for("admin.mail"))
