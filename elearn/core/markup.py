"""The only place that turns text into ``Markup``: Markdown to HTML through a bleach allow-list."""

from __future__ import annotations

import bleach
import markdown
from markupsafe import Markup

ALLOWED_TAGS = frozenset(
    {
        "p", "br", "strong", "em", "ul", "ol", "li", "blockquote", "code", "pre",
        "h2", "h3", "h4", "a", "abbr", "hr", "table", "thead", "tbody", "tr", "th", "td",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": ["href", "title"], "abbr": ["title"], "th": ["scope"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})


def render_markdown(text: str) -> Markup:
    """Render author or user Markdown to sanitised HTML."""
    html = markdown.markdown(text, extensions=["tables", "sane_lists"], output_format="html")
    clean = bleach.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        protocols=ALLOWED_PROTOCOLS,
        strip=True,
    )
    return Markup(clean)  # noqa: S704 - sanitised by bleach just above
