"""The editor's pages: the list of modules, pages and surveys, and the forms that edit them.

Every form shows what the part's draft holds (or the published version when there is no
draft) and saves into the draft; the content check's findings are shown next to the fields
they concern. Buttons that add, move or remove a row of a form (a source, an option, a term)
change the form only; "Save the draft" saves it. Nothing here needs JavaScript.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from elearn.authoring import bp, services
from elearn.authoring import documents as docs
from elearn.authoring.forms import (
    ActionForm,
    AddQuestionForm,
    AddSectionForm,
    EditForm,
    GlossaryForm,
    ModuleTextsForm,
    PageForm,
    QuestionForm,
    QuizSettingsForm,
    SectionForm,
    survey_form,
)
from elearn.content.checks import add_months
from elearn.content.loader import GLOSSARY_URL, INTERNAL_LINK, RESERVED_SECTION_KEYS, URL_PREFIX
from elearn.content.model import LANGUAGES, Module, Page
from elearn.core.errors import back_to, form_error
from elearn.core.markup import render_markdown
from elearn.core.time import to_local, utcnow
from elearn.courses.services import get_course

ROW_ACTION = re.compile(r"^(sources|options|terms)-(?:(\d+)-)?(add|up|down|remove)$")
VIDEO_BLOCK = re.compile(r"^```\s*video\s*$.*?^```\s*$", re.MULTILINE | re.DOTALL)


def today() -> date:
    """Today in the service's time zone (what "in the future" and "due" count from)."""
    return to_local(utcnow()).date()


def find_or_404(kind: str, key: str) -> services.PartInfo:
    found = services.find_part(kind, key)
    if found is None:
        abort(404)
    return found


def prepare(form: EditForm, files: Any, scope: docs.Scope, part: str) -> None:
    """Put the fingerprint of what the form shows, and the draft's revision, into it."""
    form.base.data = services.digest(files, scope)
    draft = services.draft_state(part)
    form.revision.data = str(draft.revision) if draft is not None else "0"


def save_changes(
    form: EditForm, info: services.PartInfo, changes: docs.Changes, scope: docs.Scope
) -> dict[str, Any] | None:
    """Save into the draft; None when saved, else what the page shows about the conflict
    (the form keeps the trainer's text and now carries the other trainer's fingerprint, so
    saving again is a deliberate choice)."""
    if not changes[0] and not changes[1]:
        flash(_("Nothing to save: the texts are as they were."), "info")
        return None
    try:
        services.save(
            info.part,
            changes,
            scope=scope,
            seen=form.base.data or "",
            actor_id=current_user.id,
            now=utcnow(),
        )
    except services.EditConflict as conflict:
        texts, removed = changes
        theirs = conflict.theirs
        mine = {p: b for p, b in theirs.items() if p not in removed}
        mine.update({p: t.encode("utf-8") for p, t in texts.items()})
        form.base.data = services.digest(theirs, scope)
        form.revision.data = str(conflict.draft.revision) if conflict.draft is not None else "0"
        g.elearn_rollback = True  # nothing of this request is kept
        return {"conflict": conflict, "conflict_diff": services.diff_files(theirs, mine)}
    flash(_("Saved in the draft. Learners see it when the draft is published."), "success")
    return None


def save_action(
    form: Any, info: services.PartInfo, changes: docs.Changes, scope: docs.Scope
) -> None:
    """Save a one-button change (move, remove) into the draft. Another trainer's change
    since the page was opened is refused (``services.EditConflict``, shown on the page)."""
    services.save(
        info.part, changes, scope=scope, seen=form.base.data or "",
        actor_id=current_user.id, now=utcnow(),
    )  # fmt: skip


