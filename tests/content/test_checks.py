"""The quality checks of issue 19: one failing fixture per rule, the summary, and --strict."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from elearn.content import load_content
from elearn.content.checks import add_months, check_quality, normalised
from elearn.content.cli import content_cli
from tests.content.tree import write_course

TODAY = date(2026, 11, 30)


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    return write_course(tmp_path / "content" / "modules", count=2)


def quality(root: Path, today: date = TODAY):
    return check_quality(load_content(root), today=today)


def found(root: Path, today: date = TODAY) -> list[str]:
    return [str(p) for p in quality(root, today).problems]


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text("utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, count), "utf-8")


def line_of(path: Path, text: str) -> int:
    return path.read_text("utf-8").splitlines().index(text) + 1


def test_the_fixture_course_passes_every_rule(tree):
    report = quality(tree)
    assert report.problems == () and report.warnings == ()
    assert report.complete_languages("02-moduuli-2") == ("fi", "sv", "en")


# ---------------------------------------------------------------------------- translations


def test_a_missing_section_translation(tree):
    (tree / "02-moduuli-2" / "sections" / "02-jatko.sv.md").unlink()
    report = quality(tree)
    assert [str(p) for p in report.problems] == [
        'content/modules/02-moduuli-2/sections/02-jatko.sv.md: missing: section "jatko" in Swedish (sv)'
    ]
    assert report.complete_languages("02-moduuli-2") == ("fi", "en")
    assert report.complete_languages("01-moduuli-1") == ("fi", "sv", "en")


def test_missing_module_texts(tree):
    (tree / "02-moduuli-2" / "module.en.toml").unlink()
    path = tree / "02-moduuli-2" / "module.sv.toml"
    edit(path, 'summary = "Kort beskrivning av modul 2."\n', "")
    edit(
        path,
        'reflection = ["Vad tycker du?", "Hur gör du?"]',
        'reflection = ["Vad?", "Hur?", "Varför?"]',
    )
    assert found(tree) == [
        "content/modules/02-moduuli-2/module.sv.toml: summary is missing",
        "content/modules/02-moduuli-2/module.sv.toml:3: reflection has 3 items; the Finnish has 2",
        "content/modules/02-moduuli-2/module.en.toml: missing: the module's title, summary, "
        "objectives and reflection in English (en)",
    ]


def test_missing_quiz_translations(tree):
    (tree / "01-moduuli-1" / "quiz.en.toml").unlink()
    path = tree / "02-moduuli-2" / "quiz.sv.toml"
    text = path.read_text("utf-8")
    start = text.index('[[questions]]\nkey = "kysymys-8"')
    path.write_text(text[:start], "utf-8")  # question 8 not translated
    edit(path, 'text = "Vem bestämmer i modul 2?"\n', "")  # question 1 without its text
    edit(path, 'explanation = "Förklaring b."\n', "")  # question 1, option b
    line = line_of(path, 'key = "kysymys-1"')
    assert found(tree) == [
        "content/modules/01-moduuli-1/quiz.en.toml: missing: the quiz in English (en)",
        f'content/modules/02-moduuli-2/quiz.sv.toml:{line}: question "kysymys-1" has no text',
        f'content/modules/02-moduuli-2/quiz.sv.toml:{line}: question "kysymys-1": option "b" has no explanation',
        'content/modules/02-moduuli-2/quiz.sv.toml: question "kysymys-8" is not translated',
    ]


def test_missing_glossary_translation(tree):
    edit(
        tree / "02-moduuli-2" / "glossary.toml",
        'en = { term = "term 2", definition = "A word module 2 uses." }\n',
        "",
    )
    assert found(tree) == [
        'content/modules/02-moduuli-2/glossary.toml:2: term "termi-2" has no en term and definition'
    ]


def test_missing_page_translation(tree):
    (tree.parent / "pages" / "kun-tarvitset-apua" / "page.en.md").unlink()
    report = quality(tree)
    assert [str(p) for p in report.problems] == [
        "content/pages/kun-tarvitset-apua/page.en.md: missing: the page in English (en)"
    ]
    assert report.complete_languages("pages/kun-tarvitset-apua") == ("fi", "sv")


def test_missing_caption_track_and_slide_captions(tree):
    media = tree / "02-moduuli-2" / "media"
    (media / "clip.en.vtt").unlink()
    edit(tree / "02-moduuli-2" / "sections" / "01-alku.en.md", "clip.en.vtt", "clip.fi.vtt")
    edit(media / "clip.slides.toml", 'en = "Hello and welcome. This is a test."\n', "")
    assert found(tree) == [
        "content/modules/02-moduuli-2/media/clip.slides.toml:3: slide 1 has no en captions",
        "content/modules/02-moduuli-2/media/clip.en.vtt: missing: English (en) captions of "
        "media/clip.webm (tools/make_videos.py --captions-only writes them from the script)",
    ]


def test_a_translated_video_pointing_at_captions_not_made_yet(tree):
    (tree / "02-moduuli-2" / "media" / "clip.sv.vtt").unlink()
    report = quality(tree)
    assert [p.path for p in report.problems] == [
        "content/modules/02-moduuli-2/media/clip.sv.vtt",
        "content/modules/02-moduuli-2/sections/01-alku.sv.md",
    ]
    assert report.complete_languages("02-moduuli-2") == ("fi", "en")


# ---------------------------------------------------------------------------- dates


def test_reviewed_and_checked_must_be_present(tree):
    path = tree / "02-moduuli-2" / "module.toml"
    edit(path, "reviewed = 2026-11-30\n", "")
    edit(path, "checked = 2026-11-30\n", "")
    assert found(tree) == [
        "content/modules/02-moduuli-2/module.toml: reviewed is missing: the date this was last "
        "checked against its sources, e.g. reviewed = 2026-11-30",
        'content/modules/02-moduuli-2/module.toml:8: source "Testilähde": checked is missing '
        "(the date you read it, e.g. checked = 2026-11-30)",
    ]


def test_dates_in_the_future(tree):
    path = tree / "02-moduuli-2" / "module.toml"
    edit(path, "reviewed = 2026-11-30", "reviewed = 2026-12-01")
    edit(
        tree.parent / "pages" / "kun-tarvitset-apua" / "page.toml",
        "checked = 2026-11-30",
        "checked = 2027-01-01",
    )
    assert found(tree) == [
        "content/modules/02-moduuli-2/module.toml:5: reviewed 2026-12-01 is in the future",
        'content/pages/kun-tarvitset-apua/page.toml:3: source "Hätänumero 112": checked 2027-01-01 is in the future',
    ]


def test_a_module_due_for_review_is_a_warning_only(tree):
    path = tree / "02-moduuli-2" / "module.toml"
    edit(path, "reviewed = 2026-11-30", "reviewed = 2025-06-15\nreview_months = 12")
    edit(path, "checked = 2026-11-30", "checked = 2025-06-15")
    report = quality(tree)
    assert report.problems == ()
    assert [str(w) for w in report.warnings] == [
        "content/modules/02-moduuli-2/module.toml:5: review due since 2026-06-15 "
        "(reviewed 2025-06-15, every 12 months)"
    ]
    assert quality(tree, today=date(2026, 6, 15)).warnings == ()  # due today is not past
    result = CliRunner().invoke(
        content_cli, ["check", "--dir", str(tree), "--strict", "--today", "2026-11-30"]
    )
    assert result.exit_code == 0, result.output
    assert "warning: content/modules/02-moduuli-2/module.toml:5: review due" in result.stderr


def test_add_months():
    assert add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert add_months(date(2024, 11, 30), 12) == date(2025, 11, 30)
    assert add_months(date(2024, 12, 1), 13) == date(2026, 1, 1)


# ---------------------------------------------------------------------------- captions


def test_caption_cues_of_more_than_two_lines_or_42_characters(tree):
    media = tree / "02-moduuli-2" / "media"
    (media / "clip.sv.vtt").write_text(
        "WEBVTT\n\n00:00.000 --> 00:02.000\nEtt\ntvå\ntre\n\n"
        "00:02.000 --> 00:04.000\nEn rad med fyrtiotre tecken på svenska ååå.\n",  # 43 characters
        "utf-8",
    )
    (media / "clip.en.vtt").write_text(
        "WEBVTT\n\n00:00.000 --> 00:02.000\nA line of exactly forty-two characters ok.\nand a second line\n",
        "utf-8",
    )
    assert found(tree) == [
        "content/modules/02-moduuli-2/media/clip.sv.vtt:4: 2 of 2 cues are too long to read, "
        "e.g. here a cue has 3 lines (at most 2); a cue has at most 2 lines of 42 characters "
        "(tools/make_videos.py splits them)"
    ]


# ---------------------------------------------------------------------------- quizzes


def test_a_correct_option_much_longer_than_the_wrong_ones(tree):
    path = tree / "02-moduuli-2" / "quiz.toml"
    edit(
        path,
        'text = "Vaihtoehto a kysymykseen 4"',
        'text = "Vaihtoehto a kysymykseen 4, joka on selvästi pisin"',
    )
    line = line_of(path, 'key = "kysymys-4"')
    assert found(tree) == [
        f'content/modules/02-moduuli-2/quiz.toml:{line}: question "kysymys-4": the correct option "a" '
        "has 50 characters, more than 1.4 times the 26 of the wrong ones on average; make the "
        "options similar in length"
    ]


def test_the_correct_option_may_be_the_longest_in_at_most_a_third(tree):
    path = tree / "02-moduuli-2" / "quiz.toml"
    # Question 1 already has the longest correct option; two more make three of eight.
    for i in (4, 5):
        edit(
            path,
            f'text = "Vaihtoehto a kysymykseen {i}"',
            f'text = "Vaihtoehto a kysymykseen {i}!"',
        )
    assert found(tree) == [
        "content/modules/02-moduuli-2/quiz.toml: the correct option is the longest in 3 of 8 "
        "questions (at most 2: a third): kysymys-1, kysymys-4, kysymys-5"
    ]


def test_eight_to_twelve_questions(tree):
    path = tree / "02-moduuli-2" / "quiz.toml"
    text = path.read_text("utf-8")
    path.write_text(text[: text.index('[[questions]]\nkey = "kysymys-8"')], "utf-8")
    for lang in ("sv", "en"):
        translation = tree / "02-moduuli-2" / f"quiz.{lang}.toml"
        text = translation.read_text("utf-8")
        translation.write_text(text[: text.index('[[questions]]\nkey = "kysymys-8"')], "utf-8")
    assert found(tree) == [
        "content/modules/02-moduuli-2/quiz.toml: the quiz has 7 questions; a module needs 8-12"
    ]


def test_no_two_questions_in_the_course_with_the_same_text(tree):
    path = tree / "02-moduuli-2" / "quiz.toml"
    edit(
        path,
        'text = "Tilanne 5 moduulissa 2: mitä teet?"',
        'text = "tilanne 4 MODUULISSA 1 - mitä teet"',
    )
    edit(
        path,
        'text = "Tilanne 6 moduulissa 2: mitä teet?"',
        'text = "Tilanne 7 moduulissa 2: mitä teet?"',
    )
    five, seven = line_of(path, 'key = "kysymys-5"'), line_of(path, 'key = "kysymys-7"')
    assert found(tree) == [
        f'content/modules/02-moduuli-2/quiz.toml:{five}: question "kysymys-5" has the same '
        'text as question "kysymys-4" in 01-moduuli-1',
        f'content/modules/02-moduuli-2/quiz.toml:{seven}: question "kysymys-7" has the same '
        'text as question "kysymys-6"',
    ]


def test_normalised():
    assert normalised("  Kuka PÄÄTTÄÄ,\n\nmitä tehdään? ") == "kuka päättää mitä tehdään"


# ---------------------------------------------------------------------------- the command


def test_quality_problems_are_printed_and_fail_only_with_strict(tree):
    (tree / "02-moduuli-2" / "sections" / "02-jatko.sv.md").unlink()
    args = ["check", "--dir", str(tree), "--today", "2026-11-30"]
    result = CliRunner().invoke(content_cli, args)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "01-moduuli-1: 2 sections, 19 words, 1 video, 8 questions, fi sv en complete",
        "02-moduuli-2: 2 sections, 19 words, 1 video, 8 questions, fi en complete",
        "pages/kun-tarvitset-apua: 8 words, fi sv en complete",
        "2 modules, 1 page OK",
    ]
    assert result.stderr.splitlines() == [
        'content/modules/02-moduuli-2/sections/02-jatko.sv.md: missing: section "jatko" in Swedish (sv)',
        "1 quality problem (errors with --strict)",
    ]
    strict = CliRunner().invoke(content_cli, [*args, "--strict"])
    assert strict.exit_code == 1
    assert "1 quality problem (--strict: they are errors)" in strict.stderr
    assert "OK" not in strict.stdout


def test_errors_fail_without_strict_and_skip_the_quality_report(tree):
    edit(tree / "02-moduuli-2" / "module.toml", "minutes = 30", 'minutes = "30"')
    (tree / "02-moduuli-2" / "sections" / "02-jatko.sv.md").unlink()
    result = CliRunner().invoke(content_cli, ["check", "--dir", str(tree)])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "content/modules/02-moduuli-2/module.toml:4: minutes must be a whole number",
        "1 problem(s) found; nothing is published.",
    ]
