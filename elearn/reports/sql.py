"""Small SQL helpers that read the same on SQLite and PostgreSQL.

The reports aggregate in the database; these few constructs are spelled differently by the
two dialects, so they are compiled per dialect here and nowhere else.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
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


def json_object_pairs(column: Any, dialect: str, name: str) -> Any:
    """A table of (key, value) pairs of a JSON object column; ``value`` as text or number."""
    fn = sa.func.json_each_text if dialect == "postgresql" else sa.func.json_each
    return fn(column).table_valued("key", "value", name=name)


def json_object_arrays(column: Any, dialect: str, name: str) -> Any:
    """A table of (key, value) pairs of a JSON object whose values are arrays (kept as JSON)."""
    return sa.func.json_each(column).table_valued("key", "value", name=name)


def json_array_texts(value: Any, dialect: str, name: str) -> Any:
    """A table of the elements of a JSON array of strings, as text in column ``value``."""
    if dialect == "postgresql":
        return sa.func.json_array_elements_text(value).table_valued("value", name=name)
    return sa.func.json_each(value).table_valued("value", name=name)


def median_rows(values: Any, partition: list[Any], value: Any) -> Any:
    """Median of ``value`` per ``partition`` from a subquery ``values``, with window functions.

    Returns a subquery with the partition columns and ``median``. Both middle rows are
    averaged when a partition has an even number of rows.
    """
    ordered = sa.select(
        *partition,
        value.label("v"),
        sa.func.row_number().over(partition_by=partition, order_by=value).label("rn"),
        sa.func.count().over(partition_by=partition).label("cnt"),
    ).subquery("ordered")
    middle = sa.or_(
        ordered.c.rn == (ordered.c.cnt + 1) // 2,
        ordered.c.rn == (ordered.c.cnt + 2) // 2,
    )
    keys = [ordered.c[c.name] for c in partition]
    return (
        sa.select(*keys, sa.func.avg(ordered.c.v).label("median"))
        .where(middle)
        .group_by(*keys)
        .subquery("medians")
    )
