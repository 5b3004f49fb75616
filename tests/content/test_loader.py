"""The content loader: a valid tree, stable keys, and errors that name the file and line."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from elearn import create_app
from elearn.content import ContentError, load_content, load_course
from elearn.content.cli import content_cli
from tests.content.tree import write_course, write_module


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    return write_course(tmp_path / "content" / "modules", count=2)


def problems(root: Path) -> list[str]:
    with pytest.raises(ContentError) as error:
        load_course(root)
    return [str(p) for p in error.value.problems]


def edit(path: Path, old: str, new: str, count: int = 1) -> str:
    """Replace ``old`` (which must be there) in a file; returns the new text."""
    text = path.read_text("utf-8")
    assert old in text, old
    text = text.replace(old, new, count)
    path.write_text(text, "utf-8")
    return text


def line_of(path: Path, text: str) -> int:
    return path.read_text("utf-8").splitlines().index(text) + 1


# ---------------------------------------------------------------------------- a valid tree


def test_a_valid_tree_loads_in_order_with_keys_and_hashes(tree):
    course = load_course(tree)
    assert [m.key for m in course.modules] == ["moduuli-1", "moduuli-2"]
    first = course.modules[0]
    assert [s.key for s in first.sections] == ["alku", "jatko"]
    assert first.sections[0].texts["fi"].title == "Alku"
    assert [q.key for q in first.quiz.questions] == [f"kysymys-{i}" for i in range(1, 9)]
    assert first.videos[0].provider == "youtube"
    assert "youtube-nocookie.com/embed/abcdefghijk" in first.videos[0].embed_url
    assert course.modules[1].videos[0].captions == "media/clip.fi.vtt"
    # Internal links become course addresses; glossary links point into the glossary page.
    html = "".join(str(p) for p in first.sections[1].texts["fi"].parts)
    assert 'href="/modules/moduuli-1/alku"' in html
    assert 'href="/modules/glossary#term-termi-1"' in html
    assert len(course.version) == 16


def test_content_2_0_fields_reach_the_model(tree):
    course = load_course(tree)
    module = course.modules[1]
    assert module.reviewed == date(2026, 11, 30) and module.review_months == 12
    assert module.sources[0].checked == date(2026, 11, 30)
    assert module.sources[0].secondary is False
    assert [t.key for t in module.glossary] == ["termi-2"]
    term, fell_back = module.glossary[0].text("sv")
    assert (term.term, fell_back) == ("term 2", False)
    assert [t.key for t in course.glossary] == ["termi-1", "termi-2"]
    assert course.term("termi-1").module == "moduuli-1"
    assert course.term("termi-1").anchor == "term-termi-1"


def test_review_months_and_secondary_sources_are_read(tree):
    path = tree / "02-moduuli-2" / "module.toml"
    edit(path, "reviewed = 2026-11-30", "reviewed = 2026-11-30\nreview_months = 6")
    edit(path, 'url = "https://thl.fi/"', 'url = "https://thl.fi/"\nsecondary = true')
    module = load_course(tree).modules[1]
    assert module.review_months == 6
    assert module.sources[0].secondary is True


def test_a_video_offers_every_language_track_found_beside_its_captions(tree):
    module = load_course(tree).modules[1]
    video = module.videos[0]
    assert video.tracks == (
        ("fi", "media/clip.fi.vtt"),
        ("sv", "media/clip.sv.vtt"),
        ("en", "media/clip.en.vtt"),
    )
    assert {"media/clip.sv.vtt", "media/clip.en.vtt"} <= module.media  # so they can be served
    # The Swedish section's block points at the Swedish captions: its text version is Swedish.
    swedish = next(p for p in module.sections[0].texts["sv"].parts if not isinstance(p, str))
    assert swedish.captions == "media/clip.sv.vtt" and swedish.captions_lang == "sv"
    assert "Hej och välkommen." in str(swedish.transcript)


def test_a_translated_section_may_point_at_captions_not_made_yet(tree):
    # Authors write captions = "media/clip.sv.vtt" before the tool has made the file: the
    # Finnish captions are shown meanwhile and the check lists it as a quality problem.
    (tree / "02-moduuli-2" / "media" / "clip.sv.vtt").unlink()
    content = load_content(tree)
    video = content.course.modules[1].sections[0].texts["sv"].parts[1]
    assert video.captions == "media/clip.fi.vtt"
    assert [t.language for t in video.tracks] == ["fi", "en"]
    (problem, unit, language), *_ = content.deferred
    assert (unit, language) == ("02-moduuli-2", "sv")
    assert str(problem).startswith(
        "content/modules/02-moduuli-2/sections/01-alku.sv.md:8: video: captions file "
        "'media/clip.sv.vtt' does not exist yet"
    )


def test_pages_are_loaded_with_their_languages(tree):
    course = load_course(tree)
    (page,) = course.pages
    assert page.key == "kun-tarvitset-apua" and course.page(page.key) is page
    text, fell_back = page.text("sv")
    assert text.title == "När du behöver hjälp" and not fell_back
    html = str(page.texts["fi"].parts[0])
    assert 'href="tel:112"' in html  # the sanitizer keeps phone links
    assert 'href="/modules/glossary#term-termi-1"' in html
    assert page.reviewed == date(2026, 11, 30) and page.sources[0].checked


def test_an_edited_question_keeps_its_key_and_changes_its_hash(tree):
    before = load_course(tree).modules[0].quiz.questions[0]
    edit(tree / "01-moduuli-1" / "quiz.toml", "Kuka päättää", "Kuka päättää avusta")
    after = load_course(tree).modules[0].quiz.questions[0]
    assert after.key == before.key == "kysymys-1"
    assert after.content_hash != before.content_hash
    assert [o.key for o in after.options] == [o.key for o in before.options]


def test_reordering_sections_keeps_their_keys(tree):
    sections = tree / "01-moduuli-1" / "sections"
    for name in ("01-alku.md", "01-alku.sv.md", "01-alku.en.md"):
        (sections / name).rename(sections / name.replace("01-", "03-"))
    module = load_course(tree).modules[0]
    assert [s.key for s in module.sections] == ["jatko", "alku"]


def test_translations_fall_back_to_finnish(tree):
    sections = tree / "01-moduuli-1" / "sections"
    (sections / "01-alku.en.md").unlink()
    (tree / "01-moduuli-1" / "module.en.toml").write_text('title = "Module one"\n', "utf-8")
    module = load_course(tree).modules[0]
    text, fell_back = module.sections[1].text("en")
    assert text.title == "Continued" and not fell_back
    text, fell_back = module.sections[0].text("en")
    assert text.title == "Alku" and fell_back
    assert module.text("en")[0].title == "Module one"
    assert module.text("en")[0].summary == module.text("fi")[0].summary  # untranslated field
    assert module.sections[0].text("fi")[1] is False


def test_an_option_translation_without_explanation_uses_the_finnish_one(tree):
    path = tree / "01-moduuli-1" / "quiz.en.toml"
    edit(path, 'explanation = "Explanation a."\n', "")
    option = load_course(tree).modules[0].quiz.questions[0].option("a")
    assert option.text("en").text == "Option a"
    assert option.text("en").explanation == "Oikein, avustettava päättää."


# ---------------------------------------------------------------------------- errors: files


def test_a_missing_file_is_named(tree):
    (tree / "02-moduuli-2" / "quiz.toml").unlink()
    assert "content/modules/02-moduuli-2/quiz.toml: file is missing" in problems(tree)


def test_toml_syntax_error_names_file_and_line(tree):
    edit(tree / "01-moduuli-1" / "module.toml", "minutes = 30", "minutes = = 30")
    (found,) = problems(tree)
    assert found.startswith("content/modules/01-moduuli-1/module.toml:4: TOML syntax error")


@pytest.mark.parametrize(
    "name",
    ["module.toml", "module.sv.toml", "quiz.toml", "quiz.en.toml", "glossary.toml",
     "sections/01-alku.md", "media/clip.fi.vtt"],
)  # fmt: skip
def test_a_file_that_is_not_utf8_names_file_and_line(tree, name):
    path = tree / "02-moduuli-2" / name
    path.write_bytes(path.read_bytes().replace(b"\n", b"\n\xe4 latin-1\n", 1))
    assert (
        f"content/modules/02-moduuli-2/{name}:2: the file is not UTF-8 text; save it as UTF-8"
        in problems(tree)
    )


@pytest.mark.parametrize("name", ["module.toml", "quiz.sv.toml", "glossary.toml"])
def test_an_empty_file_is_named(tree, name):
    (tree / "02-moduuli-2" / name).write_text("", "utf-8")
    assert f"content/modules/02-moduuli-2/{name}: the file is empty" in problems(tree)


@pytest.mark.parametrize(
    "name", ["module.toml", "quiz.toml", "module.en.toml", "sections/02-jatko.md"]
)
def test_a_folder_where_a_file_should_be(tree, name):
    path = tree / "02-moduuli-2" / name
    path.unlink()
    path.mkdir()
    found = problems(tree)
    if name.startswith("sections/"):
        assert any(p.startswith(f"content/modules/02-moduuli-2/{name}") for p in found), found
    else:
        assert f"content/modules/02-moduuli-2/{name}: is a folder; a file is expected here" in found


def test_a_byte_order_mark_is_allowed(tree):
    path = tree / "02-moduuli-2" / "module.toml"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert load_course(tree).modules[1].key == "moduuli-2"


# ---------------------------------------------------------------------------- errors: schema


def test_options_as_a_list_of_strings_is_a_clear_error(tree):
    path = tree / "02-moduuli-2" / "quiz.toml"
    text = path.read_text("utf-8")
    start = text.index('[[questions]]\nkey = "kysymys-4"')
    end = text.index("[[questions]]", start + 5)
    text = (
        text[:start]
        + (
            '[[questions]]\nkey = "tyoaika"\ntype = "single"\ntext = "Kysymys?"\n'
            'options = ["a", "b"]\n\n'
        )
        + text[end:]
    )
    path.write_text(text, "utf-8")
    line = line_of(path, 'options = ["a", "b"]')
    assert problems(tree) == [
        f'content/modules/02-moduuli-2/quiz.toml:{line}: question "tyoaika": options must be a '
        "list of [[questions.options]] tables"
    ]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("minutes = 30", 'minutes = "30"', "minutes must be a whole number"),
        ("minutes = 30", "minutes = 0", "minutes must be a whole number above 0"),
        ('title = "Moduuli 2"', "title = 2", "title must be a text in quotes"),
        ('title = "Moduuli 2"', 'title = "  "', "title must not be empty"),
        ("reviewed = 2026-11-30", 'reviewed = "2026-11-30"', "reviewed must be a date like 2026-11-30 (no quotes)"),
        ("reviewed = 2026-11-30", "reviewed = 2026-11-30T10:00:00", "reviewed must be a date like 2026-11-30 (no quotes)"),
        ('key = "moduuli-2"', 'key = "Moduuli 2"', 'key must be lower-case letters, digits and dashes, e.g. "kuka-paattaa"'),
        ('objectives = ["Ymmärrät asian 2."]', "objectives = []", "objectives needs at least one objective"),
        ('objectives = ["Ymmärrät asian 2."]', "objectives = [1]", "objectives (item 1) must be a text in quotes"),
        ('objectives = ["Ymmärrät asian 2."]', 'objectives = "Ymmärrät"', 'objectives must be a list of texts, e.g. ["...", "..."]'),
        ('reflection = ["Mitä ajattelet asiasta 2?", "Miten toimisit?"]', 'reflection = ["Yksi?"]', "give 2-4 reflection questions"),
        ("minutes = 30", "minutes = 30\nreviwed = 2026-11-30", "unknown field 'reviwed' (did you mean 'reviewed'?)"),
        ("minutes = 30", "minutes = 30\nreview_months = 0", "review_months must be a whole number of months, 1-120"),
        ('url = "https://thl.fi/"', 'url = "thl.fi"', "source \"Testilähde\": 'thl.fi' is not a web address (https://...)"),
        ("checked = 2026-11-30", "checked = true", 'source "Testilähde": checked must be a date like 2026-11-30 (no quotes)'),
        ('url = "https://thl.fi/"', 'url = "https://thl.fi/"\nsecondary = "yes"', 'source "Testilähde": secondary must be true or false'),
    ],
)  # fmt: skip
def test_module_toml_fields_are_typed(tree, old, new, expected):
    path = tree / "02-moduuli-2" / "module.toml"
    edit(path, old, new)
    key = new.splitlines()[-1].split("=")[0].strip()
    line = next(n for n, text in enumerate(path.read_text("utf-8").splitlines(), 1)
                if text.split("=")[0].strip() == key)  # fmt: skip
    assert problems(tree) == [f"content/modules/02-moduuli-2/module.toml:{line}: {expected}"]


def test_missing_fields_are_named(tree):
    path = tree / "02-moduuli-2" / "module.toml"
    edit(path, 'summary = "Lyhyt kuvaus moduulista 2."\n', "")
    assert problems(tree) == ["content/modules/02-moduuli-2/module.toml: summary is missing"]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ('type = "single"', 'type = "essay"', 'question "kysymys-1": type must be one of single, true_false, multiple'),
        ('correct = true', 'correct = "true"', 'question "kysymys-1": option "a": correct must be true or false'),
        ('explanation = "Oikein, avustettava päättää."\n', "", 'question "kysymys-1": option "a": explanation is missing'),
        ('text = "Avustettava"', 'text = ""', 'question "kysymys-1": option "a": text must not be empty'),
        ('key = "b"', 'key = "a"', 'question "kysymys-1": every option needs its own key, e.g. a, b, c'),
        ('key = "kysymys-1"', 'key = "kysymys-1"\ncolour = "red"', "question \"kysymys-1\": unknown field 'colour'"),
    ],
)  # fmt: skip
def test_quiz_fields_are_typed_and_named_by_question(tree, old, new, expected):
    path = tree / "01-moduuli-1" / "quiz.toml"
    edit(path, old, new)
    (found,) = problems(tree)
    assert found.startswith("content/modules/01-moduuli-1/quiz.toml:")
    assert found.split(": ", 1)[1] == expected


def test_quiz_settings_are_checked(tree):
    path = tree / "01-moduuli-1" / "quiz.toml"
    path.write_text("pass_mark = 120\nmax_attempts = 0\n" + path.read_text("utf-8"), "utf-8")
    assert problems(tree) == [
        "content/modules/01-moduuli-1/quiz.toml:1: pass_mark must be a whole number 1-100",
        "content/modules/01-moduuli-1/quiz.toml:2: max_attempts must be a whole number above 0 (leave it out for no limit)",
    ]


def test_a_question_without_a_correct_answer_names_its_line(tree):
    edit(tree / "01-moduuli-1" / "quiz.toml", "correct = true", "correct = false")
    assert problems(tree) == [
        'content/modules/01-moduuli-1/quiz.toml:2: question "kysymys-1" has no correct option'
    ]


def test_second_question_error_points_at_its_own_line(tree):
    path = tree / "01-moduuli-1" / "quiz.toml"
    edit(
        path,
        'key = "totta"\ntext = "Totta"\ncorrect = true',
        'key = "totta"\ntext = "Totta"\ncorrect = false',
    )
    line = line_of(path, 'key = "kysymys-2"')
    assert problems(tree) == [
        f'content/modules/01-moduuli-1/quiz.toml:{line}: question "kysymys-2" has no correct option'
    ]


def test_question_type_rules(tree):
    path = tree / "01-moduuli-1" / "quiz.toml"
    edit(path, 'type = "true_false"', 'type = "single"\n')
    edit(
        path,
        'correct = false\nexplanation = "Tarua on väärä vastaus."',
        'correct = true\nexplanation = "Tarua."',
    )
    line = line_of(path, 'key = "kysymys-2"')
    assert problems(tree) == [
        f"content/modules/01-moduuli-1/quiz.toml:{line}: "
        'question "kysymys-2": a single question has exactly one correct option'
    ]


def test_a_question_needs_two_options(tree):
    path = tree / "01-moduuli-1" / "quiz.toml"
    text = path.read_text("utf-8")
    start = text.index('[[questions.options]]\nkey = "b"')
    path.write_text(text[:start] + text[text.index("[[questions]]", start) :], "utf-8")
    assert problems(tree) == [
        'content/modules/01-moduuli-1/quiz.toml:2: question "kysymys-1" needs at least two [[questions.options]]'
    ]


@pytest.mark.parametrize("kind", ["question", "section", "module", "term"])
def test_duplicate_keys_are_refused(tmp_path, kind):
    tree = write_course(tmp_path / "content" / "modules", count=2)
    if kind == "question":
        path = tree / "01-moduuli-1" / "quiz.toml"
        line = line_of(path, 'key = "kysymys-2"')
        edit(path, 'key = "kysymys-2"', 'key = "kysymys-1"')
        expected = (
            f'content/modules/01-moduuli-1/quiz.toml:{line}: duplicate question key "kysymys-1"'
        )
    elif kind == "section":
        (tree / "02-moduuli-2" / "sections" / "03-jatko.md").write_text("# Taas\n", "utf-8")
        expected = (
            'content/modules/02-moduuli-2/sections/03-jatko.md: duplicate section key "jatko"'
        )
    elif kind == "module":
        edit(tree / "02-moduuli-2" / "module.toml", 'key = "moduuli-2"', 'key = "moduuli-1"')
        expected = 'content/modules/02-moduuli-2/module.toml: duplicate module key "moduuli-1"'
    else:
        edit(tree / "02-moduuli-2" / "glossary.toml", 'key = "termi-2"', 'key = "termi-1"')
        expected = (
            'content/modules/02-moduuli-2/glossary.toml:2: term "termi-1" is already defined '
            "in 01-moduuli-1/glossary.toml"
        )
    assert expected in problems(tree)


def test_glossary_is_a_reserved_module_key(tree):
    edit(tree / "02-moduuli-2" / "module.toml", 'key = "moduuli-2"', 'key = "glossary"')
    assert (
        'content/modules/02-moduuli-2/module.toml:1: "glossary" is reserved; give the module another key'
        in problems(tree)
    )


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ('fi = { term = "termi 2"', 'fi = { word = "termi 2"', 'term "termi-2": fi term is missing'),
        ('fi = { term = "termi 2", definition = "Sana, jota moduuli 2 käyttää." }', 'fi = "termi 2"',
         'term "termi-2": fi must be a table, e.g. fi = { ... } or [terms.fi]'),
        ('en = { term = "term 2", definition = "A word module 2 uses." }', 'en = { term = "term 2" }',
         'term "termi-2": en definition is missing'),
    ],
)  # fmt: skip
def test_glossary_terms_are_typed(tree, old, new, expected):
    path = tree / "02-moduuli-2" / "glossary.toml"
    edit(path, old, new)
    line = next(n for n, text in enumerate(path.read_text("utf-8").splitlines(), 1)
                if text.startswith(new[:4]))  # fmt: skip
    assert problems(tree)[0] == f"content/modules/02-moduuli-2/glossary.toml:{line}: {expected}"


def test_translation_files_must_match_the_finnish(tree):
    path = tree / "01-moduuli-1" / "quiz.sv.toml"
    edit(path, 'key = "kysymys-8"', 'key = "kysymys-9"')
    edit(path, 'key = "kysymys-1"', 'key = "kysymys-1"\ntype = "multiple"')
    edit(path, 'key = "b"', 'key = "x"')
    found = problems(tree)
    prefix = "content/modules/01-moduuli-1/quiz.sv.toml:"
    line = line_of(path, 'key = "kysymys-9"')
    assert f'{prefix}{line}: question "kysymys-9" is not in quiz.toml' in found
    line = line_of(path, 'key = "kysymys-1"')
    assert (
        f"{prefix}{line}: question \"kysymys-1\": type 'multiple' differs from quiz.toml" in found
    )
    assert any(p.endswith('question "kysymys-1": option "x" is not in quiz.toml') for p in found)


def test_a_translation_may_repeat_correct_but_not_contradict_it(tree):
    path = tree / "01-moduuli-1" / "quiz.en.toml"
    edit(path, 'key = "a"\n', 'key = "a"\ncorrect = true\n')
    load_course(tree)
    edit(path, "correct = true", "correct = false")
    assert any(
        p.endswith('question "kysymys-1": option "a": correct differs from quiz.toml')
        for p in problems(tree)
    )


# ---------------------------------------------------------------------------- errors: videos and links


def test_unknown_video_provider_names_the_line(tree):
    edit(
        tree / "02-moduuli-2" / "sections" / "01-alku.md",
        'provider = "file"',
        'provider = "tiktok"',
    )
    assert problems(tree) == [
        "content/modules/02-moduuli-2/sections/01-alku.md:6: video: unknown provider 'tiktok' "
        "(use file, youtube or vimeo)"
    ]


def test_video_fields_are_typed(tree):
    path = tree / "02-moduuli-2" / "sections" / "01-alku.md"
    edit(path, 'duration = "0:04"', "duration = 4")
    edit(path, 'title = "Testivideo"', 'title = "Testivideo"\nautoplay = true')
    assert problems(tree) == [
        "content/modules/02-moduuli-2/sections/01-alku.md:11: video: duration must be a text in quotes",
        "content/modules/02-moduuli-2/sections/01-alku.md:10: video: unknown field 'autoplay'",
    ]


def test_a_vimeo_id_may_be_a_number(tree):
    path = tree / "01-moduuli-1" / "sections" / "01-alku.md"
    edit(path, 'provider = "youtube"\nid = "abcdefghijk"', 'provider = "vimeo"\nid = 76979871')
    assert load_course(tree).modules[0].videos[0].video_id == "76979871"


def test_a_video_without_captions_or_transcript_is_refused(tree):
    edit(tree / "02-moduuli-2" / "sections" / "01-alku.md", 'captions = "media/clip.fi.vtt"\n', "")
    (found,) = problems(tree)
    assert found.startswith("content/modules/02-moduuli-2/sections/01-alku.md:5:")
    assert "needs captions" in found

    edit(
        tree / "01-moduuli-1" / "sections" / "01-alku.md",
        'transcript = "media/clip.transcript.md"\n',
        "",
    )
    assert any(
        "01-moduuli-1/sections/01-alku.md:5: video: a youtube video needs a transcript" in p
        for p in problems(tree)
    )


@pytest.mark.parametrize("src", ["../../../etc/passwd", "media/nothing.webm", "media/\\u0000.webm"])
def test_video_files_must_exist_inside_the_module(tree, src):
    edit(
        tree / "02-moduuli-2" / "sections" / "01-alku.md",
        'src = "media/clip.webm"',
        f'src = "{src}"',
    )
    (found,) = problems(tree)
    assert found.startswith("content/modules/02-moduuli-2/sections/01-alku.md:7: video: src")


def test_captions_must_be_webvtt(tree):
    (tree / "02-moduuli-2" / "media" / "clip.fi.vtt").write_text("not captions", "utf-8")
    assert (
        "content/modules/02-moduuli-2/media/clip.fi.vtt:1: captions must be a WebVTT file with at least one cue"
        in problems(tree)
    )


def test_a_broken_caption_track_beside_the_video_is_refused(tree):
    (tree / "02-moduuli-2" / "media" / "clip.en.vtt").write_text("WEBVTT\n", "utf-8")
    assert (
        "content/modules/02-moduuli-2/media/clip.en.vtt:1: captions must be a WebVTT file with at least one cue"
        in problems(tree)
    )


def test_broken_internal_link_names_file_and_line(tree):
    path = tree / "01-moduuli-1" / "sections" / "02-jatko.md"
    path.write_text(
        "# Jatko\n\nEnsin tekstiä.\n\nKatso [tämä](section:moduuli-1/ei-ole).\n", "utf-8"
    )
    assert problems(tree) == [
        "content/modules/01-moduuli-1/sections/02-jatko.md:5: broken internal link section:moduuli-1/ei-ole"
    ]


def test_a_link_to_a_missing_term_is_a_quality_problem_not_an_error(tree):
    # Sections link terms while the glossaries are still being written: the app starts, the
    # link leads to the glossary page, and the check lists it.
    edit(tree / "01-moduuli-1" / "sections" / "02-jatko.md", "term:termi-1", "term:ei-ole")
    content = load_content(tree)
    assert [str(p) for p, _unit, _lang in content.deferred] == [
        "content/modules/01-moduuli-1/sections/02-jatko.md:3: broken glossary link term:ei-ole "
        "(no glossary.toml defines it)"
    ]


def test_module_glossary_link_is_the_glossary_page(tree):
    edit(
        tree / "01-moduuli-1" / "sections" / "02-jatko.md",
        "Toinen osio.",
        "[Sanasto](module:glossary).",
    )
    html = "".join(str(p) for p in load_course(tree).modules[0].sections[1].texts["fi"].parts)
    assert 'href="/modules/glossary"' in html


def test_unclosed_video_block_and_missing_title(tree):
    (tree / "01-moduuli-1" / "sections" / "02-jatko.md").write_text("Ei otsikkoa\n", "utf-8")
    other = tree / "02-moduuli-2" / "sections" / "02-jatko.md"
    other.write_text('# Jatko\n\n```video\nprovider = "file"\n', "utf-8")
    found = problems(tree)
    assert (
        'content/modules/01-moduuli-1/sections/02-jatko.md:1: the first line must be the section title, e.g. "# Työsopimus"'
        in found
    )
    assert (
        "content/modules/02-moduuli-2/sections/02-jatko.md:3: video block is not closed with ```"
        in found
    )


def test_all_problems_are_reported_at_once(tree):
    (tree / "01-moduuli-1" / "quiz.toml").unlink()
    (tree / "02-moduuli-2" / "module.toml").unlink()
    assert len(problems(tree)) == 2


def test_injected_html_is_stripped_from_content(tree):
    path = tree / "01-moduuli-1" / "sections" / "02-jatko.md"
    path.write_text(
        "# Jatko\n\nTeksti <script>alert('x')</script> ja <b onclick=\"steal()\">lihava</b>.\n\n"
        '[klikkaa](javascript:alert(1)) <iframe src="https://evil.example/"></iframe>\n\n'
        '<img src="x" onerror="alert(1)">\n',
        "utf-8",
    )
    html = "".join(str(p) for p in load_course(tree).modules[0].sections[1].texts["fi"].parts)
    assert "<script" not in html and "onclick" not in html and "onerror" not in html
    assert "javascript:" not in html and "evil.example" not in html and "<iframe" not in html
    assert "<b>lihava</b>" in html


def test_reserved_and_badly_named_files(tree):
    sections = tree / "01-moduuli-1" / "sections"
    (sections / "03-print.md").write_text("# Tulostus\n", "utf-8")
    (sections / "osio.md").write_text("# Nimetön\n", "utf-8")
    found = problems(tree)
    assert any("03-print.md" in p and "reserved" in p for p in found)
    assert any("osio.md" in p and "01-key.md" in p for p in found)


# ---------------------------------------------------------------------------- errors: pages


def test_page_problems_name_their_files(tree):
    pages = tree.parent / "pages"
    (pages / "kun-tarvitset-apua" / "page.de.md").write_text("# Hilfe\n", "utf-8")
    (pages / "kun-tarvitset-apua" / "page.sv.md").write_text("Ingen rubrik\n", "utf-8")
    edit(pages / "kun-tarvitset-apua" / "page.toml", "reviewed = 2026-11-30", 'reviewed = "eilen"')
    (pages / "Huono Nimi").mkdir()
    (pages / "irrallinen.md").write_text("# Irti\n", "utf-8")
    (pages / "video").mkdir()
    (pages / "video" / "page.toml").write_text("", "utf-8")
    (pages / "video" / "page.md").write_text(
        '# Video\n\n```video\nprovider = "youtube"\n```\n', "utf-8"
    )
    assert sorted(problems(tree)) == [
        "content/pages/Huono Nimi: page folder names are keys: lower-case letters, digits and dashes",
        "content/pages/irrallinen.md: put each page in its own folder: content/pages/<key>/page.md",
        "content/pages/kun-tarvitset-apua/page.de.md: a page folder holds page.toml, page.md, page.sv.md and page.en.md",
        'content/pages/kun-tarvitset-apua/page.sv.md:1: the first line must be the page title, e.g. "# Työsopimus"',
        "content/pages/kun-tarvitset-apua/page.toml:1: reviewed must be a date like 2026-11-30 (no quotes)",
        "content/pages/video/page.md:3: a page cannot hold a video; put videos in module sections",
        "content/pages/video/page.toml: the file is empty",
    ]


def test_a_page_may_repeat_its_key(tree):
    path = tree.parent / "pages" / "kun-tarvitset-apua" / "page.toml"
    path.write_text('key = "kun-tarvitset-apua"\n' + path.read_text("utf-8"), "utf-8")
    assert load_course(tree).pages[0].key == "kun-tarvitset-apua"
    edit(path, 'key = "kun-tarvitset-apua"', 'key = "apua"')
    assert problems(tree) == [
        'content/pages/kun-tarvitset-apua/page.toml:1: key must be the folder\'s name, "kun-tarvitset-apua"'
    ]


def test_a_page_needs_its_finnish_text(tree):
    (tree.parent / "pages" / "kun-tarvitset-apua" / "page.md").unlink()
    assert problems(tree) == ["content/pages/kun-tarvitset-apua/page.md: file is missing"]


# ---------------------------------------------------------------------------- the command and the app


def test_check_command_prints_one_line_per_module(tree):
    result = CliRunner().invoke(content_cli, ["check", "--dir", str(tree), "--today", "2026-11-30"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "01-moduuli-1: 2 sections, 19 words, 1 video, 8 questions, fi sv en complete",
        "02-moduuli-2: 2 sections, 19 words, 1 video, 8 questions, fi sv en complete",
        "pages/kun-tarvitset-apua: 8 words, fi sv en complete",
        "2 modules, 1 page OK",
    ]
    assert result.stderr == ""


def test_check_command_fails_with_the_problems(tree):
    (tree / "01-moduuli-1" / "quiz.toml").unlink()
    result = CliRunner().invoke(content_cli, ["check", "--dir", str(tree)])
    assert result.exit_code == 1
    assert "content/modules/01-moduuli-1/quiz.toml: file is missing" in result.stderr
    assert "modules OK" not in result.stdout


def test_the_app_refuses_to_start_on_broken_content(tree):
    (tree / "01-moduuli-1" / "quiz.toml").unlink()
    with pytest.raises(
        ContentError, match=r"content/modules/01-moduuli-1/quiz.toml: file is missing"
    ):
        create_app({"ELEARN_CONTENT_DIR": str(tree)})


def test_the_app_starts_on_content_with_quality_problems_only(tree):
    (tree / "02-moduuli-2" / "module.sv.toml").unlink()
    edit(tree / "02-moduuli-2" / "module.toml", "reviewed = 2026-11-30\n", "")
    app = create_app({"ELEARN_CONTENT_DIR": str(tree)})
    from elearn.courses.services import SERVING_KEY

    assert app.extensions[SERVING_KEY].loaded.course.modules[1].reviewed is None


def test_the_app_refuses_a_wrong_type_with_a_content_error(tree):
    path = tree / "02-moduuli-2" / "quiz.toml"
    path.write_bytes(b"\xff\xfe not utf-8")
    with pytest.raises(
        ContentError, match=re.escape("02-moduuli-2/quiz.toml:1: the file is not UTF-8")
    ):
        create_app({"ELEARN_CONTENT_DIR": str(tree)})


def test_write_module_helper_makes_independent_modules(tmp_path):
    root = tmp_path / "content" / "modules"
    write_module(root, 3, "kolmas", video="file")
    (root / "03-kolmas" / "sections" / "02-jatko.md").write_text("# Jatko\n\nTeksti.\n", "utf-8")
    for lang in ("sv", "en"):
        (root / "03-kolmas" / "sections" / f"02-jatko.{lang}.md").write_text("# X\n\nY.\n", "utf-8")
    assert [m.number for m in load_course(root).modules] == [3]


def test_documents_hold_every_language_side_by_side_and_round_trip(tree):
    from elearn.content.schema import CourseDoc

    doc = load_content(tree).doc
    module = doc.modules[1]
    assert module.folder == "02-moduuli-2" and module.reviewed == date(2026, 11, 30)
    assert set(module.texts) == {"fi", "sv", "en"} and module.texts["sv"].title == "Modul 2"
    assert set(module.sections[0].texts) == {"fi", "sv", "en"}
    question = module.quiz.questions[0]
    assert question.texts["en"] == "Who decides in module 2?"
    assert question.options[0].texts["sv"].explanation == "Förklaring a."
    assert module.glossary[0].sv.term == "term 2"
    assert module.scripts[0].script.slides[0].sv == "Hej och välkommen. Det här är ett test."
    assert doc.pages[0].texts["fi"].startswith("# Kun tarvitset apua")
    # The editor will store and send these as JSON: nothing is lost on the way.
    assert CourseDoc.model_validate_json(doc.model_dump_json()) == doc
