"""Count the SQL statements of each request and report them in the ``X-Query-Count`` header.

For the benchmark (``ELEARN_COUNT_QUERIES=1``); off by default, so production pays nothing.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, g, has_request_context
from sqlalchemy import event

from elearn.extensions import db

HEADER = "X-Query-Count"


def init_app(app: Flask) -> None:
    """Count statements on ``app``'s engine per request and add the header to each response."""
    with app.app_context():
        engine = db.engine

    @event.listens_for(engine, "before_cursor_execute")
    def _count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        # SQLite's explicit BEGIN (core/db.py) is left out: PostgreSQL's driver sends its BEGIN
        # without a statement, and the figures should compare across the two.
        if has_request_context() and not statement.startswith("BEGIN"):
            g.query_count = g.get("query_count", 0) + 1

    def _reset() -> None:
        g.query_count = 0

    # First of all before-request functions: the idle-session check loads the person before
    # any view, and that query belongs to the request too.
    app.before_request_funcs.setdefault(None, []).insert(0, _reset)

    @app.after_request
    def _report(response: Any) -> Any:
        response.headers[HEADER] = str(g.get("query_count", 0))
        return response
