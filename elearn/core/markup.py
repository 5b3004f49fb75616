"""The only place that turns text into ``Markup``: Markdown to HTML through a bleach allow-list.

Scripts, event-handler attributes and ``javascript:`` URLs never survive. An ``<iframe>``
survives only when it points at one of the listed video hosts over HTTPS. Two kinds of text
are HTML already and are kept as they are: the output of an autoescaped template, and a
translation from the app's own catalogue with escaped values put into it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import bleach
import markdown
from markupsafe import Markup

VIDEO_HOSTS = frozenset({"www.youtube-nocookie.com", "player.vimeo.com"})
ALLOWED_TAGS = frozenset(
    {
        "p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "blockquote", "code", "pre",
        "h2", "h3", "h4", "a", "abbr", "hr", "table", "thead", "tbody", "tr", "th", "td",
        "iframe",
    }
)  # fmt: skip
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto", "tel"})
EMPTY = Markup("")  # the empty, trivially safe fragment

_EMPTY_IFRAME = re.compile(r"<iframe(?![^>]*\bsrc=)[^>]*>.*?</iframe>", re.DOTALL | re.IGNORECASE)


def _allowed_attribute(tag: str, name: str, value: str) -> bool:
    if tag == "a":
        return name in ("href", "title")
    if tag == "abbr":
        return name == "title"
    if tag in ("th", "td"):
        return name in ("scope", "colspan", "rowspan")
    if tag == "iframe":
        if name == "src":
            parts = urlsplit(value)
            return parts.scheme == "https" and parts.hostname in VIDEO_HOSTS
        return name in ("title", "allow", "allowfullscreen", "loading", "referrerpolicy")
    return False


def sanitize_html(html: str) -> str:
    """Keep only the allowed tags and attributes; drop iframes that lost their source."""
    clean = bleach.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=_allowed_attribute,
        protocols=ALLOWED_PROTOCOLS,
        strip=True,
        strip_comments=True,
    )
    return _EMPTY_IFRAME.sub("", clean)


def render_markdown(text: str) -> Markup:
    """Render author or user Markdown to sanitised HTML."""
    html = markdown.markdown(text, extensions=["tables", "sane_lists"], output_format="html")
    return Markup(sanitize_html(html))  # noqa: S704 - sanitised just above


def template_output(html: str) -> Markup:
    """The output of an autoescaped (``.html``) template: every value was escaped in it."""
    return Markup(html)  # noqa: S704 - escaped by Jinja's autoescaping when rendered


def format_translation(text: str, variables: Mapping[str, Any], *, html: bool) -> str:
    """A catalogue translation with ``variables`` put in, as Jinja's i18n does it.

    In HTML the translation (the app's own catalogue) is kept as markup and the values put
    into it are escaped; in plain text both are left as they are.
    """
    return (Markup(text) if html else text) % variables  # noqa: S704 - values escaped by %
