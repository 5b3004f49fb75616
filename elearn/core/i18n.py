"""Languages: choosing the locale, template translations and local date formatting."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import Flask, current_app, g, session
from flask_babel import format_date, format_datetime, format_decimal, get_locale, get_translations
from flask_login import current_user
from jinja2 import pass_eval_context

from elearn.core.markup import format_translation
from elearn.core.time import is_ambiguous, local_zone, to_local

LANGUAGE_NAMES = {"fi": "Suomeksi", "sv": "På svenska", "en": "In English"}
# Each language named in itself (captions tracks, language lists).
LANGUAGE_ENDONYMS = {"fi": "Suomi", "sv": "Svenska", "en": "English"}


def select_locale() -> str:
    """Language: the person's saved choice, else the session's, else Finnish."""
    languages = current_app.config["LANGUAGES"]
    if current_user and current_user.is_authenticated and current_user.language in languages:
        return str(current_user.language)
    chosen = session.get("lang")
    if chosen in languages:
        return str(chosen)
    return str(current_app.config["BABEL_DEFAULT_LOCALE"])


def current_language() -> str:
    """The language of the page being made ("fi", "sv" or "en")."""
    return str(get_locale())


def format_local_datetime(value: datetime | None, fmt: str = "medium") -> str:
    """Format an instant in the service's zone and the current locale ("24.12.2026 klo 9.30")."""
    if value is None:
        return ""
    if str(get_locale()) == "fi" and fmt == "medium":
        # CLDR gives "24.12.2026 klo 9.30.00"; Finnish usage drops the seconds.
        text = format_datetime(value, "d.M.yyyy 'klo' H.mm")
    else:
        text = format_datetime(value, fmt)
    # The hour repeated in autumn is shown with its zone, so it is never ambiguous.
    if is_ambiguous(value, local_zone()):
        text += f" ({to_local(value).tzname()})"
    return text


def _translations() -> Any:
    """The catalogue of the language in use, looked up once per request and language.

    ``force_locale`` (a mail in its recipient's language) puts another locale object in
    place, which makes a new look-up here.
    """
    locale = get_locale()
    if locale is None:  # outside a request or app context
        return get_translations()
    cached = g.get("_elearn_translations")
    if cached is None or cached[0] is not locale:
        cached = g._elearn_translations = (locale, get_translations())
    return cached[1]


# Templates translate a few dozen strings per page. Jinja's own newstyle callables take the
# template context, and inside a block or loop that makes it derive a new context for each
# call, twice for ``_``; Flask-Babel's look the catalogue up for each string. These take
# only the evaluation context (for autoescaping) and the catalogue of ``_translations``,
# and otherwise do what Jinja's do: the result is always a format string.


def _formatted(eval_ctx: Any, text: str, variables: dict[str, Any]) -> str:
    return format_translation(text, variables, html=eval_ctx.autoescape)


@pass_eval_context
def _gettext(eval_ctx: Any, message: str, **variables: Any) -> str:
    return _formatted(eval_ctx, _translations().ugettext(message), variables)


@pass_eval_context
def _ngettext(eval_ctx: Any, singular: str, plural: str, num: int, **variables: Any) -> str:
    variables.setdefault("num", num)
    return _formatted(eval_ctx, _translations().ungettext(singular, plural, num), variables)


def init_app(app: Flask) -> None:
    """Register the template translations, the language names and the date filters."""

    @app.context_processor
    def _language_globals() -> dict[str, Any]:
        return {"LANGUAGE_NAMES": LANGUAGE_NAMES, "current_locale": str(get_locale())}

    app.jinja_env.globals.update(
        _=_gettext, gettext=_gettext, ngettext=_ngettext, LANGUAGE_ENDONYMS=LANGUAGE_ENDONYMS
    )
    app.jinja_env.filters["local_datetime"] = format_local_datetime
    app.jinja_env.filters["local_date"] = lambda v: format_date(v) if isinstance(v, date) else ""
    app.jinja_env.filters["local_date_of_instant"] = lambda v: format_date(to_local(v)) if v else ""
    app.jinja_env.filters["format_decimal"] = format_decimal
