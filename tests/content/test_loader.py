"""The content loader: a valid tree, stable keys, and errors that name the file and line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from elearn import create_app
from elearn.content import ContentError, load_course
from elearn.content.cli import content_cli
from tests.content.tree import write_course, write_module


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    return write_course(tmp_path / "content" / "modules", count=2)


def problems(root: Path) -> list[str]:
    with pytest.raises(ContentError) as error:
        load_course(root)
    return [str(p) for p in error.value.problems]


def test_a_valid_tree_loads_in_order_with_keys_and_hashes(tree):
    course = load_course(tree)
    assert [m.key for m in course.modules] == ["moduuli-1", "moduuli-2"]
    first = course.modules[0]
    assert [s.key for s in first.sections] == ["alku", "jatko"]
    assert first.sections[0].texts["fi"].title == "Alku"
    assert [q.key for q in first.quiz.questions] == ["kysymys-1", "kysymys-2"]
    assert first.videos[0].provider == "youtube"
    assert "youtube-nocookie.com/embed/abcdefghijk" in first.videos[0].embed_url
    assert course.modules[1].videos[0].captions == "media/clip.fi.vtt"
    # Internal links become course addresses.
    html = "".join(str(p) for p in first.sections[1].texts["fi"].parts)
    assert 'href="/modules/moduuli-1/alku"' in html
    assert len(course.version) == 16


def test_an_edited_question_keeps_its_key_and_changes_its_hash(tree):
    before = load_course(tree).modules[0].quiz.questions[0]
    quiz = tree / "01-moduuli-1" / "quiz.toml"
    quiz.write_text(
        quiz.read_text("utf-8").replace("Kuka päättää?", "Kuka päättää avusta?"), "utf-8"
    )
    after = load_course(tree).modules[0].quiz.questions[0]
    assert after.key == before.key == "kysymys-1"
    assert after.content_hash != before.content_hash
    assert [o.key for o in after.options] == [o.key for o in before.options]


def test_reordering_sections_keeps_their_keys(tree):
    sections = tree / "01-moduuli-1" / "sections"
    (sections / "01-alku.md").rename(sections / "03-alku.md")
    module = load_course(tree).modules[0]
    assert [s.key for s in module.sections] == ["jatko", "alku"]


def test_a_missing_file_is_named(tree):
    (tree / "02-moduuli-2" / "quiz.toml").unlink()
    assert "content/modules/02-moduuli-2/quiz.toml: file is missing" in problems(tree)


def test_toml_syntax_error_names_file_and_line(tree):
    path = tree / "01-moduuli-1" / "module.toml"
    path.write_text(path.read_text("utf-8").replace("minutes = 30", "minutes = = 30"), "utf-8")
    (found,) = problems(tree)
    assert found.startswith("content/modules/01-moduuli-1/module.toml:4: TOML syntax error")


def test_unknown_video_provider_names_the_line(tree):
    path = tree / "02-moduuli-2" / "sections" / "01-alku.md"
    path.write_text(
        path.read_text("utf-8").replace('provider = "file"', 'provider = "tiktok"'), "utf-8"
    )
    assert problems(tree) == [
        "content/modules/02-moduuli-2/sections/01-alku.md:5: video: unknown provider 'tiktok' "
        "(use file, youtube or vimeo)"
    ]


def test_a_video_without_captions_or_transcript_is_refused(tree):
    path = tree / "02-moduuli-2" / "sections" / "01-alku.md"
    text = path.read_text("utf-8").replace('captions = "media/clip.fi.vtt"\n', "")
    path.write_text(text, "utf-8")
    (found,) = problems(tree)
    assert found.startswith("content/modules/02-moduuli-2/sections/01-alku.md:5:")
    assert "needs captions" in found

    youtube = tree / "01-moduuli-1" / "sections" / "01-alku.md"
    youtube.write_text(
        youtube.read_text("utf-8").replace('transcript = "media/clip.transcript.md"\n', ""), "utf-8"
    )
    assert any(
        "01-moduuli-1/sections/01-alku.md:5: video: a youtube video needs a transcript" in p
        for p in problems(tree)
    )


def test_captions_must_be_webvtt(tree):
    (tree / "02-moduuli-2" / "media" / "clip.fi.vtt").write_text("not captions", "utf-8")
    assert (
        "content/modules/02-moduuli-2/media/clip.fi.vtt:1: captions must be a WebVTT file with at least one cue"
        in problems(tree)
    )


def test_a_question_without_a_correct_answer_names_its_line(tree):
    path = tree / "01-moduuli-1" / "quiz.toml"
    text = path.read_text("utf-8").replace("correct = true", "correct = false", 1)
    path.write_text(text, "utf-8")
    assert problems(tree) == [
        'content/modules/01-moduuli-1/quiz.toml:2: question "kysymys-1" has no correct option'
    ]


def test_second_question_error_points_at_its_own_line(tree):
    path = tree / "01-moduuli-1" / "quiz.toml"
    text = path.read_text("utf-8")
    text = text.replace(
        'key = "totta"\ntext = "Totta"\ncorrect = true',
        'key = "totta"\ntext = "Totta"\ncorrect = false',
    )
    path.write_text(text, "utf-8")
    line = text.splitlines().index('key = "kysymys-2"') + 1
    assert problems(tree) == [
        f'content/modules/01-moduuli-1/quiz.toml:{line}: question "kysymys-2" has no correct option'
    ]


@pytest.mark.parametrize("kind", ["question", "section", "module"])
def test_duplicate_keys_are_refused(tmp_path, kind):
    tree = write_course(tmp_path / "content" / "modules", count=2)
    if kind == "question":
        path = tree / "01-moduuli-1" / "quiz.toml"
        text = path.read_text("utf-8")
        path.write_text(text.replace('key = "kysymys-2"', 'key = "kysymys-1"'), "utf-8")
        line = text.splitlines().index('key = "kysymys-2"') + 1
        expected = (
            f'content/modules/01-moduuli-1/quiz.toml:{line}: duplicate question key "kysymys-1"'
        )
    elif kind == "section":
        (tree / "02-moduuli-2" / "sections" / "03-jatko.md").write_text("# Taas\n", "utf-8")
        expected = (
            'content/modules/02-moduuli-2/sections/03-jatko.md: duplicate section key "jatko"'
        )
    else:
        path = tree / "02-moduuli-2" / "module.toml"
        text = path.read_text("utf-8").replace('key = "moduuli-2"', 'key = "moduuli-1"')
        path.write_text(text, "utf-8")
        expected = 'content/modules/02-moduuli-2/module.toml: duplicate module key "moduuli-1"'
    assert expected in problems(tree)


def test_broken_internal_link_names_file_and_line(tree):
    path = tree / "01-moduuli-1" / "sections" / "02-jatko.md"
    path.write_text(
        "# Jatko\n\nEnsin tekstiä.\n\nKatso [tämä](section:moduuli-1/ei-ole).\n", "utf-8"
    )
    assert problems(tree) == [
        "content/modules/01-moduuli-1/sections/02-jatko.md:5: broken internal link section:moduuli-1/ei-ole"
    ]


def test_unclosed_video_block_and_missing_title(tree):
    path = tree / "01-moduuli-1" / "sections" / "02-jatko.md"
    path.write_text("Ei otsikkoa\n", "utf-8")
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


def test_translations_fall_back_to_finnish(tree):
    sections = tree / "01-moduuli-1" / "sections"
    (sections / "02-jatko.en.md").write_text("# Continued\n\nThe second section.\n", "utf-8")
    (tree / "01-moduuli-1" / "module.en.toml").write_text('title = "Module one"\n', "utf-8")
    module = load_course(tree).modules[0]
    text, fell_back = module.sections[1].text("en")
    assert text.title == "Continued" and not fell_back
    text, fell_back = module.sections[0].text("en")
    assert text.title == "Alku" and fell_back
    assert module.text("en")[0].title == "Module one"
    assert module.text("en")[0].summary == module.text("fi")[0].summary  # untranslated field
    assert module.sections[0].text("fi")[1] is False


def test_check_command_prints_one_line_per_module(tree):
    result = CliRunner().invoke(content_cli, ["check", "--dir", str(tree)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 3
    for line in lines[:2]:
        assert re.fullmatch(r"0\d-moduuli-\d: 2 sections, \d+ words, 1 videos, 2 questions", line)
    assert lines[2] == "2 modules OK"


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


def test_reserved_and_badly_named_files(tree):
    sections = tree / "01-moduuli-1" / "sections"
    (sections / "03-print.md").write_text("# Tulostus\n", "utf-8")
    (sections / "osio.md").write_text("# Nimetön\n", "utf-8")
    found = problems(tree)
    assert any("03-print.md" in p and "reserved" in p for p in found)
    assert any("osio.md" in p and "01-key.md" in p for p in found)


def test_write_module_helper_makes_independent_modules(tmp_path):
    root = tmp_path / "content" / "modules"
    write_module(root, 3, "kolmas", video="file")
    assert [m.number for m in load_course(root).modules] == [3]
