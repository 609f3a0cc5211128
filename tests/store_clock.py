"""A sandbox store clock that a test moves forward instead of sleeping out the settle margin.

A sync reads the records stamped up to the store's ``Date`` header minus ``SETTLE_SECONDS``. The
sandbox stamps records and dates its answers from one clock (``StoreState.now``), as one real
host does, so moving that clock forward is, for the store and every client of it, the same as
waiting: the same records fall inside the window, without the test spending the seconds.
"""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta
from typing import Any

from woo_connector.sync.window import SETTLE_SECONDS


class StoreClock:
    """The store's own time, ticking with the wall clock, plus whatever :meth:`advance` added."""

    def __init__(self, start: datetime) -> None:
        self._start, self._started = start, time.monotonic()
        self._offset = timedelta(0)
        self._lock = threading.Lock()

    def __call__(self) -> datetime:
        with self._lock:
            offset = self._offset
        return self._start + timedelta(seconds=int(time.monotonic() - self._started)) + offset

    def advance(self, seconds: float) -> None:
        """Let ``seconds`` pass for the store at once (whole seconds: the store's stamps are)."""
        with self._lock:
            self._offset += timedelta(seconds=int(-(-seconds // 1)))

    def settle(self) -> None:
        """Past the settle margin: every write made so far is inside the next run's window."""
        self.advance(SETTLE_SECONDS + 1)


def drive(store: Any) -> StoreClock:
    """Put ``store`` on a :class:`StoreClock` that starts at its current time; returns the clock."""
    clock = StoreClock(store.now())
    store.set_clock(clock)
    return clock
