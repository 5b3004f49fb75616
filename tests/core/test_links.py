"""``web_link``: only http and https addresses in free text become links."""

from __future__ import annotations

import pytest

from elearn.core.urls import web_link


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("https://meet.example/abc", ("", "https://meet.example/abc", "")),
        (
            "Teams: https://meet.example/a?x=1&y=2.",
            ("Teams: ", "https://meet.example/a?x=1&y=2", "."),
        ),
        ("(http://zoom.example/j/1)", ("(", "http://zoom.example/j/1", ")")),
        ("HTTPS://Meet.Example/A", ("", "HTTPS://Meet.Example/A", "")),
    ],
)
def test_a_web_address_is_split_out(text, parts):
    assert web_link(text) == parts


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Keusote, Hyvinkää",
        "040 123 4567",
        "javascript:alert(1)",
        "javascript://example.com/%0aalert(1)",
        "data:text/html;base64,PHNjcmlwdD4=",
        "vbscript:msgbox(1)",
        "https://",
        "https:///path-only",
        "ftp://files.example/x",
        "https://[::1",
    ],
)
def test_anything_else_is_text(text):
    assert web_link(text) is None
