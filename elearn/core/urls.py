"""Addresses: safe redirect targets, and ids in routes and query strings."""

from __future__ import annotations

import re
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


# A web address inside free text (a supervisor's "Teams: https://..."): up to the first space
# or character that cannot be part of an address written in text.
_WEB_ADDRESS = re.compile(r"https?://[^\s<>\"'`]+", re.IGNORECASE)
_TRAILING = ".,;:!?)]}"


def web_link(text: str) -> tuple[str, str, str] | None:
    """Split ``text`` around its first http(s) address: ``(before, address, after)``.

    None when the text holds no address a browser would open as a web page: only ``http``
    and ``https`` with a host count, so ``javascript:`` or ``data:`` never become links.
    Punctuation that ends a sentence is left out of the address.
    """
    match = _WEB_ADDRESS.search(text)
    if match is None:
        return None
    address = match.group(0).rstrip(_TRAILING)
    try:
        parts = urlsplit(address)
    except ValueError:  # e.g. a malformed IPv6 host
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    if any(ord(c) < 32 or ord(c) == 127 for c in address):
        return None
    start = match.start()
    return text[:start], address, text[start + len(address) :]


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
