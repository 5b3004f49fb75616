"""Find the line of a value in TOML text from a validation error's location.

``tomllib`` keeps no positions, so this scans the text the way a reader would: table headers
(``[name]``, ``[[questions]]``, ``[[questions.options]]``) and ``key = value`` lines, skipping
the inside of multi-line strings and arrays. A value inside an inline table or array maps to
the line of its key. Run it only on text that ``tomllib`` has parsed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from functools import lru_cache

_BARE_KEY = r"[A-Za-z0-9_-]+"
_QUOTED_KEY = r'"(?:[^"\\]|\\.)*"|\'[^\']*\''
_KEY_PART = rf"\s*(?:{_BARE_KEY}|{_QUOTED_KEY})\s*"
_DOTTED_KEY = rf"{_KEY_PART}(?:\.{_KEY_PART})*"
_KEY_LINE = re.compile(rf"^\s*({_DOTTED_KEY})=")
_HEADER = re.compile(rf"^\s*(\[\[?)({_DOTTED_KEY})\]\]?\s*(?:#.*)?$")
_STRING = re.compile(r'"""(?:.|\n)*?"""|\'\'\'(?:.|\n)*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'[^\'\n]*\'')

Loc = Sequence[str | int]


def _key_parts(dotted: str) -> tuple[str, ...]:
    parts = re.findall(rf"\s*({_BARE_KEY}|{_QUOTED_KEY})\s*(?:\.|$)", dotted.strip())
    out = []
    for part in parts:
        if part[:1] == '"':
            try:
                part = json.loads(part)
            except ValueError:
                part = part[1:-1]
        elif part[:1] == "'":
            part = part[1:-1]
        out.append(part)
    return tuple(out)


def _open_brackets(value: str) -> int:
    """How many ``[``/``{`` a value leaves open, ignoring strings and comments."""
    depth = 0
    for char in _STRING.sub('""', value).split("#", 1)[0]:
        if char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
    return depth


@lru_cache(maxsize=32)  # one file's errors look up many paths in the same text
def positions(text: str) -> dict[tuple[str | int, ...], int]:
    """Map every table and key path in ``text`` to its 1-based line (do not change the result).

    Arrays of tables get their index: ``[[questions]]`` twice gives ``("questions", 0)`` and
    ``("questions", 1)``, and ``[[questions.options]]`` under the second gives
    ``("questions", 1, "options", 0)``.
    """
    found: dict[tuple[str | int, ...], int] = {}
    arrays: dict[tuple[str | int, ...], int] = {}  # concrete array path -> last index
    table: tuple[str | int, ...] = ()

    def concrete(parts: tuple[str, ...]) -> tuple[str | int, ...]:
        out: tuple[str | int, ...] = ()
        for part in parts:
            out += (part,)
            if out in arrays:
                out += (arrays[out],)
        return out

    lines = text.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        number = i + 1
        i += 1
        header = _HEADER.match(line)
        if header:
            parts = _key_parts(header.group(2))
            if header.group(1) == "[[":
                array = concrete(parts[:-1]) + (parts[-1],)
                arrays[array] = arrays.get(array, -1) + 1
                # A new element starts afresh: forget the arrays nested in the previous one.
                for nested in [
                    k for k in arrays if k[: len(array)] == array and len(k) > len(array)
                ]:
                    del arrays[nested]
                table = array + (arrays[array],)
            else:
                table = concrete(parts)
            found.setdefault(table, number)
            continue
        match = _KEY_LINE.match(line)
        if not match:
            continue
        path = table + _key_parts(match.group(1))
        found.setdefault(path, number)
        value = line[match.end() :]
        # Skip the rest of a multi-line string or array so its lines are not read as keys.
        for quote in ('"""', "'''"):
            stripped = value.lstrip()
            if stripped.startswith(quote) and stripped.count(quote) == 1:
                while i < len(lines) and quote not in lines[i]:
                    i += 1
                i += 1
                break
        else:
            depth = _open_brackets(value)
            while depth > 0 and i < len(lines):
                depth += _open_brackets(lines[i])
                i += 1
    return found


def line_of(text: str, loc: Loc, *, prefer_key: bool = True) -> int | None:
    """The line of the deepest part of ``loc`` that the text spells out.

    Args:
        text: TOML that parses.
        loc: a path such as ``("questions", 3, "options", 1, "text")``.
        prefer_key: a table (``[[questions]]`` element) is shown by its ``key = ...`` line
            when it has one, since the key is what names it in the message.

    Returns:
        The 1-based line, or None when not even the first part is found (an error about the
        whole file).
    """
    try:
        found = positions(text)
    except (RecursionError, ValueError):  # pragma: no cover - a locator never breaks a load
        return None
    path = tuple(loc)
    while path:
        if path in found:
            key_line = found.get(path + ("key",)) if prefer_key else None
            return key_line or found[path]
        path = path[:-1]
    return None