def row_action(form: EditForm, blank: dict[str, Any]) -> tuple[dict[str, Any], str] | None:
    """Apply an add / move / remove row button to the form's data (nothing is saved).

    Returns:
        The new form data and the id of the row to put the focus on, or None when the
        request was not a row button.
    """
    match = ROW_ACTION.match(request.form.get("row", ""))
    if not match:
        return None
    name, index, op = match.group(1), match.group(2), match.group(3)
    data = dict(form.data)
    data.pop("csrf_token", None)
    rows = list(data.get(name) or [])
    focus = 0
    if op == "add":
        rows.append(dict(blank))
        focus = len(rows) - 1
    else:
        i = int(index or 0)
        if i < len(rows):
            focus = i
            if op == "remove":
                del rows[i]
                focus = max(0, min(i, len(rows) - 1))
            elif op == "up" and i > 0:
                rows[i - 1], rows[i] = rows[i], rows[i - 1]
                focus = i - 1
            elif op == "down" and i + 1 < len(rows):
                rows[i + 1], rows[i] = rows[i], rows[i + 1]
                focus = i + 1
    data[name] = rows
    return data, f"{name}-{focus}" if rows else name


def rows_changed_note() -> None:
    flash(_("The form changed; press “Save the draft” to keep it."), "info")


def part_context(info: services.PartInfo, check: services.Check | None = None) -> dict[str, Any]:
    """What every page of a part shows: the part, its draft and the checks."""
    return {
        "info": info,
        "draft": services.draft_state(info.part),
        "check": check if check is not None else services.check(info.part, today=today()),
        "languages": LANGUAGES,
    }


# ---------------------------------------------------------------------------- the list


def review_due(reviewed: date | None, months: int) -> date | None:
    return add_months(reviewed, months) if reviewed else None


@bp.get("/")
def index() -> Any:
    """Every module, page and survey: its published version, its draft and its review dates."""
    course = get_course()
    reviews: dict[str, dict[str, Any]] = {}
    things: list[Module | Page] = [*course.modules, *course.pages]
    for thing in things:
        checked = [s.checked for s in thing.sources if s.checked]
        reviews[thing.key] = {
            "reviewed": thing.reviewed,
            "due": review_due(thing.reviewed, thing.review_months),
            "sources": len(thing.sources),
            "unchecked": len([s for s in thing.sources if not s.checked]),
            "oldest_checked": min(checked) if checked else None,
            "sources_due": review_due(min(checked), thing.review_months) if checked else None,
        }
    return render_template(
        "authoring/index.html",
        statuses=services.statuses(),
        reviews=reviews,
        today=today(),
        published=services.published_manifest() is not None,
    )


# ---------------------------------------------------------------------------- a module


@bp.get("/modules/<module_key>")
def module(module_key: str) -> Any:
    """A module's page in the editor: its sections (add, reorder, remove) and every other
    part of it, with everything the checks found."""
    info = find_or_404("modules", module_key)
    files = services.current_files(info.part)
    sections = docs.read_sections(files, info.part)
    scope = docs.sections_scope(info.part)
    add = AddSectionForm()
    prepare(add, files, scope, info.part)
    action = ActionForm()
    prepare(action, files, scope, info.part)
    return render_template(
        "authoring/module.html",
        sections=sections,
        add=add,
        action=action,
        **part_context(info),
    )


@bp.post("/modules/<module_key>/sections")
def add_section(module_key: str) -> Any:
    """Add a section at the end of the module (its key, its Finnish title)."""
    info = find_or_404("modules", module_key)
    form = AddSectionForm()
    files = services.current_files(info.part)
    sections = docs.read_sections(files, info.part)
    if form.validate_on_submit():
        key = (form.key.data or "").strip()
        try:
            services.check_key(
                key, {s.key for s in sections} | RESERVED_SECTION_KEYS, example="tyosopimus"
            )
        except services.DomainError as error:
            form_error(form.key, error)
        else:
            changes = docs.add_section(sections, key, form.title.data or "", info.part)
            conflict = save_changes(form, info, changes, docs.sections_scope(info.part))
            if conflict is None:
                return redirect(url_for(".section", module_key=module_key, section_key=key))
            flash(services.EditConflict.message, "error")
            return redirect(url_for(".module", module_key=module_key))
    action = ActionForm()
    prepare(action, files, docs.sections_scope(info.part), info.part)
    return render_template(
        "authoring/module.html", sections=sections, add=form, action=action, **part_context(info)
    ), 422


def _section_or_404(info: services.PartInfo, files: Any, section_key: str) -> tuple[list, Any]:
    sections = docs.read_sections(files, info.part)
    found = next((s for s in sections if s.key == section_key), None)
    if found is None:
        abort(404)
    return sections, found


