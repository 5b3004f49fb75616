"""Access to the course loaded at start-up."""

from __future__ import annotations

from flask import Flask, current_app

from elearn.content.loader import DEFAULT_CONTENT_DIR, load_course
from elearn.content.model import Course, Module, Section

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
