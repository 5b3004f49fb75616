"""The editor's services: drafts from the first save, two trainers at once, the checks'
findings placed at their fields, publishing (errors block, quality problems need a yes) and
restoring, each in the audit log with its actor."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from elearn.audit.models import AuditEvent
from elearn.authoring import documents as docs
from elearn.authoring import services
from elearn.contentstore import services as store
from elearn.core.time import utcnow
from tests.authoring.conftest import PART, SECTION, SECTION_KEY

TODAY = date(2026, 12, 1)


def opened(part: str, scope: docs.Scope) -> tuple[services.PartFiles, str]:
    """What an editor page shows, and the fingerprint its form carries."""
    files = services.current_files(part)
    return files, services.digest(files, scope)


def edit_section(files, key: str, body: str) -> docs.Changes:
    section = next(s for s in docs.read_sections(files, PART) if s.key == key)
    texts = {lang: t for lang, t in section.texts.items() if t}
    texts["fi"] = docs.MarkdownText(texts["fi"].title, body)
    return docs.write_section(section, texts, files, PART)


def test_the_first_save_stores_the_shipped_course_as_version_1(editor_app, db, trainer):
    assert store.latest_number() == 0
    scope = docs.section_scope(PART, SECTION_KEY)
    files, seen = opened(PART, scope)
    assert SECTION in files  # the shipped files, before anything is published
    draft = services.save(
        PART, edit_section(files, SECTION_KEY, "Uusi teksti."), scope=scope, seen=seen,
        actor_id=trainer.id, now=utcnow(),
    )  # fmt: skip
    assert store.latest_number() == 1 and draft.base_number == 1
    assert store.blob(draft.files[SECTION]).decode().endswith("\n\nUusi teksti.\n")
    event = db.session.scalar(sa.select(AuditEvent))
    assert (event.action, event.object_id, event.actor_id) == ("published", 1, trainer.id)


def test_a_second_save_of_the_same_text_is_refused_and_shows_theirs(published, make_user):
    first, second = make_user("trainer"), make_user("trainer")
    scope = docs.section_scope(PART, SECTION_KEY)
    files_a, seen_a = opened(PART, scope)
    files_b, seen_b = opened(PART, scope)
    services.save(PART, edit_section(files_a, SECTION_KEY, "Ensimmäisen teksti."), scope=scope,
                  seen=seen_a, actor_id=first.id, now=utcnow())  # fmt: skip
    with pytest.raises(services.EditConflict) as refused:
        services.save(PART, edit_section(files_b, SECTION_KEY, "Toisen teksti."), scope=scope,
                      seen=seen_b, actor_id=second.id, now=utcnow())  # fmt: skip
    assert refused.value.draft.updated_by_id == first.id
    assert refused.value.theirs[SECTION].decode().endswith("Ensimmäisen teksti.\n")
    kept = store.blob(store.draft(PART).files[SECTION]).decode()
    assert kept.endswith("Ensimmäisen teksti.\n")


def test_saves_of_different_sections_both_go_through(published, make_user):
    first, second = make_user("trainer"), make_user("trainer")
    sections = docs.read_sections(services.current_files(PART), PART)
    one, two = sections[0].key, sections[1].key
    files_a, seen_a = opened(PART, docs.section_scope(PART, one))
    files_b, seen_b = opened(PART, docs.section_scope(PART, two))
    services.save(PART, edit_section(files_a, one, "Yksi."), scope=docs.section_scope(PART, one),
                  seen=seen_a, actor_id=first.id, now=utcnow())  # fmt: skip
    services.save(PART, edit_section(files_b, two, "Kaksi."), scope=docs.section_scope(PART, two),
                  seen=seen_b, actor_id=second.id, now=utcnow())  # fmt: skip
    now = docs.read_sections(services.current_files(PART), PART)
    assert now[0].texts["fi"].body == "Yksi." and now[1].texts["fi"].body == "Kaksi."
    assert store.draft(PART).revision == 2


def test_a_form_opened_before_a_restore_cannot_overwrite_it(published, trainer):
    scope = docs.section_scope(PART, SECTION_KEY)
    files, seen = opened(PART, scope)
    services.save(PART, edit_section(files, SECTION_KEY, "Muutos."), scope=scope, seen=seen,
                  actor_id=trainer.id, now=utcnow())  # fmt: skip
    files, stale = opened(PART, scope)  # revision 1 of the draft
    services.restore(PART, 1, actor_id=trainer.id, now=utcnow())  # a new draft, revision 1
    with pytest.raises(services.EditConflict):
        services.save(PART, edit_section(files, SECTION_KEY, "Vanhasta lomakkeesta."),
                      scope=scope, seen=stale, actor_id=trainer.id, now=utcnow())  # fmt: skip


def _findings(part: str) -> services.Check:
    return services.check(part, today=TODAY)


def _save_all(files, changes, trainer) -> None:
    services.save(PART, changes, scope=docs.whole_scope(PART),
                  seen=services.digest(files, docs.whole_scope(PART)),
                  actor_id=trainer.id, now=utcnow())  # fmt: skip


def test_findings_are_placed_at_the_field_they_concern(published, trainer):
    files = services.current_files(PART)
    quiz = docs.read_quiz(files, PART)
    quiz.questions[0].texts["sv"] = ""  # quality problems: not translated
    module = docs.read_module(files, PART)
    module.texts["en"].title = ""
    section = docs.read_sections(files, PART)[1]
    changes = docs.write_quiz(quiz, files, PART)
    more = docs.write_module(module, files, PART)
    _save_all(files, ({**changes[0], **more[0]}, changes[1] | more[1] | {section.paths["sv"]}),
              trainer)  # fmt: skip
    check = _findings(PART)
    assert not check.errors
    assert any("has no text" in f.message for f in check.at(f"question:{quiz.questions[0].key}"))
    assert [f.severity for f in check.at("module:title:en")] == ["quality"]
    assert [f.severity for f in check.at(f"section:{section.key}:sv")] == ["quality"]
    # An error: a question without a correct option. The tree no longer loads, so only the
    # errors are listed, at the question.
    files = services.current_files(PART)
    quiz = docs.read_quiz(files, PART)
    broken = quiz.questions[2]
    for option in broken.options:
        option.correct = False
    _save_all(files, docs.write_quiz(quiz, files, PART), trainer)
    check = _findings(PART)
    assert [f.severity for f in check.at(f"question:{broken.key}")] == ["error"]
    assert "no correct option" in check.at(f"question:{broken.key}")[0].message
    assert check.content is None and not check.elsewhere


def test_removing_a_linked_section_is_an_error_in_the_module_that_links_to_it(published, trainer):
    """Other modules link to sections of this one: removing one breaks them (elsewhere)."""
    tree = store.latest().manifest
    linking = b"".join(
        store.blob(sha) for path, sha in tree.items()
        if "/sections/" in path and not path.startswith(PART + "/")
    )  # fmt: skip
    sections = docs.read_sections(services.current_files(PART), PART)
    target = next(s for s in sections if f"section:tyonantajamalli/{s.key}".encode() in linking)
    part_files = services.current_files(PART)
    changes = docs.remove_section(sections, target.key, part_files, PART)
    services.save(PART, changes, scope=docs.sections_scope(PART),
                  seen=services.digest(part_files, docs.sections_scope(PART)),
                  actor_id=trainer.id, now=utcnow())  # fmt: skip
    check = _findings(PART)
    assert check.elsewhere and all(not f.path.startswith(PART) for f in check.elsewhere)
    assert any("broken internal link" in f.message for f in check.elsewhere)
    with pytest.raises(store.InvalidContent):
        services.publish(PART, note="Poisto", revision=1, confirmed=True, actor_id=trainer.id,
                         now=utcnow(), today=TODAY)  # fmt: skip


def test_publishing_needs_a_yes_for_quality_problems_and_is_audited(published, db, trainer):
    files = services.current_files(PART)
    module = docs.read_module(files, PART)
    module.texts["sv"].title = ""
    services.save(PART, docs.write_module(module, files, PART),
                  scope=docs.module_texts_scope(PART),
                  seen=services.digest(files, docs.module_texts_scope(PART)),
                  actor_id=trainer.id, now=utcnow())  # fmt: skip
    with pytest.raises(services.QualityNotConfirmed):
        services.publish(PART, note="Puuttuu", revision=1, confirmed=False, actor_id=trainer.id,
                         now=utcnow(), today=TODAY)  # fmt: skip
    version = services.publish(PART, note="Puuttuu", revision=1, confirmed=True,
                               actor_id=trainer.id, now=utcnow(), today=TODAY)  # fmt: skip
    assert version.number == 2 and version.author_id == trainer.id and version.note == "Puuttuu"
    assert store.draft(PART) is None
    events = db.session.execute(
        sa.select(AuditEvent.action, AuditEvent.object_id, AuditEvent.actor_id)
    ).all()
    assert ("published", 2, trainer.id) in events


def test_restoring_an_earlier_version_is_audited(published, db, trainer):
    files = services.current_files(PART)
    original = files[SECTION]
    services.save(PART, edit_section(files, SECTION_KEY, "Muutettu."),
                  scope=docs.section_scope(PART, SECTION_KEY),
                  seen=services.digest(files, docs.section_scope(PART, SECTION_KEY)),
                  actor_id=trainer.id, now=utcnow())  # fmt: skip
    services.publish(PART, note="Muutos", revision=1, confirmed=True, actor_id=trainer.id,
                     now=utcnow(), today=TODAY)  # fmt: skip
    draft = services.restore(PART, 1, actor_id=trainer.id, now=utcnow())
    assert store.blob(draft.files[SECTION]) == original
    assert ("restored", 1, trainer.id) in db.session.execute(
        sa.select(AuditEvent.action, AuditEvent.object_id, AuditEvent.actor_id)
    ).all()
    with pytest.raises(services.NothingToRestore):
        services.restore(PART, 99, actor_id=trainer.id, now=utcnow())
    assert [v.number for v in services.history(PART)] == [2, 1]


def test_the_difference_is_line_by_line():
    old = {"a.md": b"# Otsikko\n\nYksi\nKaksi\n", "b.toml": b"x = 1\n", "m.webm": b"\x00\xff"}
    new = {"a.md": b"# Otsikko\n\nYksi\nKolme\n", "c.toml": b"y = 2\n", "m.webm": b"\x01\xff"}
    diff = {f.path: f for f in services.diff_files(old, new)}
    assert [(d.kind, d.text) for d in diff["a.md"].lines if d.kind != "same"] == [
        ("removed", "Kaksi"),
        ("added", "Kolme"),
    ]
    assert diff["b.toml"].status == "removed" and diff["c.toml"].status == "added"
    assert diff["m.webm"].binary