@bp.post("/modules/<module_key>/sections/<section_key>/move")
def move_section(module_key: str, section_key: str) -> Any:
    """Move a section one place up or down (its key, and so learners' progress, stays)."""
    info = find_or_404("modules", module_key)
    back_to(url_for(".module", module_key=module_key))
    files = services.current_files(info.part)
    sections, _found = _section_or_404(info, files, section_key)
    form = ActionForm()
    if form.validate_on_submit():
        step = -1 if request.form.get("direction") == "up" else 1
        changes = docs.move_section(sections, section_key, step, files, info.part)
        save_action(form, info, changes, docs.sections_scope(info.part))
        flash(_("The order of the sections was saved in the draft."), "success")
    return redirect(url_for(".module", module_key=module_key) + f"#section-{section_key}")


@bp.post("/modules/<module_key>/sections/<section_key>/remove")
def remove_section(module_key: str, section_key: str) -> Any:
    """Remove a section from the draft (published versions keep it in their history)."""
    info = find_or_404("modules", module_key)
    back_to(url_for(".module", module_key=module_key))
    files = services.current_files(info.part)
    sections, _found = _section_or_404(info, files, section_key)
    form = ActionForm()
    if form.validate_on_submit():
        changes = docs.remove_section(sections, section_key, files, info.part)
        save_action(form, info, changes, docs.sections_scope(info.part))
        flash(_("The section was removed from the draft."), "success")
    return redirect(url_for(".module", module_key=module_key))


# ---------------------------------------------------------------------------- module texts


def _module_form_data(edit: docs.ModuleEdit) -> dict[str, Any]:
    data: dict[str, Any] = {
        "minutes": edit.minutes,
        "reviewed": edit.reviewed,
        "review_months": edit.review_months,
        "sources": [_source_data(s) for s in edit.sources],
    }
    for lang, texts in edit.texts.items():
        data[f"title_{lang}"] = texts.title
        data[f"summary_{lang}"] = texts.summary
        data[f"objectives_{lang}"] = "\n".join(texts.objectives)
        data[f"reflection_{lang}"] = "\n".join(texts.reflection)
    return data


def _source_data(source: docs.SourceEdit) -> dict[str, Any]:
    return {
        "title": source.title,
        "publisher": source.publisher,
        "url": source.url,
        "checked": source.checked,
        "secondary": source.secondary,
    }


BLANK_SOURCE = {"title": "", "publisher": "", "url": "", "checked": None, "secondary": False}


def _sources_from(rows: list[dict[str, Any]]) -> list[docs.SourceEdit]:
    sources = []
    for row in rows:
        source = docs.SourceEdit(
            title=(row.get("title") or "").strip(),
            publisher=(row.get("publisher") or "").strip(),
            url=(row.get("url") or "").strip(),
            checked=row.get("checked"),
            secondary=bool(row.get("secondary")),
        )
        if source.title or source.publisher or source.url or source.checked:
            sources.append(source)  # a row left empty is no source
    return sources


@bp.route("/modules/<module_key>/texts", methods=["GET", "POST"])
def module_texts(module_key: str) -> Any:
    """The module's texts in fi, sv and en side by side, its time, review and sources."""
    info = find_or_404("modules", module_key)
    files = services.current_files(info.part)
    scope = docs.module_texts_scope(info.part)
    edit = docs.read_module(files, info.part)
    extra: dict[str, Any] = {}
    status = 200
    if request.method == "GET":
        form = ModuleTextsForm(data=_module_form_data(edit))
        prepare(form, files, scope, info.part)
    else:
        form = ModuleTextsForm()
        rows = row_action(form, BLANK_SOURCE)
        if rows is not None:
            form = ModuleTextsForm(formdata=None, data=rows[0])
            extra["focus"] = rows[1]
            rows_changed_note()
        elif form.validate_on_submit():
            edit.minutes = form.minutes.data
            edit.reviewed = form.reviewed.data
            edit.review_months = form.review_months.data
            for lang in LANGUAGES:
                edit.texts[lang] = docs.ModuleLanguage(
                    title=(form[f"title_{lang}"].data or "").strip(),
                    summary=(form[f"summary_{lang}"].data or "").strip(),
                    objectives=docs.split_lines(form[f"objectives_{lang}"].data or ""),
                    reflection=docs.split_lines(form[f"reflection_{lang}"].data or ""),
                )
            edit.sources = _sources_from(form.sources.data)
            changes = docs.write_module(edit, files, info.part)
            conflict = save_changes(form, info, changes, scope)
            if conflict is None:
                return redirect(url_for(".module_texts", module_key=module_key))
            extra.update(conflict)
            status = 409
        else:
            status = 422
    return render_template(
        "authoring/module_texts.html", form=form, **extra, **part_context(info)
    ), status


