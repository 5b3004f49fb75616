"""The survey loader: the shipped surveys, and errors that name the file and line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from elearn.content import ContentError
from elearn.content.surveys import DEFAULT_SURVEY_DIR, load_surveys

FIXTURE = Path(__file__).parent / "fixtures" / "content-1.0" / "surveys"


@pytest.fixture
def surveys(tmp_path: Path) -> Path:
    target = tmp_path / "content" / "surveys"
    shutil.copytree(FIXTURE, target)
    return target


def problems(root: Path) -> list[str]:
    with pytest.raises(ContentError) as error:
        load_surveys(root)
    return [str(p) for p in error.value.problems]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), "utf-8")


def test_the_shipped_surveys_load():
    found = load_surveys(DEFAULT_SURVEY_DIR)
    assert {s.trigger for s in found.values()} == {"module_quiz", "discussion", "course"}


def test_a_survey_reads_its_questions(surveys):
    survey = load_surveys(surveys)["module-check"]
    assert survey.anonymous and survey.title("sv") == "Kort respons om modulen"
    useful = survey.questions[0]
    assert (useful.key, useful.type, useful.required) == ("useful", "scale", False)
    assert useful.label("low", "en") == "Not at all" and useful.values == ("1", "2", "3", "4", "5")
    assert survey.questions[2].max_length == 1000


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("anonymous = true", 'anonymous = "yes"', ":4: anonymous must be true or false"),
        ('trigger = "module_quiz"', 'trigger = "weekly"', ":3: trigger must be one of module_quiz, discussion, course"),
        (', en = "Quick feedback on the module" }', " }", ":5: title en is missing"),
        ('type = "scale"', 'type = "slider"', ':10: question "useful": type must be one of scale, choice, text, nps'),
        ("max_length = 1000", "max_length = 9000", ':25: question "comment": max_length must be 1-5000'),
        ('low = { fi = "Ei lainkaan", sv = "Inte alls", en = "Not at all" }\n', "", ':9: question "useful": a scale question needs low and high labels'),
        ('key = "useful"', 'key = "clear"', ':16: duplicate question key "clear"'),
        ("max_length = 1000", "max_length = 1000\nrequired = 1", ':26: question "comment": required must be true or false'),
    ],
)  # fmt: skip
def test_survey_errors_name_file_and_line(surveys, old, new, expected):
    edit(surveys / "01-opintojakso.toml", old, new)
    assert problems(surveys) == [f"content/surveys/01-opintojakso.toml{expected}"]


def test_broken_files_are_named(surveys):
    (surveys / "01-opintojakso.toml").write_bytes(b'key = "x\xff"\n')
    (surveys / "02-keskustelu.toml").write_text("", "utf-8")
    (surveys / "03-koulutus.toml").unlink()
    (surveys / "03-koulutus.toml").mkdir()
    assert problems(surveys) == [
        "content/surveys/01-opintojakso.toml:1: the file is not UTF-8 text; save it as UTF-8",
        "content/surveys/02-keskustelu.toml: the file is empty",
        "content/surveys/03-koulutus.toml: is a folder; a file is expected here",
    ]


def test_every_trigger_needs_a_survey(surveys):
    (surveys / "02-keskustelu.toml").unlink()
    assert problems(surveys) == ["content/surveys: no survey has trigger discussion"]
