"""A small, deterministic TOML writer for the content files the editor saves.

It writes what the content files hold (strings, integers, booleans, dates, lists of
strings, tables of such values and arrays of tables) in the layout the shipped files use::

    key = "henkilokohtainen-apu"
    minutes = 50
    objectives = [
      "...",
    ]

    [[sources]]
    title = "..."

- Within a table, plain values come first, then arrays of tables (``[[questions]]``, and
  ``[[questions.options]]`` under each question); a blank line separates the tables.
- A table whose values are all plain (a term's ``fi = { term = ..., definition = ... }``, a
  survey text ``{ fi = ..., sv = ..., en = ... }``) is written inline.
- Key order follows ``order`` (per table path, e.g. ``"questions.options"``); keys it does not
  name keep their order after the named ones. Strings are basic strings on one line, with
  ``\\n`` for a line break, so the output is the same whatever the input's layout was.

``tomllib.loads(dumps(data)) == data`` for every value of these kinds, and
``dumps(tomllib.loads(dumps(data))) == dumps(data)``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
}

Order = Mapping[str, Sequence[str]]


def key(name: str) -> str:
    """A key as TOML spells it: bare when it can be, else quoted."""
    return name if _BARE_KEY.match(name) else string(name)


def string(text: str) -> str:
    """A basic TOML string on one line."""
    out = []
    for char in text:
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def _is_table(value: Any) -> bool:
    return isinstance(value, Mapping)


def _is_table_array(value: Any) -> bool:
    return isinstance(value, list | tuple) and bool(value) and all(_is_table(v) for v in value)


def _plain(value: Any) -> bool:
    """A value written after ``key = `` (not as a ``[table]`` or ``[[array]]``)."""
    if _is_table(value):
        return all(_plain(v) and not _is_table(v) for v in value.values())
    return not _is_table_array(value)


def scalar(value: Any) -> str:
    """A plain value: string, integer, boolean, date, or an inline list or table of them."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str):
        return string(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        if not value:
            return "{}"
        inner = ", ".join(f"{key(k)} = {scalar(v)}" for k, v in value.items() if v is not None)
        return "{ " + inner + " }"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(scalar(v) for v in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")


def _ordered(table: Mapping[str, Any], path: str, order: Order) -> list[tuple[str, Any]]:
    wanted = list(order.get(path, ()))
    items = [(k, table[k]) for k in wanted if k in table]
    items += [(k, v) for k, v in table.items() if k not in wanted]
    return [(k, v) for k, v in items if v is not None]


def _inline_ordered(value: Any, path: str, order: Order) -> Any:
    """Inline tables keep the configured key order too (e.g. fi, sv, en)."""
    if isinstance(value, Mapping):
        return {
            k: _inline_ordered(v, f"{path}.{k}", order) for k, v in _ordered(value, path, order)
        }
    if isinstance(value, list | tuple):
        return [_inline_ordered(v, path, order) for v in value]
    return value


def _value_line(name: str, value: Any, path: str, order: Order) -> list[str]:
    value = _inline_ordered(value, path, order)
    if isinstance(value, list | tuple) and value and not _is_table_array(value):
        # Lists are written one item a line, like the shipped objectives.
        return [f"{key(name)} = ["] + [f"  {scalar(v)}," for v in value] + ["]"]
    return [f"{key(name)} = {scalar(value)}"]


def _table_lines(
    table: Mapping[str, Any], path: str, header: list[str], order: Order
) -> list[list[str]]:
    """Blocks of lines: this table's own (headed by ``header``), then its nested tables."""
    plain: list[str] = []
    nested: list[list[str]] = []
    for name, value in _ordered(table, path, order):
        child = f"{path}.{name}" if path else name
        if _plain(value):
            plain += _value_line(name, value, child, order)
        elif _is_table_array(value):
            for item in value:
                nested += _table_lines(item, child, [f"[[{_dotted(child)}]]"], order)
        else:  # a table with tables inside: a [section]
            nested += _table_lines(value, child, [f"[{_dotted(child)}]"], order)
    own = header + plain
    return ([own] if own else []) + nested


def _dotted(path: str) -> str:
    return ".".join(key(part) for part in path.split("."))


def dumps(data: Mapping[str, Any], order: Order | None = None) -> str:
    """``data`` as TOML text (ending with a newline).

    Args:
        order: preferred key order per table path (``""`` is the top level).

    Raises:
        TypeError: a value TOML cannot hold (None inside a list, an object).
    """
    blocks = _table_lines(data, "", [], order or {})
    return "\n\n".join("\n".join(block) for block in blocks) + "\n"


# The key order of each kind of content file, as the shipped files and content/README.md
# show them.
SOURCE_ORDER = ["title", "publisher", "url", "checked", "secondary"]
MODULE_ORDER: Order = {
    "": ["key", "title", "summary", "minutes", "reviewed", "review_months", "objectives",
         "reflection", "sources"],
    "sources": SOURCE_ORDER,
}  # fmt: skip
MODULE_TRANSLATION_ORDER: Order = {"": ["title", "summary", "objectives", "reflection"]}
QUIZ_ORDER: Order = {
    "": ["pass_mark", "max_attempts", "questions"],
    "questions": ["key", "type", "text", "options"],
    "questions.options": ["key", "text", "correct", "explanation"],
}
GLOSSARY_ORDER: Order = {
    "terms": ["key", "fi", "sv", "en"],
    **{f"terms.{lang}": ["term", "definition"] for lang in ("fi", "sv", "en")},
}
PAGE_ORDER: Order = {
    "": ["key", "reviewed", "review_months", "sources"],
    "sources": SOURCE_ORDER,
}
_TEXTS = ["fi", "sv", "en"]
SURVEY_ORDER: Order = {
    "": ["key", "trigger", "anonymous", "title", "intro", "questions"],
    "title": _TEXTS,
    "intro": _TEXTS,
    "questions": ["key", "type", "required", "max_length", "text", "low", "high", "options"],
    **{f"questions.{name}": _TEXTS for name in ("text", "low", "high")},
    "questions.options": ["key", "text"],
    "questions.options.text": _TEXTS,
}


def order_for(path: str) -> Order:
    """The key order for a content file, by its path (``modules/…/quiz.sv.toml``)."""
    name = path.rsplit("/", 1)[-1]
    if path.startswith("surveys/"):
        return SURVEY_ORDER
    if name == "module.toml":
        return MODULE_ORDER
    if name.startswith("module."):
        return MODULE_TRANSLATION_ORDER
    if name.startswith("quiz."):
        return QUIZ_ORDER
    if name == "glossary.toml":
        return GLOSSARY_ORDER
    if name == "page.toml":
        return PAGE_ORDER
    return {}
