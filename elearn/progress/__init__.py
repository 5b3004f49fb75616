"""Learner progress: which sections a learner has read, and the one function that computes it."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the progress tables."""
    from elearn.progress import models as _models  # noqa: F401 - registers the tables
