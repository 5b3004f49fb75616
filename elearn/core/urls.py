"""Addresses: safe redirect targets, and ids in routes and query strings."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from werkzeug.routing import IntegerConverter

# Ids are PostgreSQL integers: a larger number names no row, and must not reach the database
# (SQLite cannot even bind numbers beyond 64 bits).
MAX_ID = 2**31 - 1


def safe_next(target: str | None, default: str) -> str:
    """A same-site relative path from ``target``, or ``default`` (no open redirects).

    Anything a browser could read as another site, and any control character (a line break
    would split the ``Location`` header), gives ``default``.
    """
    if not target:
        return default
    if any(ord(c) < 32 or ord(c) == 127 for c in target) or "\\" in target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


class IdConverter(IntegerConverter):
    """``<int:...>`` in routes: a whole number from 0 to MAX_ID; anything else is a 404."""

    def __init__(self, url_map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


def id_value(text: str) -> int:
    """An id from a form or query string, for ``request.args.get(name, type=id_value)``.

    Raises:
        ValueError: not a whole number from 1 to MAX_ID (``get`` then gives the default).
    """
    value = int(text)
    if not 0 < value <= MAX_ID:
        raise ValueError(text)
    return value
