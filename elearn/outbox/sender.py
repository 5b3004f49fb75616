"""The sender: one background thread per app process that delivers the outbox.

A request that queued mail wakes it after its commit and returns at once; the thread
delivers while the next requests are served. It also wakes by itself every
``ELEARN_MAIL_INTERVAL`` seconds, so retries happen even when nothing new is queued.
``ELEARN_MAIL_DELIVERY=cron`` leaves delivery to ``flask mail send`` alone; ``inline``
(tests only) delivers in the request's own thread right after its commit.
"""

from __future__ import annotations

import logging
import os
import threading

from flask import Flask

log = logging.getLogger("elearn.mail")


class Sender:
    """Delivers the outbox in a daemon thread, started lazily in each (forked) process."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self._event = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._pid = 0

    @property
    def mode(self) -> str:
        return self.app.config.get("ELEARN_MAIL_DELIVERY", "thread")

    def wake(self) -> None:
        """Deliver what is due soon, without waiting for it."""
        if self.mode == "inline":
            from elearn.outbox.services import deliver_due

            deliver_due()
            return
        if self.mode != "thread":
            return
        with self._lock:
            if self._thread is None or not self._thread.is_alive() or self._pid != os.getpid():
                self._event = threading.Event()
                self._stop = threading.Event()
                self._pid = os.getpid()
                self._thread = threading.Thread(
                    target=self._run, args=(self._event, self._stop), name="elearn-mail",
                    daemon=True,
                )  # fmt: skip
                self._thread.start()
        self._event.set()

    def stop(self, timeout: float = 10) -> None:
        """End the thread after the delivery it is in (an app that is thrown away: tests)."""
        with self._lock:
            thread, self._thread = self._thread, None
            self._stop.set()
            self._event.set()
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)

    def _run(self, event: threading.Event, stop: threading.Event) -> None:
        from elearn.extensions import db
        from elearn.outbox.services import deliver_due

        interval = self.app.config.get("ELEARN_MAIL_INTERVAL", 60)
        while True:
            event.wait(timeout=interval)
            event.clear()
            if stop.is_set():
                return
            try:
                with self.app.app_context():
                    try:
                        deliver_due()
                    finally:
                        db.session.remove()
            except Exception:  # noqa: BLE001 - keep the thread alive; the next wake retries
                log.exception("delivering the outbox failed")