# ---------------------------------------------------------------------------- sections


def quick_preview(body: str) -> Markup:
    """A section's text rendered as the learner's page renders it (the same sanitiser), with
    course links pointing where they will; a video block is shown as a note."""

    def link(match: re.Match) -> str:
        kind, target = match.group(1), match.group(2)
        if kind == "term":
            return f"]({GLOSSARY_URL}#term-{target})"
        return f"]({URL_PREFIX}/{target})"

    text = VIDEO_BLOCK.sub(lambda m: "\n*" + _("[A video is shown here.]") + "*\n", body)
    html = render_markdown(INTERNAL_LINK.sub(link, text))
    return html


def _markdown_from(form: Any, lang: str) -> docs.MarkdownText:
    return docs.MarkdownText(
        title=(form[f"title_{lang}"].data or "").strip(),
        body=(form[f"body_{lang}"].data or "").replace("\r\n", "\n"),
    )


def _markdown_data(texts: dict[str, docs.MarkdownText | None]) -> dict[str, Any]:
    data = {}
    for lang in LANGUAGES:
        text = texts.get(lang)
        data[f"title_{lang}"] = text.title if text else ""
        data[f"body_{lang}"] = text.body if text else ""
    return data


@bp.route("/modules/<module_key>/sections/<section_key>", methods=["GET", "POST"])
def section(module_key: str, section_key: str) -> Any:
    """A section's Markdown in fi, sv and en side by side, with a preview."""
    info = find_or_404("modules", module_key)
    files = services.current_files(info.part)
    sections, found = _section_or_404(info, files, section_key)
    scope = docs.section_scope(info.part, section_key)
    extra: dict[str, Any] = {}
    status = 200
    if request.method == "GET":
        form = SectionForm(data=_markdown_data(found.texts))
        prepare(form, files, scope, info.part)
    else:
        form = SectionForm()
        if form.validate_on_submit():
            texts = {lang: _markdown_from(form, lang) for lang in LANGUAGES}
            if form.show_preview.data:
                extra["previews"] = {
                    lang: quick_preview(t.body) for lang, t in texts.items() if not t.empty
                }
                extra["preview_titles"] = {lang: t.title for lang, t in texts.items()}
            else:
                changes = docs.write_section(found, texts, files, info.part)
                conflict = save_changes(form, info, changes, scope)
                if conflict is None:
                    return redirect(
                        url_for(".section", module_key=module_key, section_key=section_key)
                    )
                extra.update(conflict)
                status = 409
        else:
            status = 422
    index = sections.index(found)
    return render_template(
        "authoring/section.html",
        form=form,
        section=found,
        previous=sections[index - 1] if index > 0 else None,
        next=sections[index + 1] if index + 1 < len(sections) else None,
        **extra,
        **part_context(info),
    ), status


# ---------------------------------------------------------------------------- the quiz


@bp.route("/modules/<module_key>/quiz", methods=["GET", "POST"])
def quiz(module_key: str) -> Any:
    """The quiz: its pass mark and attempts, its questions (add, reorder, remove)."""
    info = find_or_404("modules", module_key)
    files = services.current_files(info.part)
    scope = docs.quiz_scope(info.part)
    edit = docs.read_quiz(files, info.part)
    extra: dict[str, Any] = {}
    status = 200
    if request.method == "GET":
        form = QuizSettingsForm(
            data={"pass_mark": edit.pass_mark, "max_attempts": edit.max_attempts}
        )
        prepare(form, files, scope, info.part)
    else:
        form = QuizSettingsForm()
        if form.validate_on_submit():
            edit.pass_mark, edit.max_attempts = form.pass_mark.data, form.max_attempts.data
            conflict = save_changes(form, info, docs.write_quiz(edit, files, info.part), scope)
            if conflict is None:
                return redirect(url_for(".quiz", module_key=module_key))
            extra.update(conflict)
            status = 409
        else:
            status = 422
    add = AddQuestionForm(formdata=None)
    prepare(add, files, scope, info.part)
    action = ActionForm(formdata=None)
    prepare(action, files, scope, info.part)
    return render_template(
        "authoring/quiz.html", form=form, add=add, action=action, quiz=edit, **extra,
        **part_context(info),
    ), status  # fmt: skip


