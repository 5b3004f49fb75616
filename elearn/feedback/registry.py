"""The feedback surveys loaded at start-up, and what a waiting survey is about."""

from __future__ import annotations

from flask import Flask
from flask_babel import gettext as _

from elearn.content.surveys import Survey
from elearn.courses.services import get_course, get_surveys
from elearn.feedback.services import Waiting


def init_app(app: Flask) -> None:
    """The surveys are part of the course content (``courses.services``)."""


def surveys() -> dict[str, Survey]:
    """Every survey by key, in the order of their files, of the version being served."""
    return get_surveys()


def context_label(waiting: Waiting, language: str) -> tuple[str, bool]:
    """What the survey is about, for the learner, and whether that is a module title shown
    in Finnish because it has no translation into ``language`` (the page marks its ``lang``)."""
    if waiting.survey.trigger == "module_quiz":
        module = get_course().module(waiting.context)
        if module is None:
            return waiting.context, False
        text, fell_back = module.text(language)
        return text.title, fell_back
    if waiting.survey.trigger == "discussion":
        return _("your reflective discussion"), False
    return _("the whole course"), False
