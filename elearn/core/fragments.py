"""Parts of pages that are the same for everyone using the same language, rendered once.

The course content is loaded at start-up and does not change while the app runs, and the
navigation depends only on a person's roles and the page. Such parts are rendered once per
language (and per the keys that name what they show) and reused by every request.
"""

from __future__ import annotations

from flask import current_app, render_template, request
from flask_babel import get_locale
from markupsafe import Markup

from elearn.core.markup import template_output

FRAGMENTS_KEY = "elearn.fragments"


def shared_fragment(template: str, *keys: object, **context: object) -> Markup:
    """``template`` rendered with ``context``, once per ``keys`` and language.

    ``keys`` must name everything the output depends on besides the language: the template
    may show nothing else about the person or the request (never a CSRF token).
    """
    cache = current_app.extensions.setdefault(FRAGMENTS_KEY, {})
    key = (template, keys, str(get_locale()), request.script_root)
    found = cache.get(key)
    if found is None:
        found = cache[key] = template_output(render_template(template, **context))
    return found
