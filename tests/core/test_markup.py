"""The one sanitiser: scripts, handlers, javascript: URLs and foreign iframes never survive."""

from __future__ import annotations

import pytest

from elearn.core.markup import render_markdown, sanitize_html

PAYLOADS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    '<a href="javascript:alert(1)">x</a>',
    "[x](javascript:alert(1))",
    '<svg onload="alert(1)"></svg>',
    '<iframe src="https://evil.example/"></iframe>',
    '<iframe src="http://www.youtube-nocookie.com/embed/abc"></iframe>',
    '<iframe src="javascript:alert(1)"></iframe>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<style>body{display:none}</style>",
    '<form action="https://evil.example"><input name=p></form>',
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_hostile_markup_is_neutralised(payload):
    html = str(render_markdown(f"Teksti {payload} loppu"))
    lowered = html.lower()
    for bad in (
        "<script",
        "onerror",
        "onload",
        "javascript:",
        "<iframe",
        "<svg",
        "<style",
        "<form",
        "style=",
    ):
        assert bad not in lowered, (payload, html)
    assert "Teksti" in html and "loppu" in html


def test_iframes_from_the_listed_video_hosts_survive():
    html = sanitize_html(
        '<iframe src="https://www.youtube-nocookie.com/embed/abcdefghijk" onload="x()" title="V"></iframe>'
        '<iframe src="https://player.vimeo.com/video/123456?dnt=1"></iframe>'
    )
    assert 'src="https://www.youtube-nocookie.com/embed/abcdefghijk"' in html
    assert 'src="https://player.vimeo.com/video/123456?dnt=1"' in html
    assert "onload" not in html


def test_ordinary_markdown_renders():
    html = str(render_markdown("## Otsikko\n\n- yksi\n- **kaksi**\n\n[THL](https://thl.fi/)"))
    assert "<h2>Otsikko</h2>" in html and "<strong>kaksi</strong>" in html
    assert '<a href="https://thl.fi/">THL</a>' in html
