"""``flask --app elearn content check``: validate the content tree and summarise each module.

Registered as a Flask plugin command (see pyproject.toml), so it runs even when the app
itself refuses to start because the content is broken; that is when it is needed most.
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from elearn.content.loader import DEFAULT_CONTENT_DIR, ContentError, load_course
from elearn.content.surveys import load_surveys


def content_dir() -> Path:
    """The content folder: ``ELEARN_CONTENT_DIR`` or the repository's ``content/modules``."""
    return Path(os.environ.get("ELEARN_CONTENT_DIR") or DEFAULT_CONTENT_DIR)


def summary_line(module) -> str:  # noqa: ANN001 - a content Module
    """``01-henkilokohtainen-apu: 5 sections, 1432 words, 2 videos, 10 questions``."""
    return (
        f"{module.folder}: {len(module.sections)} sections, {module.words} words, "
        f"{len(module.videos)} videos, {len(module.quiz.questions)} questions"
    )


@click.group("content", help="Course content.")
def content_cli() -> None:
    """Course content commands."""


@content_cli.command("check")
@click.option(
    "--dir", "directory", type=click.Path(path_type=Path), default=None, help="Content folder."
)
def check(directory: Path | None) -> None:
    """Validate every module; print one line per module, or every problem and exit 1."""
    root = directory or content_dir()
    try:
        problems: list = []
        try:
            course = load_course(root)
        except ContentError as error:
            problems += error.problems
        surveys_dir = Path(os.environ.get("ELEARN_SURVEY_DIR") or root.parent / "surveys")
        if directory is None or surveys_dir.is_dir():
            try:
                load_surveys(surveys_dir)
            except ContentError as error:
                problems += error.problems
        if problems:
            raise ContentError(problems)
    except ContentError as error:
        for problem in error.problems:
            click.echo(str(problem), err=True)
        click.echo(f"{len(error.problems)} problem(s) found; nothing is published.", err=True)
        raise SystemExit(1) from None
    for module in course.modules:
        click.echo(summary_line(module))
    click.echo(f"{len(course.modules)} modules OK")
