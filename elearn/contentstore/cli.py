"""What ``flask --app elearn content import DIR`` and ``content export DIR`` do (the commands
themselves are in ``elearn.content.cli``)."""

from __future__ import annotations

from pathlib import Path

import click

from elearn.content.problems import ContentError
from elearn.contentstore import services as store
from elearn.core.time import utcnow
from elearn.extensions import db


def run_import(directory: Path, note: str, if_empty: bool) -> None:
    """``flask content import``: store the course files under DIRECTORY as a new version."""
    if if_empty and store.latest_number():
        click.echo(f"Content version {store.latest_number()} is published; nothing imported.")
        return
    try:
        published = store.import_tree(
            directory, note=note or f"Imported from {directory}", author_id=None, now=utcnow()
        )
    except ContentError as error:
        for problem in error.problems:
            click.echo(str(problem), err=True)
        raise click.ClickException(f"{len(error.problems)} problem(s); nothing imported.") from None
    except store.NothingToPublish:
        click.echo("The files are the same as the published version; nothing imported.")
        return
    db.session.commit()
    click.echo(
        f"Published content version {published.number} "
        f"({len(published.manifest)} files; changed: {', '.join(published.changed)})"
    )


def run_export(directory: Path, number: int | None) -> None:
    """``flask content export``: write a published version's files under DIRECTORY."""
    found = store.version(number) if number else store.latest()
    if found is None:
        raise click.ClickException("Nothing has been published.")
    try:
        store.write_tree(found.manifest, directory)
    except FileExistsError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Wrote content version {found.number} ({len(found.manifest)} files) to {directory}")
