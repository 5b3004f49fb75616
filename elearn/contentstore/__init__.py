"""The course as trainers publish it: versions of the whole content tree in the database.

The files in ``content/`` are the shipped course and the exchange format: ``flask content
import`` stores them as a new version, ``flask content export`` writes a version back, byte
for byte. Trainers edit drafts of one module (or page, or survey) at a time and publish
them as new versions; every app process serves the latest version and notices a newer one
within ``ELEARN_CONTENT_CHECK_SECONDS``.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the store's tables and its ``flask content import/export`` commands."""
    from elearn.content.cli import STORE_COMMANDS, content_cli
    from elearn.contentstore import models as _models  # noqa: F401 - registers the tables
    from elearn.contentstore.cli import run_export, run_import

    app.extensions[STORE_COMMANDS] = {"import": run_import, "export": run_export}
    app.cli.add_command(content_cli)  # also installed as a plugin, so `check` needs no app
