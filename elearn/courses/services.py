"""The course the app serves: the latest published version in the content store, or the
shipped files while nothing has been published (a fresh database, the test suite)."""

from __future__ import annotations

import logging
from pathlib import Path

import sqlalchemy as sa
from flask import Flask, current_app

from elearn.content.loader import DEFAULT_CONTENT_DIR, load_course
from elearn.content.model import Course, Module, Section
from elearn.content.surveys import DEFAULT_SURVEY_DIR, Survey, load_surveys
from elearn.contentstore import services as store
from elearn.core.fragments import FRAGMENTS_KEY
from elearn.progress.services import CompletionRules, CourseProgress, progress_for_learners

log = logging.getLogger("elearn")

EXTENSION_KEY = "elearn.course"  # a course a test puts in place overrides what is served
SERVING_KEY = "elearn.serving"
SURVEYS_KEY = "elearn.surveys"  # the served version's surveys (feedback.registry.surveys())


def _shipped(app: Flask) -> store.Loaded:
    root = Path(app.config.get("ELEARN_CONTENT_DIR") or DEFAULT_CONTENT_DIR)
    surveys_dir = Path(app.config.get("ELEARN_SURVEY_DIR") or DEFAULT_SURVEY_DIR)
    return store.Loaded(
        number=0, course=load_course(root), surveys=load_surveys(surveys_dir), root=root.parent
    )


def _published_or_shipped(app: Flask) -> store.Loaded:
    try:
        found = store.latest()
    except sa.exc.SQLAlchemyError:  # the tables do not exist yet (before `flask db upgrade`)
        from elearn.extensions import db

        db.session.rollback()
        found = None
    if found is None:
        return _shipped(app)
    return store.load_version(found, app)


def init_app(app: Flask) -> None:
    """Load and validate the content; an invalid tree stops the app from starting. Every
    request then serves the latest published version (checked every few seconds).

    Raises:
        ContentError: naming every broken file and line.
    """
    with app.app_context():
        loaded = _published_or_shipped(app)
        from elearn.extensions import db

        db.session.remove()
    app.extensions[SERVING_KEY] = store.Serving(app, loaded, reload=_published_or_shipped)
    app.extensions[SURVEYS_KEY] = loaded.surveys
    app.before_request(_follow_published)


def _follow_published() -> None:
    serving: store.Serving = current_app.extensions[SERVING_KEY]
    if serving.refresh_if_due():
        # Rendered parts of pages hold the old texts: start them afresh.
        current_app.extensions.pop(FRAGMENTS_KEY, None)
        current_app.extensions[SURVEYS_KEY] = serving.loaded.surveys
        log.info("serving content version %s", serving.loaded.number)


def serving() -> store.Loaded:
    """The version being served."""
    return current_app.extensions[SERVING_KEY].loaded


def get_course() -> Course:
    """The course of the running app."""
    override = current_app.extensions.get(EXTENSION_KEY)
    return override if override is not None else serving().course


def get_surveys() -> dict[str, Survey]:
    """The feedback surveys of the version being served."""
    return serving().surveys


def content_version() -> int:
    """The number of the published version being served (0: the shipped files)."""
    return serving().number


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
