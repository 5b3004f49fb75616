"""Reading a part's files into what the editor shows and writing edits back: only the files
whose data changed are rewritten, a missing translation stays missing, and section files
are renamed (never re-keyed) when sections move."""

from __future__ import annotations

import tomllib

import pytest

from elearn.authoring import documents as docs
from elearn.content.loader import DEFAULT_CONTENT_DIR
from elearn.contentstore.services import part_of, read_tree

TREE = read_tree(DEFAULT_CONTENT_DIR.parent)
PARTS = sorted({part_of(p) for p in TREE})
PART = "modules/02-tyonantajamalli"


def files_of(part: str) -> dict[str, bytes]:
    return {p: b for p, b in TREE.items() if part_of(p) == part}


def apply(files: dict[str, bytes], changes: docs.Changes) -> dict[str, bytes]:
    texts, removed = changes
    out = {p: b for p, b in files.items() if p not in removed}
    out.update({p: t.encode("utf-8") for p, t in texts.items()})
    return out


@pytest.mark.parametrize("part", PARTS)
def test_saving_what_was_read_changes_no_file(part):
    files = files_of(part)
    if part.startswith("modules/"):
        outs = [
            docs.write_module(docs.read_module(files, part), files, part),
            docs.write_quiz(docs.read_quiz(files, part), files, part),
            docs.write_glossary(docs.read_glossary(files, part), files, part),
        ]
        for section in docs.read_sections(files, part):
            texts = {lang: t for lang, t in section.texts.items() if t is not None}
            outs.append(docs.write_section(section, texts, files, part))
    elif part.startswith("pages/"):
        outs = [docs.write_page(docs.read_page(files, part), files, part)]
    else:
        outs = [docs.write_survey(docs.read_survey(files, part), files, part)]
    assert all(out == ({}, set()) for out in outs)


def test_a_changed_swedish_title_rewrites_only_the_swedish_file():
    files = files_of(PART)
    edit = docs.read_module(files, PART)
    edit.texts["sv"].title = "Ny titel"
    texts, removed = docs.write_module(edit, files, PART)
    assert list(texts) == [f"{PART}/module.sv.toml"] and not removed
    data = tomllib.loads(texts[f"{PART}/module.sv.toml"])
    assert data["title"] == "Ny titel"
    assert data["summary"] == tomllib.loads(files[f"{PART}/module.sv.toml"].decode())["summary"]


def test_an_emptied_translation_is_missing_not_a_copy_of_the_finnish():
    files = files_of(PART)
    edit = docs.read_module(files, PART)
    edit.texts["en"] = docs.ModuleLanguage()
    edit.texts["sv"].summary = ""
    texts, removed = docs.write_module(edit, files, PART)
    assert removed == {f"{PART}/module.en.toml"}  # an empty file is not allowed: no file
    assert "summary" not in tomllib.loads(texts[f"{PART}/module.sv.toml"])
    back = docs.read_module(apply(files, (texts, removed)), PART)
    assert back.texts["en"] == docs.ModuleLanguage()
    assert back.texts["sv"].summary == ""


def test_sources_are_edited_with_their_dates():
    files = files_of(PART)
    edit = docs.read_module(files, PART)
    first = edit.sources[0]
    edit.sources = [first, docs.SourceEdit(title="Uusi lähde", url="https://example.fi/")]
    texts, _removed = docs.write_module(edit, files, PART)
    data = tomllib.loads(texts[f"{PART}/module.toml"])
    assert data["sources"][1] == {"title": "Uusi lähde", "url": "https://example.fi/"}
    assert data["sources"][0]["checked"] == first.checked


def test_a_section_is_stored_as_written_with_its_title_line():
    files = files_of(PART)
    section = docs.read_sections(files, PART)[0]
    texts = {lang: t for lang, t in section.texts.items() if t}
    texts["fi"] = docs.MarkdownText(
        "Uusi otsikko", "Ensimmäinen kappale.\r\n\r\n## Väliotsikko\r\n"
    )
    texts["en"] = docs.MarkdownText()  # emptied: the English file goes
    out, removed = docs.write_section(section, texts, files, PART)
    assert out == {
        section.paths["fi"]: "# Uusi otsikko\n\nEnsimmäinen kappale.\n\n## Väliotsikko\n"
    }
    assert removed == {section.paths["en"]}


