"""``flask --app elearn content check``: validate the content tree and summarise each module.

Registered as a Flask plugin command (see pyproject.toml), so it runs even when the app
itself refuses to start because the content is broken; that is when it is needed most.

Two kinds of findings: *errors* (the content cannot be shown: a wrong type, a missing file, a
broken link) always fail the check and stop the app from starting; *quality problems* (the
issue-19 rules in ``elearn.content.checks``: translations, dates, captions, quiz balance) are
printed, and fail the check only with ``--strict``. Warnings (a module due for review) never
fail it.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from elearn.content.checks import QualityReport, check_quality
from elearn.content.loader import DEFAULT_CONTENT_DIR, ContentError, LoadedContent, load_content
from elearn.content.model import Module, Page
from elearn.content.surveys import load_surveys


def content_dir() -> Path:
    """The content folder: ``ELEARN_CONTENT_DIR`` or the repository's ``content/modules``."""
    return Path(os.environ.get("ELEARN_CONTENT_DIR") or DEFAULT_CONTENT_DIR)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def summary_line(module: Module, report: QualityReport | None = None) -> str:
    """One module in a line, with the languages it is complete in.

    ``01-henkilokohtainen-apu: 6 sections, 2432 words, 1 video, 10 questions, fi sv en complete``
    """
    line = (
        f"{module.folder}: {_count(len(module.sections), 'section')}, {module.words} words, "
        f"{_count(len(module.videos), 'video')}, {_count(len(module.quiz.questions), 'question')}"
    )
    if report is not None:
        line += f", {' '.join(report.complete_languages(module.folder))} complete"
    return line


def page_line(page: Page, report: QualityReport) -> str:
    """``pages/kun-tarvitset-apua: 412 words, fi sv en complete``."""
    unit = f"pages/{page.key}"
    words = page.texts["fi"].words
    return f"{unit}: {words} words, {' '.join(report.complete_languages(unit))} complete"


def _load(root: Path, surveys_dir: Path | None) -> LoadedContent:
    problems: list = []
    content = None
    try:
        content = load_content(root)
    except ContentError as error:
        problems += error.problems
    if surveys_dir is not None:
        try:
            load_surveys(surveys_dir)
        except ContentError as error:
            problems += error.problems
    if problems:
        raise ContentError(problems)
    assert content is not None  # noqa: S101 - no problems means it loaded
    return content


@click.group("content", help="Course content.")
def content_cli() -> None:
    """Course content commands."""


@content_cli.command("check")
@click.option(
    "--dir", "directory", type=click.Path(path_type=Path), default=None, help="Content folder."
)
@click.option(
    "--strict", is_flag=True, help="Quality problems (translations, dates, captions) fail too."
)
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    hidden=True,
    help="Check dates against this day instead of today (for tests).",
)
def check(directory: Path | None, strict: bool, today) -> None:  # noqa: ANN001 - click datetime
    """Validate every module and page; print one line each, then the problems found."""
    root = directory or content_dir()
    surveys_dir = Path(os.environ.get("ELEARN_SURVEY_DIR") or root.parent / "surveys")
    try:
        content = _load(root, surveys_dir if directory is None or surveys_dir.is_dir() else None)
    except ContentError as error:
        for problem in error.problems:
            click.echo(str(problem), err=True)
        click.echo(f"{len(error.problems)} problem(s) found; nothing is published.", err=True)
        raise SystemExit(1) from None
    report = check_quality(content, today=today.date() if today else date.today())
    course = content.course
    for module in course.modules:
        click.echo(summary_line(module, report))
    for page in course.pages:
        click.echo(page_line(page, report))
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    for problem in report.problems:
        click.echo(str(problem), err=True)
    what = _count(len(course.modules), "module")
    if course.pages:
        what += f", {_count(len(course.pages), 'page')}"
    if report.problems:
        click.echo(
            f"{_count(len(report.problems), 'quality problem')} "
            + ("(--strict: they are errors)" if strict else "(errors with --strict)"),
            err=True,
        )
        if strict:
            raise SystemExit(1)
    click.echo(f"{what} OK")


# The content store (the database) is not this package's business: these commands find their
# implementation in the app (registered by ``elearn.contentstore``), so `content check` keeps
# working without an app while `import` and `export` need one.
STORE_COMMANDS = "elearn.content.store_commands"


@content_cli.command("import")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path), default="content")
@click.option("--note", default="", help="The change note of the new version.")
@click.option(
    "--if-empty",
    is_flag=True,
    help="Import only when nothing has been published (a fresh install).",
)
@with_appcontext
def import_command(directory: Path, note: str, if_empty: bool) -> None:
    """Store the course files under DIRECTORY (modules/, pages/, surveys/) as a new version."""
    current_app.extensions[STORE_COMMANDS]["import"](directory, note, if_empty)


@content_cli.command("export")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--version", "number", type=int, default=None, help="Default: the latest.")
@with_appcontext
def export_command(directory: Path, number: int | None) -> None:
    """Write a published version's files under DIRECTORY (new or empty), byte for byte."""
    current_app.extensions[STORE_COMMANDS]["export"](directory, number)
