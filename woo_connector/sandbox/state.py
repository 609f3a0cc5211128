"""The sandbox store's state: every object, its id counters, its clock, and its persistence.

Objects are kept as the JSON documents WooCommerce would answer with (minus ``_links``, which
depend on the address the client used), so a handler reads and writes plain dicts and a
restart from SQLite gives back exactly what was served. URLs inside documents are written
against :data:`SITE` and rewritten to the caller's base URL on the way out, because the same
store is reached over HTTP and HTTPS on ports chosen at start-up.

Ids follow WordPress: orders, products, variations, coupons and refunds share one post-id
sequence; notes and reviews share the comment sequence; customers are users.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from contextlib import contextmanager
import time
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Iterator

from woo_connector.sandbox.hookshot import Hookshot
from woo_connector.sandbox.list_cache import ListCache
from woo_connector.sandbox.wire import ApiKey

SITE = "https://sandbox.invalid"
"""Placeholder origin stored in documents; replaced by the request's base URL when rendered."""

STORE_OFFSET = timedelta(hours=11)
"""Australia/Sydney as the captured store reported it (AEDT, UTC+11), held fixed."""

ANCHOR = datetime(2026, 11, 28, 7, 9, 35, tzinfo=timezone.utc)
"""The instant the captures were taken; seeded dates are laid out before it so runs repeat."""

KINDS = (
    "order", "product", "customer", "coupon", "refund", "note", "webhook",
    "category", "tag", "attribute", "term", "review", "shipping_class",
)


def fmt_local(moment: datetime | None) -> str | None:
    """Store-time string without offset, as WooCommerce prints plain date fields.

    ``isoformat`` cut before its offset is ``%Y-%m-%dT%H:%M:%S`` for every four-digit year, at
    two thirds of ``strftime``'s cost: seeding and every write stamp thousands of these."""
    if moment is None:
        return None
    return (moment.astimezone(timezone.utc) + STORE_OFFSET).isoformat(timespec="seconds")[:19]


def fmt_gmt(moment: datetime | None) -> str | None:
    """UTC string without offset, as WooCommerce prints ``*_gmt`` fields."""
    if moment is None:
        return None
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")[:19]


def parse_gmt(text: str | None) -> datetime | None:
    """Read back a ``*_gmt`` field written by :func:`fmt_gmt`."""
    if not text:
        return None
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=timezone.utc)


def stamp(doc: dict[str, Any], field: str, moment: datetime | None) -> None:
    """Set a date field and its ``_gmt`` twin together so they can never disagree."""
    doc[field] = fmt_local(moment)
    doc[f"{field}_gmt"] = fmt_gmt(moment)


class StoreState:
    """All sandbox state behind one re-entrant lock; the transport holds it around each call.

    Resources and the seed work on this and never import :mod:`.store`, which builds a seeded
    store on top of it: that keeps the import graph one-way (store -> seed -> resources -> state).
    """

    def __init__(self, seed: int = 42, clock: Callable[[], datetime] | None = None) -> None:
        self.seed = seed
        self.lock = threading.RLock()
        self.tables: dict[str, dict[int, dict[str, Any]]] = {kind: {} for kind in KINDS}
        self.counters: dict[str, int] = {}
        self.keys: dict[str, ApiKey] = {}
        self.settings: dict[str, Any] = {}
        self._clock = clock
        self._started = time.monotonic()
        self._db: sqlite3.Connection | None = None
        self._dirty: set[tuple[str, int]] = set()
        self._deleted: set[tuple[str, int]] = set()
        self.hookshot = Hookshot()
        self.list_cache = ListCache()
        """List pages' selections and encoded documents; every write path below clears it."""

    def save(self) -> None:
        """Write what changed since the last save; without a database there is nothing to do.

        Every write request and every churn step ends here (a failed write too), which makes it
        the catch-all that drops cached list pages after in-place edits that skipped :meth:`touch`.
        """
        self.list_cache.clear()
        if self._db is None:
            return
        with self.lock, self._db:
            for kind, oid in self._deleted:
                self._db.execute("DELETE FROM objects WHERE kind = ? AND id = ?", (kind, oid))
            for kind, oid in self._dirty:
                doc = self.tables.get(kind, {}).get(oid)
                if doc is not None:
                    self._db.execute(
                        "INSERT OR REPLACE INTO objects (kind, id, doc) VALUES (?, ?, ?)",
                        (kind, oid, json.dumps(doc)),
                    )
            for name, value in (
                ("seed", str(self.seed)),
                ("counters", json.dumps(self.counters)),
                ("settings", json.dumps(self.settings)),
            ):
                self._db.execute("INSERT OR REPLACE INTO state (name, value) VALUES (?, ?)", (name, value))
            self._dirty.clear()
            self._deleted.clear()

    def close(self) -> None:
        if self._db is not None:
            self.save()
            self._db.close()
            self._db = None

    # -- clock ----------------------------------------------------------------------------------

    def now(self) -> datetime:
        """Current UTC time: the injected clock, else wall time never earlier than the seed data."""
        if self._clock is not None:
            return self._clock()
        wall = datetime.now(timezone.utc).replace(microsecond=0)
        floor = ANCHOR + timedelta(seconds=int(time.monotonic() - self._started))
        return max(wall, floor)

    def set_clock(self, clock: Callable[[], datetime] | None) -> None:
        self._clock = clock

    @contextmanager
    def frozen_clock(self) -> Iterator[datetime]:
        """Hold the clock on this second (a bulk edit's stamps), then give back the previous one."""
        moment, previous = self.now(), self._clock
        self._clock = lambda: moment
        try:
            yield moment
        finally:
            self._clock = previous

    # -- objects --------------------------------------------------------------------------------

    def next_id(self, sequence: str) -> int:
        """Allocate from a named sequence ("post", "comment", "user", "item", "meta", ...)."""
        value = self.counters.get(sequence, 1)
        self.counters[sequence] = value + 1
        return value

    def bump(self, sequence: str, at_least: int) -> None:
        """Make sure a sequence continues after ids the seed placed by hand."""
        if self.counters.get(sequence, 1) <= at_least:
            self.counters[sequence] = at_least + 1

    def get(self, kind: str, oid: Any) -> dict[str, Any] | None:
        try:
            return self.tables[kind].get(int(oid))
        except (TypeError, ValueError):
            return None

    def put(self, kind: str, doc: dict[str, Any]) -> dict[str, Any]:
        self.list_cache.clear()
        self.tables[kind][int(doc["id"])] = doc
        self._dirty.add((kind, int(doc["id"])))
        return doc

    def touch(self, kind: str, oid: int) -> None:
        """Mark an object changed in place so the next :meth:`save` writes it."""
        self.list_cache.clear()
        self._dirty.add((kind, int(oid)))

    def delete(self, kind: str, oid: int) -> None:
        self.list_cache.clear()
        self.tables[kind].pop(int(oid), None)
        self._dirty.discard((kind, int(oid)))
        self._deleted.add((kind, int(oid)))

    def all(self, kind: str) -> Iterator[dict[str, Any]]:
        return iter(list(self.tables[kind].values()))
