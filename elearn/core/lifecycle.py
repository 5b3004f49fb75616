"""One request lifecycle: one transaction per request, committed in one place.

Services flush and never commit. The request ends here (Indico's request handler is the
model): a response below 400 commits the request's transaction, anything else rolls it
back, and nothing after a successful commit can turn the answer into an error. Work that
must wait for the commit (waking the mail sender) is queued with ``after_commit``.

Writers are declared, not guessed: every POST (and other unsafe method) and every GET view
marked with ``@writes`` begins its transaction with the database's write lock on SQLite
(``BEGIN IMMEDIATE``), so concurrent writers wait their turn instead of failing with
"database is locked" when a read transaction tries to become a write one. A GET that is not
marked may not write; in development and tests such a write is an error.

Lost database connections: a read-only request that loses its connection is run once more
on a fresh one; a writing request that fails before its commit answers the localized
"please try again" page (503), never a 500.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any, TypeVar

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import Flask, current_app, g, request, session
from flask.signals import request_finished, request_started
from sqlalchemy import event

from elearn.extensions import db

log = logging.getLogger("elearn")

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Whether the session's current transaction wrote (flushed ORM changes or ran a DML
# statement); kept in ``Session.info`` by the listeners below.
WROTE = "elearn_wrote"
F = TypeVar("F", bound=Callable[..., Any])


def writes(view: F) -> F:
    """Mark a GET view that writes (opening a quiz creates the attempt; a preparation view
    records its audit entry): its request takes the write lock first and commits."""
    view._elearn_writes = True  # type: ignore[attr-defined]
    return view


def is_writer() -> bool:
    """Whether the current request may write."""
    if request.method not in SAFE_METHODS:
        return True
    view = current_app.view_functions.get(request.endpoint or "")
    return bool(getattr(view, "_elearn_writes", False))


def after_commit(callback: Callable[[], None]) -> None:
    """Run ``callback`` once the request's transaction has committed (never on rollback).

    Outside a request (commands, the sender thread) nothing is run: a command commits and
    then does its own follow-up work (``reminders send`` delivers the mail it queued).
    """
    from flask import has_request_context

    if not has_request_context():
        return
    g.setdefault("elearn_after_commit", []).append(callback)


# What a database says when it is busy, gone or out of reach: worth a "try again" (503).
_TRANSIENT = re.compile(
    r"database is locked|database table is locked|could not connect|connection refused|"
    r"server closed the connection|terminating connection|connection is closed|"
    r"connection not open|connection already closed|consuming input failed|socket closed|"
    r"the database system is (?:starting up|shutting down)|timeout|timed out",
    re.IGNORECASE,
)


def is_unavailable(exc: BaseException) -> bool:
    """The database could not be reached, lost the connection or stayed busy: a condition
    that passes, not a bug in a statement."""
    if isinstance(exc, sa.exc.TimeoutError):
        return True
    if isinstance(exc, sa.exc.DBAPIError):
        if exc.connection_invalidated:
            return True
        if isinstance(exc, sa.exc.OperationalError | sa.exc.InterfaceError) and _TRANSIENT.search(
            str(exc.orig)
        ):
            return True
        # A pool's ping that found the socket closed can surface as another driver error
        # raised while handling it (psycopg: "can't change 'autocommit' now").
        seen = exc.orig.__context__ if exc.orig is not None else None
        for _ in range(3):
            if seen is None:
                break
            if _TRANSIENT.search(str(seen)):
                return True
            seen = seen.__context__
    return False


def _begin() -> None:
    g.elearn_writer = writer = is_writer()
    db.session.info.pop(WROTE, None)
    # (A session already in a transaction is a test's, bound to its own connection.)
    if writer and db.engine.dialect.name == "sqlite" and not db.session().in_transaction():
        db.session.connection(execution_options={"sqlite_immediate": True})


def _session_wrote(session_: Any) -> bool:
    return bool(session_.info.get(WROTE) or session_.new or session_.dirty or session_.deleted)


def end_transaction(response: Any) -> Any:
    """Commit on success, roll back otherwise; a failed commit answers 503."""
    if not db.session.registry.has():
        return response
    session_ = db.session.registry()
    failed = response.status_code >= 400 or g.get("elearn_rollback")
    if failed:
        _quiet_rollback(session_)
        return response
    try:
        if not g.get("elearn_writer", True) and _session_wrote(session_):
            # A bug: in development and tests it is an error page and nothing is saved; in
            # production the change is kept (the person did nothing wrong) and logged.
            log.error("GET %s wrote to the database without @writes", request.endpoint)
            if current_app.config.get("ELEARN_ENV") != "production":
                session_.rollback()
                from elearn.core.errors import render_error

                return current_app.make_response(render_error(500))
        session_.commit()
    except Exception as exc:  # noqa: BLE001 - the commit failed: nothing was saved
        log.warning("commit failed on %s %s: %s", request.method, request.path, exc)
        _quiet_rollback(session_)
        if not g.get("elearn_writer", True):
            return response  # it only read: the page is complete, nothing was to be saved
        session.pop("_flashes", None)  # they announced what was not saved
        from elearn.core.errors import render_unavailable

        return current_app.make_response(render_unavailable())
    for callback in g.pop("elearn_after_commit", []):
        try:
            callback()
        except Exception:  # noqa: BLE001 - the change is saved; the answer stays a success
            log.exception("after-commit work failed on %s %s", request.method, request.path)
    return response


class ElearnFlask(Flask):
    """Flask with the request lifecycle above: the commit sits between the view's response
    and the after-request hooks, and a read that lost its connection is retried once."""

    def full_dispatch_request(self) -> Any:
        self._got_first_request = True
        try:
            request_started.send(self, _async_wrapper=self.ensure_sync)
            rv = self._dispatch_once_more_on_lost_connection()
        except Exception as e:  # noqa: BLE001 - Flask's own error handling takes it
            rv = self.handle_user_exception(e)
        return self.finalize_request(rv)

    def _dispatch_once_more_on_lost_connection(self) -> Any:
        try:
            rv = self.preprocess_request()
            return rv if rv is not None else self.dispatch_request()
        except sa.exc.DBAPIError as exc:
            if not (exc.connection_invalidated or is_unavailable(exc)) or g.get(
                "elearn_writer", True
            ):
                raise
            log.warning("read on %s lost its database connection; trying once more", request.path)
            db.session.rollback()
            rv = self.preprocess_request()
            return rv if rv is not None else self.dispatch_request()

    def finalize_request(self, rv: Any, from_error_handler: bool = False) -> Any:
        response = self.make_response(rv)
        response = end_transaction(response)
        try:
            response = self.process_response(response)
            request_finished.send(self, _async_wrapper=self.ensure_sync, response=response)
        except Exception:
            if not from_error_handler:
                raise
            self.logger.exception("Request finalizing failed with an error while handling an error")
        return response


@event.listens_for(so.Session, "after_flush")
def _flushed(session_: Any, _context: Any) -> None:
    session_.info[WROTE] = True


@event.listens_for(so.Session, "do_orm_execute")
def _executed(state: Any) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info[WROTE] = True


@event.listens_for(so.Session, "after_transaction_end")
def _ended(session_: Any, transaction: Any) -> None:
    if transaction.parent is None:
        session_.info.pop(WROTE, None)


def _quiet_rollback(session_: Any) -> None:
    """Roll back; a connection that is already gone has nothing to roll back."""
    try:
        session_.rollback()
    except sa.exc.SQLAlchemyError:
        log.warning("rollback failed (the connection was lost)", exc_info=True)


def _remove_session(_exc: BaseException | None) -> None:
    # Runs before Flask-SQLAlchemy's own removal: closing a session whose connection the
    # server has ended raises, and an exception here would turn a finished answer into a 500.
    try:
        db.session.remove()
    except sa.exc.SQLAlchemyError:
        log.warning("closing the session failed (the connection was lost)", exc_info=True)
        db.session.registry.clear()


def init_app(app: Flask) -> None:
    """Begin each request's transaction before any other hook reads the database, and end
    the session safely after it."""
    app.before_request_funcs.setdefault(None, []).insert(0, _begin)
    app.teardown_appcontext(_remove_session)
