"""The editor's TOML writer: every shipped content file reads back to the same data after
writing, and writing is stable (the same data always gives the same text)."""

from __future__ import annotations

import tomllib
from datetime import date

import pytest

from elearn.authoring.tomlwriter import dumps, order_for
from elearn.content.loader import DEFAULT_CONTENT_DIR

CONTENT = DEFAULT_CONTENT_DIR.parent
SHIPPED = sorted(p.relative_to(CONTENT).as_posix() for p in CONTENT.rglob("*.toml"))


def test_the_shipped_toml_files_are_all_there():
    kinds = {path.rsplit("/", 1)[-1].split(".")[0] for path in SHIPPED}
    assert {"module", "quiz", "glossary", "page"} <= kinds
    assert any(path.startswith("surveys/") for path in SHIPPED)
    assert any(path.endswith("module.sv.toml") for path in SHIPPED)
    assert any(path.endswith("quiz.en.toml") for path in SHIPPED)


@pytest.mark.parametrize("path", SHIPPED)
def test_parse_write_parse_gives_the_same_data_and_writing_is_stable(path):
    data = tomllib.loads((CONTENT / path).read_text(encoding="utf-8"))
    written = dumps(data, order_for(path))
    assert tomllib.loads(written) == data
    assert dumps(tomllib.loads(written), order_for(path)) == written


def test_the_layout_is_the_shipped_one():
    """A file without comments is written back byte for byte (modules' quizzes, for one)."""
    quiz = CONTENT / "modules/01-henkilokohtainen-apu/quiz.toml"
    text = quiz.read_text(encoding="utf-8")
    assert dumps(tomllib.loads(text), order_for("modules/x/quiz.toml")) == text


def test_strings_that_need_escaping_survive():
    tricky = {
        "title": 'Lainaus "näin" ja \\ kenoviiva',
        "summary": "Rivi 1\nRivi 2\r\n\tsarkain \x00 nolla \x7f ja \u2028 ja 💡",
        "key": "a",
        "objectives": ['"]\n[[questions]]\nkey = "x"', "''' ja \"\"\""],
        'outo "avain"': "arvo",
        "reviewed": date(2026, 11, 30),
        "secondary": False,
        "minutes": 0,
        "nested": {"fi": {"term": "a=b", "definition": "}{"}},
        "sources": [{"title": "[[sources]]", "checked": date(2026, 1, 2)}, {"title": "#"}],
        "left_out": None,
    }
    written = dumps(tricky)
    back = tomllib.loads(written)
    expected = {k: v for k, v in tricky.items() if v is not None}
    assert back == expected
    assert dumps(back) == written


def test_keys_follow_the_kind_of_file():
    data = {"objectives": ["x"], "title": "T", "key": "k", "sources": [{"url": "u", "title": "s"}]}
    written = dumps(data, order_for("modules/01-x/module.toml"))
    assert written.index("key =") < written.index("title =") < written.index("objectives =")
    assert written.index('title = "s"') < written.index('url = "u"')
