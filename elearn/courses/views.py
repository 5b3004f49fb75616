"""Course pages. Every signed-in person may read the content; progress is the learner's own."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, send_from_directory, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from elearn.content.model import Module, Section
from elearn.core.fragments import shared_fragment
from elearn.core.i18n import current_language
from elearn.core.time import utcnow
from elearn.courses import bp
from elearn.courses.services import content_version, find, get_course, learner_progress
from elearn.journal import services as journal
from elearn.progress.services import mark_section_read, section_is_read


def _language() -> str:
    return current_language()


def _module_or_404(module_key: str) -> Module:
    found, _section = find(module_key)
    if found is None:
        abort(404)
    return found


def _section_or_404(module_key: str, section_key: str) -> tuple[Module, Section]:
    found, sec = find(module_key, section_key)
    if found is None or sec is None:
        abort(404)
    return found, sec


@bp.get("/")
@login_required
def overview() -> Any:
    """The six modules with progress, estimated time and what to do next."""
    course = get_course()
    progress = learner_progress(current_user.id)
    lang = _language()
    heads = {
        m.key: shared_fragment("courses/_card_head.html", m.key, module=m, lang=lang)
        for m in course.modules
    }
    return render_template(
        "courses/overview.html", course=course, progress=progress, card_heads=heads, lang=lang
    )


@bp.get("/glossary")
@login_required
def glossary() -> Any:
    """Every term of the course, in alphabetical order of the reader's language."""
    lang = _language()
    terms = []
    for term in get_course().glossary:
        text, fell_back = term.text(lang)
        terms.append((term, text, fell_back))
    terms.sort(key=lambda t: t[1].term.casefold())
    return render_template("courses/glossary.html", terms=terms, lang=lang)


@bp.get("/pages/<page_key>")
@login_required
def page(page_key: str) -> Any:
    """A content page outside the modules, such as whom to contact for help."""
    found = get_course().page(page_key)
    if found is None:
        abort(404)
    return render_template("courses/page.html", page=found, lang=_language())


@bp.get("/<module_key>")
@login_required
def module(module_key: str) -> Any:
    """A module: objectives, sections, a link to its reflection questions, quiz and sources."""
    found = _module_or_404(module_key)
    progress = learner_progress(current_user.id).for_module(found.key)
    return render_template(
        "courses/module.html",
        module=found,
        progress=progress,
        answered=journal.answered(current_user.id, found.key),
        lang=_language(),
    )


@bp.get("/<module_key>/print")
@login_required
def print_module(module_key: str) -> Any:
    """The whole module on one page, for printing or reading offline."""
    found = _module_or_404(module_key)
    return render_template("courses/print.html", module=found, lang=_language())


@bp.get("/<module_key>/media/<path:filename>")
@login_required
def media(module_key: str, filename: str) -> Any:
    """A video or captions file the module's content names; nothing else in the folder."""
    found = _module_or_404(module_key)
    if filename not in found.media:
        abort(404)
    return send_from_directory(found.path, filename, max_age=86400, conditional=True)


@bp.get("/<module_key>/<section_key>")
@login_required
def section(module_key: str, section_key: str) -> Any:
    """One section with previous/next navigation and the "mark as read" button."""
    found, sec = _section_or_404(module_key, section_key)
    index = found.sections.index(sec)
    lang = _language()
    parts = {
        "module": found,
        "section": sec,
        "previous": found.sections[index - 1] if index > 0 else None,
        "next": found.sections[index + 1] if index + 1 < len(found.sections) else None,
        "lang": lang,
    }
    return render_template(
        "courses/section.html",
        head=shared_fragment("courses/_section_head.html", found.key, sec.key, **parts),
        pager=shared_fragment("courses/_section_pager.html", found.key, sec.key, **parts),
        is_read=section_is_read(current_user.id, found.key, sec.key),
        **parts,
    )


@bp.post("/<module_key>/<section_key>/read")
@login_required
def mark_read(module_key: str, section_key: str) -> Any:
    """Mark a section read and go on to the next one (or back to the module)."""
    found, sec = _section_or_404(module_key, section_key)
    if FlaskForm().validate_on_submit():
        mark_section_read(
            current_user.id, found, sec, now=utcnow(), content_version=content_version()
        )
        flash(_("Marked as read."), "success")
    index = found.sections.index(sec)
    if index + 1 < len(found.sections):
        return redirect(
            url_for(
                "courses.section", module_key=found.key, section_key=found.sections[index + 1].key
            )
        )
    return redirect(url_for("courses.module", module_key=found.key))
