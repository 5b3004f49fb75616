"""The TOML locator: validation error locations to lines."""

from __future__ import annotations

from elearn.content.tomlpos import line_of, positions

QUIZ = '''pass_mark = 80  # percent

[[questions]]
key = "yksi"
text = """Monta
riviä: key = "ei tämä"
"""

[[questions.options]]
key = "a"
text = "A"

[[questions.options]]
key = "b"
text = "B [ei lista"

[[questions]]
key = "kaksi"
options = [
  { key = "a", text = "x = 1" },
  { key = "b", text = "]" },
]
notes = ["a", 'b']

[ questions.extra ]
"quoted key" = 1
fi.term = "dotted"
'''


def test_positions_number_arrays_of_tables():
    found = positions(QUIZ)
    assert found[("pass_mark",)] == 1
    assert found[("questions", 0)] == 3
    assert found[("questions", 0, "text")] == 5
    assert found[("questions", 0, "options", 1, "text")] == 15
    assert found[("questions", 1, "options")] == 19
    assert found[("questions", 1, "notes")] == 23
    assert found[("questions", 1, "extra", "quoted key")] == 26
    assert found[("questions", 1, "extra", "fi", "term")] == 27
    # Lines inside a multi-line string or array are not keys.
    assert ("questions", 0, "riviä: key") not in found
    assert ("questions", 1, "key") == ("questions", 1, "key") and found[
        ("questions", 1, "key")
    ] == 18


def test_line_of_prefers_the_key_line_of_a_table_and_falls_back_to_parents():
    assert line_of(QUIZ, ("questions", 0)) == 4  # the key names the question
    assert line_of(QUIZ, ("questions", 0, "options", 1)) == 14
    assert line_of(QUIZ, ("questions", 0, "options", 1, "explanation")) == 14  # missing key
    assert line_of(QUIZ, ("questions", 1, "options", 1, "text")) == 19  # inside an inline array
    assert line_of(QUIZ, ("questions", 5)) is None
    assert line_of(QUIZ, ("nothing",)) is None
    assert line_of(QUIZ, ("questions", 0), prefer_key=False) == 3


def test_a_nested_array_restarts_in_each_parent():
    text = "[[a]]\n[[a.b]]\nk = 1\n[[a.b]]\nk = 2\n[[a]]\n[[a.b]]\nk = 3\n"
    assert line_of(text, ("a", 1, "b", 0, "k")) == 8
    assert line_of(text, ("a", 0, "b", 1, "k")) == 5
