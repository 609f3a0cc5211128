"""A shop that keeps writing while a sync runs, and the log of every change it made.

Stand-in for the sandbox's own churn knob (issue 9, being added in the sandbox worktree): the
same change log shape, ``(resource, id, date_modified_gmt, kind)``, read back from the store
after each write under the store's lock, so the log is what the store really holds.
Writes: status moves and new orders (the sandbox's ``churn``), bulk edits stamping more than 100
orders in one second, trash, and permanent deletes.
"""

from __future__ import annotations

import random
import threading
import time
from typing import Any

from woo_connector.sandbox import Sandbox
from woo_connector.sandbox.resources import orders as order_resource

Change = tuple[str, int, str | None, str]


class ChurningShop:
    def __init__(self, sandbox: Sandbox, *, seed: int = 9, rate: float = 20.0, bulk_every: float = 1.5,
                 bulk_size: int = 120) -> None:
        self.sandbox = sandbox
        self.store = sandbox.store
        self.rng = random.Random(seed)
        self.rate = rate
        self.bulk_every = bulk_every
        self.bulk_size = bulk_size
        self.change_log: list[Change] = []
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> "ChurningShop":
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def _log(self, order: dict[str, Any], kind: str) -> None:
        self.change_log.append(("orders", order["id"], order["date_modified_gmt"], kind))

    def _run(self) -> None:
        next_bulk = time.monotonic() + self.bulk_every / 2
        while not self._stop.wait(1 / self.rate):
            with self.store.lock:
                if time.monotonic() >= next_bulk:
                    next_bulk = time.monotonic() + self.bulk_every
                    self.bulk_edit()
                else:
                    self.one_write()

    def live(self) -> list[dict[str, Any]]:
        return [o for o in self.store.all("order") if o["status"] != "trash"]

    def one_write(self) -> None:
        roll = self.rng.random()
        if roll < 0.05:
            order = self.rng.choice(self.live())
            order["_previous_status"] = order["status"]
            order["status"] = "trash"
            order_resource.touch(self.store, order)
            self._log(order, "trash")
        elif roll < 0.08:
            order = self.rng.choice(list(self.store.all("order")))
            self.store.delete("order", order["id"])
            self.change_log.append(("orders", order["id"], None, "delete"))
        else:
            before = {o["id"]: o["date_modified_gmt"] for o in self.store.all("order")}
            order_resource.churn(self.store, self.rng)
            for order in self.store.all("order"):
                if before.get(order["id"]) != order["date_modified_gmt"] or order["id"] not in before:
                    self._log(order, "create" if order["id"] not in before else "update")

    def bulk_edit(self) -> None:
        """More than 100 orders stamped with the same second, as one bulk action does."""
        chosen = self.rng.sample(self.live(), min(self.bulk_size, len(self.live())))
        for order in chosen:
            order["customer_note"] = f"bulk {self.rng.random():.6f}"
            order_resource.touch(self.store, order)
            self._log(order, "update")
