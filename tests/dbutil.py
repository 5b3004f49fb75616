"""Fresh, empty databases for tests: a temporary SQLite file, or a new PostgreSQL database."""

from __future__ import annotations

import os
import re
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from elearn.config import normalise_database_url


def base_url() -> str | None:
    """The PostgreSQL server URL given to the suite (``DATABASE_URL``), or None for SQLite."""
    url = os.environ.get("DATABASE_URL", "")
    return normalise_database_url(url) if url.startswith("postgres") else None


def fresh_database(name: str, tmp_dir: Path) -> str:
    """Return the URL of an empty database named after ``name``.

    On PostgreSQL a database ``<configured db>_<name>`` is dropped and created again on the
    same server; on SQLite a new file under ``tmp_dir`` is used.
    """
    pg = base_url()
    if pg is None:
        path = tmp_dir / f"{name}.sqlite3"
        path.unlink(missing_ok=True)
        return f"sqlite:///{path}"
    url = make_url(pg)
    db_name = re.sub(r"[^a-z0-9_]", "_", f"{url.database}_{name}".lower())
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{db_name}"'))
    admin.dispose()
    return url.set(database=db_name).render_as_string(hide_password=False)


def drop_database(url: str) -> None:
    """Remove a database made by ``fresh_database`` (PostgreSQL only; files go with tmp)."""
    if not url.startswith("postgresql"):
        return
    parsed = make_url(url)
    admin = sa.create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
    admin.dispose()
