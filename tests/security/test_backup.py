"""Backups: a consistent copy of a live SQLite database that restores, and pg_dump/pg_restore
on PostgreSQL."""

from __future__ import annotations

import sqlite3
import subprocess
import threading
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade
from sqlalchemy.engine import make_url

from elearn import create_app
from elearn.accounts.models import Cohort, User
from elearn.extensions import db as _db
from tests.dbutil import drop_database, fresh_database


def _migrated(url: str):
    """An app on ``url`` with the schema built by the migrations."""
    app = create_app({"DATABASE_URL": url, "TESTING": True})
    with app.app_context():
        upgrade()
        _db.engine.dispose()
    return app


def _seed(url: str, email: str) -> None:
    engine = sa.create_engine(url, poolclass=sa.NullPool)
    with engine.begin() as conn:
        cohort_id = conn.execute(
            sa.insert(Cohort.__table__)
            .values(
                name="Varmuuskopioryhmä",
                employment_model="own_service",
                created_at=datetime.now(UTC),
            )
            .returning(Cohort.__table__.c.id)
        ).scalar()
        conn.execute(
            sa.insert(User.__table__).values(
                email=email,
                name="Varma Kopio",
                language="fi",
                is_active=True,
                session_nonce="n",
                cohort_id=cohort_id,
                created_at=datetime.now(UTC),
            )
        )
    engine.dispose()


def _find(url: str, email: str) -> tuple[str, str]:
    engine = sa.create_engine(url, poolclass=sa.NullPool)
    with engine.connect() as conn:
        row = conn.execute(
            sa.select(User.__table__.c.name, Cohort.__table__.c.name)
            .join(Cohort.__table__, Cohort.__table__.c.id == User.__table__.c.cohort_id)
            .where(User.__table__.c.email == email)
        ).one()
    engine.dispose()
    return tuple(row)


def test_sqlite_backup_of_a_live_database_restores(tmp_path):
    source = tmp_path / "live.sqlite3"
    url = f"sqlite:///{source}"
    app = _migrated(url)
    _seed(url, "varma@example.fi")
    stop = threading.Event()
    written = []

    def writer():
        conn = sqlite3.connect(source, timeout=30)
        while not stop.is_set():
            conn.execute(
                "INSERT INTO cohorts (name, employment_model, created_at) "
                "VALUES (?, 'own_service', '2026-11-22 10:00:00')",
                (f"Kiireinen {len(written)}",),
            )
            conn.commit()
            written.append(1)
        conn.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(written) < 20:  # the writer is busy before the backup starts
            stop.wait(0.01)
        target = tmp_path / "backup.sqlite3"
        with app.app_context():  # this app, not the suite's (whose context is active)
            result = app.test_cli_runner().invoke(args=["backup", str(target)])
    finally:
        stop.set()
        thread.join()
    assert result.exit_code == 0, result.output
    assert "Backed up" in result.output and not (tmp_path / "backup.sqlite3.partial").exists()
    copy = sqlite3.connect(target)
    assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    busy = copy.execute("SELECT count(*) FROM cohorts WHERE name LIKE 'Kiireinen %'").fetchone()[0]
    copy.close()
    assert 20 <= busy <= len(written), result.output
    # Restoring is pointing the app at the copy: the data is there, the schema is current.
    restored = f"sqlite:///{target}"
    assert _find(restored, "varma@example.fi") == ("Varma Kopio", "Varmuuskopioryhmä")
    copy = sqlite3.connect(target)
    assert copy.execute("SELECT version_num FROM alembic_version").fetchone()
    copy.close()
    # An existing file is never overwritten.
    with app.app_context():
        again = app.test_cli_runner().invoke(args=["backup", str(target)])
    assert again.exit_code != 0 and "exists already" in again.output


def test_postgresql_backup_is_refused_with_a_pointer_to_pg_dump(app, database_url, tmp_path):
    if not database_url.startswith("postgresql"):
        pytest.skip("the refusal concerns PostgreSQL; this run uses SQLite")
    target = tmp_path / "never-written.sqlite3"
    result = app.test_cli_runner().invoke(args=["backup", str(target)])
    assert result.exit_code != 0 and "pg_dump" in result.output and not target.exists()


def test_pg_dump_and_pg_restore_into_a_fresh_database(tmp_path, database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("pg_dump and pg_restore are PostgreSQL tools; this run uses SQLite")
    source = fresh_database("backup_src", tmp_path)
    target = fresh_database("backup_restored", tmp_path)
    try:
        _migrated(source)
        _seed(source, "pg-varma@example.fi")
        dump = tmp_path / "elearn.dump"

        def libpq(url: str) -> str:
            return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)

        subprocess.run(
            ["pg_dump", "--format=custom", f"--file={dump}", libpq(source)],
            check=True,
            capture_output=True,
            timeout=120,
        )
        subprocess.run(
            ["pg_restore", "--no-owner", f"--dbname={libpq(target)}", str(dump)],
            check=True,
            capture_output=True,
            timeout=120,
        )
        assert _find(target, "pg-varma@example.fi") == ("Varma Kopio", "Varmuuskopioryhmä")
        engine = sa.create_engine(target, poolclass=sa.NullPool)
        with engine.connect() as conn:
            version = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
        engine.dispose()
        assert version  # the restored database knows its migration state
    finally:
        drop_database(source)
        drop_database(target)