@bp.post("/modules/<module_key>/quiz/questions")
def add_question(module_key: str) -> Any:
    """Add a question (its key and type) at the end of the quiz."""
    info = find_or_404("modules", module_key)
    files = services.current_files(info.part)
    scope = docs.quiz_scope(info.part)
    edit = docs.read_quiz(files, info.part)
    add = AddQuestionForm()
    if add.validate_on_submit():
        key = (add.key.data or "").strip()
        try:
            services.check_key(key, {q.key for q in edit.questions}, example="kuka-paattaa")
        except services.DomainError as error:
            form_error(add.key, error)
        else:
            edit.questions.append(docs.new_question(key, add.type.data or "single"))
            conflict = save_changes(add, info, docs.write_quiz(edit, files, info.part), scope)
            if conflict is None:
                return redirect(url_for(".question", module_key=module_key, question_key=key))
            flash(services.EditConflict.message, "error")
            return redirect(url_for(".quiz", module_key=module_key))
    form = QuizSettingsForm(
        formdata=None, data={"pass_mark": edit.pass_mark, "max_attempts": edit.max_attempts}
    )
    prepare(form, files, scope, info.part)
    action = ActionForm(formdata=None)
    prepare(action, files, scope, info.part)
    return render_template(
        "authoring/quiz.html", form=form, add=add, action=action, quiz=edit, focus="add-key",
        **part_context(info),
    ), 422  # fmt: skip


def _question_or_404(edit: docs.QuizEdit, question_key: str) -> docs.QuestionEdit:
    found = edit.question(question_key)
    if found is None:
        abort(404)
    return found


@bp.post("/modules/<module_key>/quiz/questions/<question_key>/move")
def move_question(module_key: str, question_key: str) -> Any:
    """Move a question one place up or down (learners see them shuffled; this is the order
    in the editor and the reports)."""
    info = find_or_404("modules", module_key)
    back_to(url_for(".quiz", module_key=module_key))
    files = services.current_files(info.part)
    edit = docs.read_quiz(files, info.part)
    found = _question_or_404(edit, question_key)
    form = ActionForm()
    if form.validate_on_submit():
        i = edit.questions.index(found)
        j = i - 1 if request.form.get("direction") == "up" else i + 1
        if 0 <= j < len(edit.questions):
            edit.questions[i], edit.questions[j] = edit.questions[j], edit.questions[i]
            changes = docs.write_quiz(edit, files, info.part)
            save_action(form, info, changes, docs.quiz_scope(info.part))
            flash(_("The order of the questions was saved in the draft."), "success")
    return redirect(url_for(".quiz", module_key=module_key) + f"#question-{question_key}")


@bp.post("/modules/<module_key>/quiz/questions/<question_key>/remove")
def remove_question(module_key: str, question_key: str) -> Any:
    """Remove a question from the draft."""
    info = find_or_404("modules", module_key)
    back_to(url_for(".quiz", module_key=module_key))
    files = services.current_files(info.part)
    edit = docs.read_quiz(files, info.part)
    found = _question_or_404(edit, question_key)
    form = ActionForm()
    if form.validate_on_submit():
        edit.questions.remove(found)
        save_action(form, info, docs.write_quiz(edit, files, info.part), docs.quiz_scope(info.part))
        flash(_("The question was removed from the draft."), "success")
    return redirect(url_for(".quiz", module_key=module_key))


def _question_data(question: docs.QuestionEdit) -> dict[str, Any]:
    data: dict[str, Any] = {"type": question.type}
    for lang in LANGUAGES:
        data[f"text_{lang}"] = question.texts.get(lang, "")
    data["options"] = [_option_data(o) for o in question.options]
    return data


