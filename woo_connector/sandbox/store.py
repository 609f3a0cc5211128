"""The seeded sandbox store: :class:`.state.StoreState` plus how a store is made, reopened and churned.

This is the top of the store's import graph: it may use the seed and the resources, and
nothing below it imports it back (they work on :class:`.state.StoreState`).
"""

from __future__ import annotations

import hashlib
import json
import pickle
import random
import sqlite3

from woo_connector.sandbox import seed as seeding
from woo_connector.sandbox.resources import orders as order_resource
from woo_connector.sandbox.state import (  # noqa: F401 (re-exported for callers of the old module)
    ANCHOR, SITE, STORE_OFFSET, StoreState, fmt_gmt, fmt_local, parse_gmt, stamp,
)
from woo_connector.sandbox.wire import ApiKey


MAX_SEEDED = 16
"""Seeded stores remembered per process (a few hundred kB each)."""
MAX_SEEDED_ORDERS = 2000
"""Larger stores (the benchmark's 10,000 orders) are seeded once per process anyway: keeping a
pickle of one would only cost its memory for the process's life."""
_SEEDED: dict[tuple[int, int, bool], bytes] = {}
"""What :meth:`Store.create` seeded, by (seed, orders, prices_include_tax), pickled right after seeding.

Seeding is deterministic (the seed's ``random.Random`` and the fixed :data:`ANCHOR`, never the wall
clock) and cost ~0.2 s for 300 orders, most of a test that starts its own sandbox; unpickling the
same documents, counters, settings and pending saves gives an equal, unshared store in a tenth of that. Each
store gets its own copy, so a write to one never reaches another or the template."""


class Store(StoreState):
    """A sandbox store: seeded from a number, optionally persisted in SQLite."""

    # -- construction -------------------------------------------------------------------------

    @classmethod
    def create(cls, seed: int = 42, orders: int = 300, prices_include_tax: bool = True) -> "Store":
        """A fresh in-memory store seeded deterministically from ``seed``; ``prices_include_tax``
        picks the store kind (True: the captured AU store, GST in the prices; False: US-style)."""
        store = cls(seed=seed)
        store.keys = make_keys(seed)
        kind = (seed, orders, prices_include_tax)
        seeded = _SEEDED.get(kind)
        if seeded is None:
            seeding.populate(store, random.Random(seed), orders, prices_include_tax)
            if orders <= MAX_SEEDED_ORDERS:
                if len(_SEEDED) >= MAX_SEEDED:
                    _SEEDED.clear()
                _SEEDED[kind] = pickle.dumps((store.tables, store.counters, store.settings, store._dirty, store._deleted),
                                             pickle.HIGHEST_PROTOCOL)
        else:
            store.tables, store.counters, store.settings, store._dirty, store._deleted = pickle.loads(seeded)
        return store

    @classmethod
    def open(cls, db_path: str, seed: int = 42, orders: int = 300, prices_include_tax: bool = True) -> "Store":
        """A store persisted in SQLite at ``db_path``: loaded when present, seeded when not."""
        db = sqlite3.connect(db_path, check_same_thread=False)
        db.execute("CREATE TABLE IF NOT EXISTS objects (kind TEXT, id INTEGER, doc TEXT, PRIMARY KEY (kind, id))")
        db.execute("CREATE TABLE IF NOT EXISTS state (name TEXT PRIMARY KEY, value TEXT)")
        row = db.execute("SELECT value FROM state WHERE name = 'seed'").fetchone()
        if row is None:
            store = cls.create(seed=seed, orders=orders, prices_include_tax=prices_include_tax)
            store._db = db
            store._dirty = {(kind, oid) for kind, table in store.tables.items() for oid in table}
            store.save()
            return store
        store = cls(seed=int(row[0]))
        store.keys = make_keys(store.seed)
        for kind, oid, doc in db.execute("SELECT kind, id, doc FROM objects"):
            store.tables.setdefault(kind, {})[oid] = json.loads(doc)
        state = dict(db.execute("SELECT name, value FROM state"))
        store.counters = json.loads(state.get("counters", "{}"))
        store.settings = json.loads(state.get("settings", "{}"))
        store._db = db
        return store

    # -- simulated shop activity ----------------------------------------------------------------

    def churn(self, rng: random.Random) -> None:
        """One write a real shop would make meanwhile: a new order, or an existing one changed."""
        with self.lock:
            order_resource.churn(self, rng)
            self.save()


def make_keys(seed: int) -> dict[str, ApiKey]:
    """Three REST keys derived from the seed, shaped like WooCommerce's (ck_/cs_ + 40 hex)."""

    def hex40(label: str) -> str:
        return hashlib.sha1(f"woo-sandbox:{seed}:{label}".encode()).hexdigest()

    keys = [
        ApiKey(f"ck_{hex40('rw-key')}", f"cs_{hex40('rw-secret')}", "read_write", 1, "administrator"),
        ApiKey(f"ck_{hex40('ro-key')}", f"cs_{hex40('ro-secret')}", "read", 1, "administrator"),
        ApiKey(f"ck_{hex40('sm-key')}", f"cs_{hex40('sm-secret')}", "read_write", 2, "shop_manager"),
    ]
    return {key.consumer_key: key for key in keys}
