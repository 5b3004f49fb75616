"""The feedback surveys loaded at start-up, and what a waiting survey is about."""

from __future__ import annotations

from flask import Flask, current_app
from flask_babel import gettext as _

from elearn.content.surveys import DEFAULT_SURVEY_DIR, Survey, load_surveys
from elearn.courses.services import get_course
from elearn.feedback.services import Waiting

SURVEYS_KEY = "elearn.surveys"


def init_app(app: Flask) -> None:
    """Load the surveys (``ELEARN_SURVEY_DIR``) once; the app refuses to start if invalid."""
    app.extensions[SURVEYS_KEY] = load_surveys(
        app.config.get("ELEARN_SURVEY_DIR") or DEFAULT_SURVEY_DIR
    )


def surveys() -> dict[str, Survey]:
    """Every survey by key, in the order of their files."""
    return current_app.extensions[SURVEYS_KEY]


def context_label(waiting: Waiting, language: str) -> str:
    """What the survey is about, for the learner."""
    if waiting.survey.trigger == "module_quiz":
        module = get_course().module(waiting.context)
        return module.text(language)[0].title if module else waiting.context
    if waiting.survey.trigger == "discussion":
        return _("your reflective discussion")
    return _("the whole course")
