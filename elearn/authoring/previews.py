"""Seeing a draft before learners do, and publishing it: the preview (with the learners' own
templates, at full or phone width), the differences against the published version, publishing
with a change note, the history of a part and restoring an earlier version."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from elearn.authoring import bp, services
from elearn.authoring.forms import DiscardForm, PublishForm, RestoreForm
from elearn.authoring.views import find_or_404, today
from elearn.content.model import LANGUAGES, Module
from elearn.contentstore.services import DraftConflict, InvalidContent, NothingToPublish
from elearn.core.errors import back_to, form_error
from elearn.core.i18n import current_language
from elearn.core.markup import template_output
from elearn.core.time import utcnow
from elearn.progress.services import ModuleProgress

KINDS = {"module_key": "modules", "page_key": "pages", "survey_key": "surveys"}
PHONE = "phone"


def part_of(keys: dict[str, Any]) -> services.PartInfo:
    """The part named by the address (``module_key``, ``page_key`` or ``survey_key``)."""
    for name, kind in KINDS.items():
        if keys.get(name):
            return find_or_404(kind, keys[name])
    abort(404)


def editor_url(info: services.PartInfo) -> str:
    """The part's main page in the editor."""
    endpoint = {"modules": ".module", "pages": ".page", "surveys": ".survey"}[info.kind]
    return url_for(endpoint, **info.url_args)


def _view_options() -> tuple[str, bool]:
    """The content language and width the preview is shown in (from the address)."""
    lang = request.args.get("lang", "")
    return (lang if lang in LANGUAGES else current_language()), request.args.get("width") == PHONE


def _unavailable(info: services.PartInfo, check: services.Check) -> Any:
    return render_template(
        "authoring/preview_unavailable.html", info=info, check=check, languages=LANGUAGES
    )


def _draft_module(info: services.PartInfo) -> tuple[Module | None, services.Check]:
    content, check = services.preview(info.part, today=today())
    if content is None:
        if check.checked:
            return None, check
        from elearn.courses.services import get_course  # nothing published: the shipped files

        return get_course().module(info.key), check
    return content.course.module(info.key), check


def _preview_context(info: services.PartInfo, module: Module | None = None) -> dict[str, Any]:
    lang, phone = _view_options()
    return {
        "info": info,
        "lang": lang,
        "phone": phone,
        "preview_module": module,
        "draft": services.draft_state(info.part),
        "languages": LANGUAGES,
    }


@bp.get("/modules/<module_key>/preview")
def preview_module(module_key: str) -> Any:
    """The module's page as a learner who has not started sees it, from the draft."""
    info = find_or_404("modules", module_key)
    found, check = _draft_module(info)
    if found is None:
        return _unavailable(info, check)
    return render_template(
        "authoring/preview_module.html",
        module=found,
        progress=ModuleProgress(module=found, read=frozenset()),
        answered=0,
        **_preview_context(info, found),
    )


@bp.get("/modules/<module_key>/preview/quiz")
def preview_quiz(module_key: str) -> Any:
    """The quiz's questions and options as learners get them (unshuffled here), and the
    right answers with their explanations."""
    info = find_or_404("modules", module_key)
    found, check = _draft_module(info)
    if found is None:
        return _unavailable(info, check)
    return render_template(
        "authoring/preview_quiz.html", module=found, **_preview_context(info, found)
    )


@bp.get("/modules/<module_key>/preview/<section_key>")
def preview_section(module_key: str, section_key: str) -> Any:
    """A section exactly as the learners' section page renders it, from the draft."""
    info = find_or_404("modules", module_key)
    found, check = _draft_module(info)
    if found is None:
        return _unavailable(info, check)
    section = found.section(section_key)
    if section is None:
        abort(404)
    context = _preview_context(info, found)
    index = found.sections.index(section)
    parts = {
        "module": found,
        "section": section,
        "previous": found.sections[index - 1] if index > 0 else None,
        "next": found.sections[index + 1] if index + 1 < len(found.sections) else None,
        "lang": context["lang"],
    }
    # Rendered afresh: the learners' shared fragments hold the published text.
    head = template_output(render_template("courses/_section_head.html", **parts))
    return render_template(
        "authoring/preview_section.html",
        head=head,
        **parts,
        **{k: v for k, v in context.items() if k != "lang"},
    )


@bp.get("/pages/<page_key>/preview")
def preview_page(page_key: str) -> Any:
    """A content page as learners see it, from the draft."""
    info = find_or_404("pages", page_key)
    content, check = services.preview(info.part, today=today())
    if content is None and check.checked:
        return _unavailable(info, check)
    if content is None:
        from elearn.courses.services import get_course

        found = get_course().page(info.key)
    else:
        found = content.course.page(info.key)
    if found is None:
        abort(404)
    return render_template("authoring/preview_page.html", page=found, **_preview_context(info))


@bp.get("/surveys/<survey_key>/preview")
def preview_survey(survey_key: str) -> Any:
    """A survey's form as learners get it, from the draft (nothing can be sent from here)."""
    info = find_or_404("surveys", survey_key)
    found, check = services.preview_survey(info.part, today=today())
    if found is None:
        return _unavailable(info, check)
    return render_template(
        "authoring/preview_survey.html",
        survey=found,
        problems={},
        values={},
        **_preview_context(info),
    )