def _option_data(option: docs.OptionEdit) -> dict[str, Any]:
    data: dict[str, Any] = {"key": option.key, "correct": option.correct}
    for lang in LANGUAGES:
        data[f"text_{lang}"] = option.texts.get(lang, "")
        data[f"explanation_{lang}"] = option.explanations.get(lang, "")
    return data


@bp.route("/modules/<module_key>/quiz/questions/<question_key>", methods=["GET", "POST"])
def question(module_key: str, question_key: str) -> Any:
    """One question: its type, its text and every option with its explanation, in fi, sv
    and en side by side; options can be added, reordered and removed."""
    info = find_or_404("modules", module_key)
    files = services.current_files(info.part)
    scope = docs.quiz_scope(info.part)
    edit = docs.read_quiz(files, info.part)
    found = _question_or_404(edit, question_key)
    extra: dict[str, Any] = {}
    status = 200
    if request.method == "GET":
        form = QuestionForm(data=_question_data(found))
        prepare(form, files, scope, info.part)
    else:
        form = QuestionForm()
        taken = [row.get("key") or "" for row in form.options.data]
        rows = row_action(form, _option_data(docs.new_option(taken)))
        if rows is not None:
            form = QuestionForm(formdata=None, data=rows[0])
            extra["focus"] = rows[1]
            rows_changed_note()
        elif form.validate_on_submit():
            found.type = form.type.data or found.type
            for lang in LANGUAGES:
                found.texts[lang] = (form[f"text_{lang}"].data or "").replace("\r\n", "\n").strip()
            options = []
            seen: set[str] = set()
            for row in form.options.data:
                key = (row.get("key") or "").strip()
                if not key or key in seen:
                    key = docs.new_option(seen | {o.key for o in found.options}).key
                seen.add(key)
                options.append(
                    docs.OptionEdit(
                        key=key,
                        correct=bool(row.get("correct")),
                        texts={
                            lang: (row.get(f"text_{lang}") or "").replace("\r\n", "\n").strip()
                            for lang in LANGUAGES
                        },
                        explanations={
                            lang: (row.get(f"explanation_{lang}") or "")
                            .replace("\r\n", "\n")
                            .strip()
                            for lang in LANGUAGES
                        },
                    )
                )
            found.options = options
            conflict = save_changes(form, info, docs.write_quiz(edit, files, info.part), scope)
            if conflict is None:
                return redirect(
                    url_for(".question", module_key=module_key, question_key=question_key)
                )
            extra.update(conflict)
            status = 409
        else:
            status = 422
    return render_template(
        "authoring/question.html", form=form, question=found, quiz=edit, **extra,
        **part_context(info),
    ), status  # fmt: skip


# ---------------------------------------------------------------------------- the glossary


def _term_data(term: docs.TermEdit) -> dict[str, Any]:
    data: dict[str, Any] = {"key": term.key, "is_new": ""}
    for lang in LANGUAGES:
        data[f"term_{lang}"] = term.terms.get(lang, "")
        data[f"definition_{lang}"] = term.definitions.get(lang, "")
    return data


BLANK_TERM: dict[str, Any] = {"key": "", "is_new": "1"} | {
    f"{name}_{lang}": "" for name in ("term", "definition") for lang in LANGUAGES
}


@bp.route("/modules/<module_key>/glossary", methods=["GET", "POST"])
def glossary(module_key: str) -> Any:
    """The terms this module introduces, each in fi, sv and en."""
    info = find_or_404("modules", module_key)
    files = services.current_files(info.part)
    scope = docs.glossary_scope(info.part)
    terms = docs.read_glossary(files, info.part)
    extra: dict[str, Any] = {}
    status = 200
    if request.method == "GET":
        form = GlossaryForm(data={"terms": [_term_data(t) for t in terms]})
        prepare(form, files, scope, info.part)
    else:
        form = GlossaryForm()
        rows = row_action(form, BLANK_TERM)
        if rows is not None:
            form = GlossaryForm(formdata=None, data=rows[0])
            extra["focus"] = rows[1]
            rows_changed_note()
        elif form.validate_on_submit():
            known = {t.key for t in terms}
            edited = []
            for row in form.terms.data:
                key = (row.get("key") or "").strip()
                texts = {lang: (row.get(f"term_{lang}") or "").strip() for lang in LANGUAGES}
                definitions = {
                    lang: (row.get(f"definition_{lang}") or "").strip() for lang in LANGUAGES
                }
                if not key and not any(texts.values()) and not any(definitions.values()):
                    continue  # a row left empty
                edited.append(
                    docs.TermEdit(
                        key=key, terms=texts, definitions=definitions, is_new=key not in known
                    )
                )
            conflict = save_changes(
                form, info, docs.write_glossary(edited, files, info.part), scope
            )
            if conflict is None:
                return redirect(url_for(".glossary", module_key=module_key))
            extra.update(conflict)
            status = 409
        else:
            status = 422
    return render_template(
        "authoring/glossary.html", form=form, known={t.key for t in terms}, **extra,
        **part_context(info),
    ), status  # fmt: skip


