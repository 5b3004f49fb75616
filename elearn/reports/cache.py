"""Recently computed report figures, kept for a short while in each worker process.

Aggregating 10,000 learners takes the database a few hundred milliseconds (see
docs/performance.md); several trainers opening the same report, or one paging between a
module's questions, would pay it again and again. Figures are therefore reused for
``ELEARN_REPORT_CACHE_SECONDS`` (60 by default, 0 turns this off) and each page says when
they were computed. Only aggregate figures are kept: nothing about one learner.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from datetime import datetime, timedelta
from typing import TypeVar

T = TypeVar("T")


class FigureCache:
    """A small least-recently-used map of (key -> figures, computed at), with an age limit."""

    def __init__(self, max_entries: int = 64) -> None:
        self._entries: OrderedDict[Hashable, tuple[datetime, object]] = OrderedDict()
        self._max = max_entries
        self._lock = threading.Lock()

    def get(
        self, key: Hashable, compute: Callable[[], T], *, now: datetime, seconds: int
    ) -> tuple[T, datetime]:
        """The figures for ``key`` and when they were computed; computed now if too old."""
        if seconds > 0:
            with self._lock:
                found = self._entries.get(key)
                if found is not None and now - found[0] < timedelta(seconds=seconds):
                    self._entries.move_to_end(key)
                    return found[1], found[0]  # type: ignore[return-value]
        value = compute()
        if seconds > 0:
            with self._lock:
                self._entries[key] = (now, value)
                self._entries.move_to_end(key)
                while len(self._entries) > self._max:
                    self._entries.popitem(last=False)
        return value, now

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
