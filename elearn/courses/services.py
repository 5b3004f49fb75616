"""Access to the course loaded at start-up."""

from __future__ import annotations

from flask import Flask, current_app

from elearn.content.loader import DEFAULT_CONTENT_DIR, load_course
from elearn.content.model import Course, Module, Section
from elearn.progress.services import CompletionRules, CourseProgress, progress_for_learners

EXTENSION_KEY = "elearn.course"


def init_app(app: Flask) -> None:
    """Load and validate the content once; an invalid tree stops the app from starting.

    Raises:
        ContentError: naming every broken file and line.
    """
    root = app.config.get("ELEARN_CONTENT_DIR") or DEFAULT_CONTENT_DIR
    app.extensions[EXTENSION_KEY] = load_course(root)


def get_course() -> Course:
    """The course of the running app."""
    return current_app.extensions[EXTENSION_KEY]


def find(module_key: str, section_key: str | None = None) -> tuple[Module | None, Section | None]:
    """The module (and section) with these keys, or None."""
    module = get_course().module(module_key)
    if module is None or section_key is None:
        return module, None
    return module, module.section(section_key)


def completion_rules() -> CompletionRules:
    """The course completion rules from configuration (``ELEARN_REQUIRE_DISCUSSION``)."""
    return CompletionRules(require_discussion=current_app.config["ELEARN_REQUIRE_DISCUSSION"])


def learner_progress(user_id: int) -> CourseProgress:
    """One learner's progress under the configured rules."""
    return progress_for_learners(get_course(), [user_id], rules=completion_rules())[user_id]


def cohort_progress(user_ids: list[int]) -> dict[int, CourseProgress]:
    """Progress of many learners (for trainers' views) in a fixed number of queries."""
    return progress_for_learners(get_course(), user_ids, rules=completion_rules())