# ---------------------------------------------------------------------------- pages


@bp.route("/pages/<page_key>", methods=["GET", "POST"])
def page(page_key: str) -> Any:
    """A content page: its text in fi, sv and en, its review date and sources."""
    info = find_or_404("pages", page_key)
    files = services.current_files(info.part)
    scope = docs.whole_scope(info.part)
    edit = docs.read_page(files, info.part)
    extra: dict[str, Any] = {}
    status = 200
    if request.method == "GET":
        data = _markdown_data(edit.texts) | {
            "reviewed": edit.reviewed,
            "review_months": edit.review_months,
            "sources": [_source_data(s) for s in edit.sources],
        }
        form = PageForm(data=data)
        prepare(form, files, scope, info.part)
    else:
        form = PageForm()
        rows = row_action(form, BLANK_SOURCE)
        if rows is not None:
            form = PageForm(formdata=None, data=rows[0])
            extra["focus"] = rows[1]
            rows_changed_note()
        elif form.validate_on_submit():
            texts = {lang: _markdown_from(form, lang) for lang in LANGUAGES}
            if form.show_preview.data:
                extra["previews"] = {
                    lang: quick_preview(t.body) for lang, t in texts.items() if not t.empty
                }
                extra["preview_titles"] = {lang: t.title for lang, t in texts.items()}
            else:
                edit.texts = dict(texts)
                edit.reviewed = form.reviewed.data
                edit.review_months = form.review_months.data
                edit.sources = _sources_from(form.sources.data)
                changes = docs.write_page(edit, files, info.part)
                conflict = save_changes(form, info, changes, scope)
                if conflict is None:
                    return redirect(url_for(".page", page_key=page_key))
                extra.update(conflict)
                status = 409
        else:
            status = 422
    return render_template("authoring/page.html", form=form, **extra, **part_context(info)), status


# ---------------------------------------------------------------------------- surveys


@bp.route("/surveys/<survey_key>", methods=["GET", "POST"])
def survey(survey_key: str) -> Any:
    """A survey's texts (title, introduction, questions, scale labels, options) in fi, sv
    and en. Its questions and their types are kept as they are: answers refer to them."""
    info = find_or_404("surveys", survey_key)
    files = services.current_files(info.part)
    scope = docs.whole_scope(info.part)
    edit = docs.read_survey(files, info.part)
    form_class = survey_form([t.name for t in edit.texts])
    extra: dict[str, Any] = {}
    status = 200

    def field(item: docs.SurveyText, lang: str) -> str:
        return f"{item.name.replace('-', '_')}_{lang}"

    if request.method == "GET":
        form = form_class(
            data={field(t, lang): t.texts.get(lang, "") for t in edit.texts for lang in LANGUAGES}
        )
        prepare(form, files, scope, info.part)
    else:
        form = form_class()
        if form.validate_on_submit():
            for item in edit.texts:
                item.texts = {
                    lang: (form[field(item, lang)].data or "").strip() for lang in LANGUAGES
                }
            conflict = save_changes(form, info, docs.write_survey(edit, files, info.part), scope)
            if conflict is None:
                return redirect(url_for(".survey", survey_key=survey_key))
            extra.update(conflict)
            status = 409
        else:
            status = 422
    return render_template(
        "authoring/survey.html", form=form, survey=edit, field_name=field, **extra,
        **part_context(info),
    ), status  # fmt: skip
