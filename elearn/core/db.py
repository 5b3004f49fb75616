"""Declarative base with a naming convention, and column types shared by all models."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

from elearn.core.sql import SQLiteMedian

log = logging.getLogger("elearn")

# Stable constraint names, so migrations can refer to them on every database.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(sa.types.TypeDecorator):
    """A timezone-aware UTC instant on every database.

    SQLite keeps no time zone, so values are normalised to UTC on the way in and marked
    as UTC on the way out. Naive datetimes are refused: they are a bug waiting for DST.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where an aware UTC instant is required")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    """Base class of every model."""

    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


def configure_sqlite(engine: Engine) -> None:
    """Make SQLite enforce foreign keys, log ahead (WAL) and honour SAVEPOINT and BEGIN IMMEDIATE.

    pysqlite's own transaction handling defers BEGIN and breaks savepoints; the recipe from
    the SQLAlchemy documentation hands transaction control back to SQLAlchemy.
    """
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        # Write-ahead logging: readers and the one writer no longer block each other, and a
        # commit appends to the log instead of rewriting pages. With WAL, synchronous=NORMAL
        # keeps the database consistent after a power cut (the last commits may be lost).
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
        dbapi_connection.create_aggregate("median", 1, SQLiteMedian)

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # A transaction that must write takes the write lock at once (``begin_write`` and
        # the request lifecycle), so it waits its turn instead of failing with "database is
        # locked" mid-way.
        immediate = connection.get_execution_options().get("sqlite_immediate")
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def begin_write(session: Any) -> None:
    """Begin the session's next transaction as a writer: ``BEGIN IMMEDIATE`` on SQLite.

    For commands and background work, which commit their own small transactions (requests
    get this from ``core.lifecycle``). The session must have no transaction open: a read
    transaction on SQLite cannot become a write one once another writer has committed.
    """
    session.connection(execution_options={"sqlite_immediate": True})


def affected(result: Any) -> int:
    """The number of rows an UPDATE or DELETE changed (``Session.execute`` is typed as
    returning a plain ``Result``, which has no row count)."""
    return int(result.rowcount or 0)


def table(model: Any) -> sa.Table:
    """The ``Table`` of a mapped model (``__table__`` is typed as a plain ``FromClause``)."""
    return model.__table__
