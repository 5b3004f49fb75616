"""Small SQL helpers that read the same on SQLite and PostgreSQL.

The reports and the read models they aggregate use a few constructs that the two dialects
spell differently; they are compiled per dialect here and nowhere else.
"""

from __future__ import annotations

import functools
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import GenericFunction


class greatest(GenericFunction):  # noqa: N801 - SQL function name
    """The larger of two values (NULL if either is NULL on SQLite; use with non-NULL values)."""

    inherit_cache = True


class least(GenericFunction):  # noqa: N801 - SQL function name
    """The smaller of two values (use with non-NULL values)."""

    inherit_cache = True


@compiles(greatest, "sqlite")
def _greatest_sqlite(element: Any, compiler: Any, **kw: Any) -> str:
    return f"max({compiler.process(element.clauses, **kw)})"


@compiles(least, "sqlite")
def _least_sqlite(element: Any, compiler: Any, **kw: Any) -> str:
    return f"min({compiler.process(element.clauses, **kw)})"


class seconds_between(GenericFunction):  # noqa: N801 - SQL function name
    """Seconds from the second instant to the first, as a float."""

    type = sa.Float()
    inherit_cache = True


@compiles(seconds_between, "sqlite")
def _seconds_sqlite(element: Any, compiler: Any, **kw: Any) -> str:
    later, earlier = (compiler.process(c, **kw) for c in element.clauses)
    return f"((julianday({later}) - julianday({earlier})) * 86400.0)"


@compiles(seconds_between, "postgresql")
def _seconds_pg(element: Any, compiler: Any, **kw: Any) -> str:
    later, earlier = (compiler.process(c, **kw) for c in element.clauses)
    return f"EXTRACT(EPOCH FROM ({later} - {earlier}))"


class string_agg(GenericFunction):  # noqa: N801 - SQL function name
    """The values of a text column joined with commas, in no particular order (NULL if none)."""

    type = sa.Text()
    inherit_cache = True


@compiles(string_agg, "sqlite")
def _string_agg_sqlite(element: Any, compiler: Any, **kw: Any) -> str:
    return f"group_concat({compiler.process(element.clauses, **kw)}, ',')"


@compiles(string_agg, "postgresql")
def _string_agg_pg(element: Any, compiler: Any, **kw: Any) -> str:
    return f"string_agg({compiler.process(element.clauses, **kw)}, ',')"


def dialect_of(bind: Any) -> str:
    """ "sqlite" or "postgresql", for a connection or a (scoped) session."""
    return (bind if isinstance(bind, sa.Connection) else bind.get_bind()).dialect.name


def insert_or_lock(bind: Any, table: sa.Table, values: dict[str, Any], keys: list[str]) -> None:
    """Insert a row, or when it exists, lock it (a no-op update) until the transaction ends.

    On PostgreSQL the lock makes a concurrent transaction that wants the same row wait, so
    whatever it computes next sees this one's committed changes; SQLite serialises writers.
    """
    bind.execute(_insert_or_lock_statement(dialect_of(bind), table, tuple(keys)), values)


@functools.cache
def _insert_or_lock_statement(dialect: str, table: sa.Table, keys: tuple[str, ...]) -> Any:
    # Built once per table: the values come as parameters (a learner's every reading and
    # submission makes one).
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(table)
    return stmt.on_conflict_do_update(
        index_elements=list(keys), set_={keys[0]: stmt.excluded[keys[0]]}
    )


class median(GenericFunction):  # noqa: N801 - SQL function name
    """The median of a group's values; for an even count, the mean of the two middle ones.

    PostgreSQL has it as ``percentile_cont(0.5)``; on SQLite ``configure_sqlite`` registers
    ``SQLiteMedian`` as the aggregate ``median``. Unlike ranking rows with window functions,
    this needs one sort per group, which keeps report pages fast at 10,000 learners.
    """

    type = sa.Float()
    inherit_cache = True


@compiles(median, "postgresql")
def _median_pg(element: Any, compiler: Any, **kw: Any) -> str:
    values = compiler.process(element.clauses, **kw)
    return f"percentile_cont(0.5) WITHIN GROUP (ORDER BY {values})"


class SQLiteMedian:
    """The ``median`` aggregate for SQLite (see ``median``); NULLs are left out."""

    def __init__(self) -> None:
        self.values: list[float] = []

    def step(self, value: float | None) -> None:
        if value is not None:
            self.values.append(value)

    def finalize(self) -> float | None:
        values = sorted(self.values)
        n = len(values)
        if not n:
            return None
        return (values[(n - 1) // 2] + values[n // 2]) / 2