def test_moving_a_section_renames_files_and_keeps_keys():
    files = files_of(PART)
    sections = docs.read_sections(files, PART)
    first, second = sections[0], sections[1]
    texts, removed = docs.move_section(sections, second.key, -1, files, PART)
    moved = docs.read_sections(apply(files, (texts, removed)), PART)
    assert [s.key for s in moved[:2]] == [second.key, first.key]
    assert [s.key for s in moved[2:]] == [s.key for s in sections[2:]]
    assert moved[0].texts == second.texts  # the same text under the new number
    assert all(p.split("/")[-1].startswith("0") for p in texts)


def test_adding_and_removing_a_section():
    files = files_of(PART)
    sections = docs.read_sections(files, PART)
    texts, removed = docs.add_section(sections, "uusi-osio", "Uusi osio", PART)
    grown = apply(files, (texts, removed))
    after = docs.read_sections(grown, PART)
    assert after[-1].key == "uusi-osio" and after[-1].texts["fi"].title == "Uusi osio"
    assert after[-1].texts["sv"] is None
    texts, removed = docs.remove_section(after, sections[0].key, grown, PART)
    left = docs.read_sections(apply(grown, (texts, removed)), PART)
    assert [s.key for s in left] == [s.key for s in after[1:]]
    assert [s.number for s in left] == list(range(1, len(left) + 1))


def test_editing_a_question_and_its_options_in_every_language():
    files = files_of(PART)
    quiz = docs.read_quiz(files, PART)
    question = quiz.questions[0]
    question.texts["sv"] = "Ny fråga?"
    question.options[0].explanations["en"] = ""  # a missing translation
    question.options.append(docs.new_option([o.key for o in question.options]))
    question.options[-1].texts["fi"] = "Uusi vaihtoehto"
    texts, removed = docs.write_quiz(quiz, files, PART)
    assert set(texts) == {f"{PART}/quiz.toml", f"{PART}/quiz.sv.toml", f"{PART}/quiz.en.toml"}
    back = docs.read_quiz(apply(files, (texts, removed)), PART)
    q = back.questions[0]
    assert q.texts["sv"] == "Ny fråga?"
    assert q.options[0].explanations["en"] == ""
    assert q.options[-1].texts == {"fi": "Uusi vaihtoehto", "sv": "", "en": ""}


def test_a_changed_correct_option_drops_a_repeated_one_that_no_longer_agrees():
    files = dict(files_of(PART))
    quiz = docs.read_quiz(files, PART)
    question = quiz.questions[0]
    option = question.options[0]
    # The translation repeats the option's "correct" (allowed while it agrees).
    en = tomllib.loads(files[f"{PART}/quiz.en.toml"].decode())
    entry = next(q for q in en["questions"] if q["key"] == question.key)
    next(o for o in entry["options"] if o["key"] == option.key)["correct"] = option.correct
    entry["type"] = question.type
    from elearn.authoring.tomlwriter import dumps

    files[f"{PART}/quiz.en.toml"] = dumps(en).encode()
    assert docs.write_quiz(quiz, files, PART) == ({}, set())  # still agrees: untouched
    option.correct = not option.correct
    texts, _removed = docs.write_quiz(quiz, files, PART)
    written = tomllib.loads(texts[f"{PART}/quiz.en.toml"])
    again = next(q for q in written["questions"] if q["key"] == question.key)
    assert again["type"] == question.type
    assert all("correct" not in o for o in again["options"] if o["key"] == option.key)


def test_glossary_terms_and_survey_texts():
    files = files_of(PART)
    terms = docs.read_glossary(files, PART)
    terms.append(docs.TermEdit("uusi-termi", {"fi": "uusi", "sv": "", "en": "new"},
                               {"fi": "Selitys.", "sv": "", "en": "Meaning."}))  # fmt: skip
    texts, _removed = docs.write_glossary(terms, files, PART)
    written = tomllib.loads(texts[f"{PART}/glossary.toml"])["terms"][-1]
    assert written == {
        "key": "uusi-termi",
        "fi": {"term": "uusi", "definition": "Selitys."},
        "en": {"term": "new", "definition": "Meaning."},
    }
    part = "surveys/02-keskustelu.toml"
    survey = docs.read_survey(files_of(part), part)
    survey.texts[0].texts["sv"] = "Ny rubrik"
    texts, _removed = docs.write_survey(survey, files_of(part), part)
    data = tomllib.loads(texts[part])
    assert data["title"]["sv"] == "Ny rubrik"
    assert data["questions"] == tomllib.loads(TREE[part].decode())["questions"]
