"""``flask --app elearn backup PATH``: a consistent copy of a live SQLite database."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import click
from flask.cli import with_appcontext

from elearn.extensions import db


class BackupError(RuntimeError):
    """The backup could not be made; the message says what to do."""


def backup_sqlite(source: str, target: Path) -> None:
    """Copy the SQLite database file ``source`` to ``target`` with the online backup API.

    The API copies page by page and restarts when another connection writes, so the copy is
    a consistent snapshot even while the app is serving. The copy is written next to the
    target and renamed, so a failed run leaves no half-written file under the target name.

    Raises:
        BackupError: the target exists already.
    """
    if target.exists():
        raise BackupError(f"{target} exists already; choose a new file name.")
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    src = sqlite3.connect(source)
    try:
        dst = sqlite3.connect(partial)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    partial.rename(target)


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(path: Path) -> None:
    """Copy the live SQLite database to PATH (for PostgreSQL use pg_dump; see the README)."""
    url = db.engine.url
    if url.get_backend_name() != "sqlite":
        raise click.ClickException(
            "This command backs up SQLite databases only. For PostgreSQL use pg_dump, e.g. "
            "pg_dump --format=custom --file=elearn.dump DBNAME (see 'Backups' in the README)."
        )
    if not url.database or url.database == ":memory:":
        raise click.ClickException("The database is in memory; there is nothing to back up.")
    try:
        backup_sqlite(url.database, path)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Backed up {url.database} to {path}")
