"""Data rights pages: a person's own data and deletion request; admins' anonymise, delete,
deletion requests and the audit log."""

from __future__ import annotations

import json
from typing import Any

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from elearn.accounts import services as accounts
from elearn.accounts.models import Role
from elearn.audit import services as audit_log
from elearn.audit.services import AuditAction
from elearn.auth.access import role_required
from elearn.core.errors import back_to
from elearn.core.lifecycle import writes
from elearn.core.time import utcnow
from elearn.privacy import bp
from elearn.privacy import services as privacy
from elearn.privacy.forms import AnonymiseForm, AuditFilterForm, DeleteForm, DeletionRequestForm

AUDIT_PAGE_SIZE = 50


@bp.get("/")
@login_required
def mine() -> Any:
    """What is stored about me: download it, or ask for it to be deleted."""
    return render_template("privacy/mine.html", pending=privacy.pending_request(current_user.id))


@bp.get("/export.json")
@login_required
@writes
def export() -> Any:
    """All my data as a JSON file (the download is recorded in the audit log)."""
    now = utcnow()
    data = privacy.export_data(current_user._get_current_object(), now=now)
    return Response(
        json.dumps(data, ensure_ascii=False, indent=2),
        mimetype="application/json",
        headers={
            "Content-Disposition": f"attachment; filename=elearn-data-{now:%Y%m%d}.json",
            "Cache-Control": "private, no-store",
        },
    )


@bp.route("/deletion", methods=["GET", "POST"])
@login_required
def deletion() -> Any:
    """Ask for my data to be deleted: the explanation, then a confirmation."""
    form = DeletionRequestForm()
    if form.validate_on_submit():
        privacy.request_deletion(current_user._get_current_object(), now=utcnow())
        flash(
            _("Your request has been recorded. An administrator will handle it and tell you."),
            "success",
        )
        return redirect(url_for("privacy.mine"))
    return render_template(
        "privacy/deletion.html", form=form, pending=privacy.pending_request(current_user.id)
    )


# ------------------------------------------------------------------ administrators


@bp.get("/admin")
@role_required(Role.ADMIN)
def requests() -> Any:
    """Deletion requests waiting for an administrator."""
    return render_template("privacy/requests.html", pending=privacy.pending_requests())


def _person_or_404(user_id: int) -> Any:
    user = accounts.get_user(user_id)
    if user is None:
        abort(404)
    return user


@bp.get("/admin/people/<int:user_id>")
@role_required(Role.ADMIN)
def person(user_id: int) -> Any:
    """Anonymise or delete one person: what each does, and a confirmation for each."""
    user = _person_or_404(user_id)
    return render_template(
        "privacy/person.html",
        user=user,
        pending=privacy.pending_request(user.id),
        anonymise_form=AnonymiseForm(prefix="anon"),
        delete_form=DeleteForm(prefix="del"),
    )


@bp.post("/admin/people/<int:user_id>/anonymise")
@role_required(Role.ADMIN)
def anonymise(user_id: int) -> Any:
    """Remove what identifies the person; keep the anonymous numbers."""
    user = _person_or_404(user_id)
    form = AnonymiseForm(prefix="anon")
    if not form.validate_on_submit():
        flash(_("Tick the box to confirm."), "error")
        return redirect(url_for("privacy.person", user_id=user.id))
    back_to(url_for("privacy.person", user_id=user.id))
    privacy.anonymise(user, actor_id=current_user.id, now=utcnow())
    flash(_("The person has been anonymised."), "success")
    return redirect(url_for("privacy.person", user_id=user_id))


@bp.post("/admin/people/<int:user_id>/delete")
@role_required(Role.ADMIN)
def delete(user_id: int) -> Any:
    """Remove the person and their data."""
    user = _person_or_404(user_id)
    form = DeleteForm(prefix="del")
    if not form.validate_on_submit():
        flash(_("Tick the box to confirm."), "error")
        return redirect(url_for("privacy.person", user_id=user.id))
    back_to(url_for("privacy.person", user_id=user.id))
    privacy.delete_person(user, actor_id=current_user.id, now=utcnow())
    flash(_("The person and their data have been deleted."), "success")
    return redirect(url_for("privacy.requests"))


@bp.get("/admin/audit")
@role_required(Role.ADMIN)
def audit() -> Any:
    """The audit log, newest first, optionally for one person."""
    form = AuditFilterForm(request.args)
    person_id = form.person.data if form.validate() else None
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    found = audit_log.audit_page(page=page, per_page=AUDIT_PAGE_SIZE, person_id=person_id)
    return render_template(
        "privacy/audit.html",
        form=form,
        events=found.items,
        page=found.page,
        pages=max(found.pages, 1),
        total=found.total,
        person_id=person_id,
        action_labels=ACTION_LABELS,
    )


ACTION_LABELS = {
    AuditAction.MEMO_VIEWED.value: _l("Opened a discussion preparation and memo"),
    AuditAction.JOURNAL_VIEWED.value: _l("Opened a shared journal entry"),
    AuditAction.ROLES_CHANGED.value: _l("Changed roles"),
    AuditAction.DEACTIVATED.value: _l("Deactivated the account"),
    AuditAction.REACTIVATED.value: _l("Reactivated the account"),
    AuditAction.DATA_EXPORTED.value: _l("Downloaded their data"),
    AuditAction.DELETION_REQUESTED.value: _l("Asked for deletion"),
    AuditAction.ANONYMISED.value: _l("Anonymised"),
    AuditAction.DELETED.value: _l("Deleted"),
    AuditAction.PUBLISHED.value: _l("Published a content version"),
    AuditAction.RESTORED.value: _l("Restored a content version as a draft"),
}