# ---------------------------------------------------------------------------- changes


@bp.get("/modules/<module_key>/changes")
@bp.get("/pages/<page_key>/changes")
@bp.get("/surveys/<survey_key>/changes")
def changes(**keys: Any) -> Any:
    """What the draft changes against the published version, file by file."""
    info = part_of(keys)
    diff = services.diff_files(
        services.published_files(info.part), services.current_files(info.part)
    )
    return render_template(
        "authoring/changes.html",
        info=info,
        changes=diff,
        draft=services.draft_state(info.part),
        editor=editor_url(info),
    )


# ---------------------------------------------------------------------------- publishing


def _publish_page(
    info: services.PartInfo, form: PublishForm, status: int = 200, **extra: Any
) -> Any:
    diff = services.diff_files(
        services.published_files(info.part), services.current_files(info.part)
    )
    return render_template(
        "authoring/publish.html",
        info=info,
        form=form,
        changes=diff,
        check=services.check(info.part, today=today()),
        draft=services.draft_state(info.part),
        discard=DiscardForm(formdata=None),
        editor=editor_url(info),
        **extra,
    ), status


@bp.route("/modules/<module_key>/publish", methods=["GET", "POST"])
@bp.route("/pages/<page_key>/publish", methods=["GET", "POST"])
@bp.route("/surveys/<survey_key>/publish", methods=["GET", "POST"])
def publish(**keys: Any) -> Any:
    """Publish the draft with a change note: errors block it, quality problems must be
    confirmed, and learners see the new version within seconds."""
    info = part_of(keys)
    draft = services.draft_state(info.part)
    if request.method == "GET":
        form = PublishForm(data={"revision": str(draft.revision) if draft else ""})
        return _publish_page(info, form)
    form = PublishForm()
    if not form.validate_on_submit():
        return _publish_page(info, form, 422)
    try:
        version = services.publish(
            info.part,
            note=form.note.data or "",
            revision=int(form.revision.data or 0),
            confirmed=bool(form.confirm.data),
            actor_id=current_user.id,
            now=utcnow(),
            today=today(),
        )
    except NothingToPublish:
        flash(
            _("There is nothing to publish: the draft is the same as the published version."),
            "info",
        )
        return redirect(editor_url(info))
    except DraftConflict as conflict:
        form.revision.data = str(conflict.draft.revision)
        form_error(
            form.note,
            _(
                "The draft was changed after you opened this page. Check the changes below "
                "and publish again."
            ),
        )
        return _publish_page(info, form, 409)
    except InvalidContent:
        form_error(form.note, _("The draft has errors; fix them before publishing."))
        return _publish_page(info, form, 422)
    except services.QualityNotConfirmed as refused:
        form_error(form.confirm, refused)
        return _publish_page(info, form, 422)
    flash(
        _(
            "Published as version %(number)s. Learners see it within a few seconds.",
            number=version.number,
        ),
        "success",
    )
    return redirect(url_for(".history", **info.url_args))


@bp.post("/modules/<module_key>/discard")
@bp.post("/pages/<page_key>/discard")
@bp.post("/surveys/<survey_key>/discard")
def discard(**keys: Any) -> Any:
    """Throw the draft away; what is published stays."""
    info = part_of(keys)
    if DiscardForm().validate_on_submit():
        services.discard(info.part)
        flash(_("The draft was thrown away. The published version is unchanged."), "success")
    return redirect(editor_url(info))


# ---------------------------------------------------------------------------- history


@bp.get("/modules/<module_key>/history")
@bp.get("/pages/<page_key>/history")
@bp.get("/surveys/<survey_key>/history")
def history(**keys: Any) -> Any:
    """The published versions of the part: who, when and why; each can be restored."""
    info = part_of(keys)
    return render_template(
        "authoring/history.html",
        info=info,
        versions=services.history(info.part),
        draft=services.draft_state(info.part),
        restore=RestoreForm(formdata=None),
        editor=editor_url(info),
    )


@bp.get("/modules/<module_key>/history/<int:number>")
@bp.get("/pages/<page_key>/history/<int:number>")
@bp.get("/surveys/<survey_key>/history/<int:number>")
def version(number: int, **keys: Any) -> Any:
    """What one version changed in the part."""
    info = part_of(keys)
    files = services.version_files(info.part, number)
    if files is None:
        abort(404)
    found = next((v for v in services.history(info.part) if v.number == number), None)
    return render_template(
        "authoring/version.html",
        info=info,
        number=number,
        found=found,
        changes=services.diff_files(services.previous_files(info.part, number), files),
        restore=RestoreForm(formdata=None),
        editor=editor_url(info),
    )


@bp.post("/modules/<module_key>/history/<int:number>/restore")
@bp.post("/pages/<page_key>/history/<int:number>/restore")
@bp.post("/surveys/<survey_key>/history/<int:number>/restore")
def restore(number: int, **keys: Any) -> Any:
    """Bring an earlier version back as a new draft (it replaces the current draft)."""
    info = part_of(keys)
    back_to(url_for(".history", **info.url_args))
    if RestoreForm().validate_on_submit():
        services.restore(info.part, number, actor_id=current_user.id, now=utcnow())
        flash(
            _(
                "Version %(number)s is now the draft. Check it, then publish it to bring it back.",
                number=number,
            ),
            "success",
        )
    return redirect(editor_url(info))
