"""A shop that keeps changing while a client syncs: the churn knob and its change log.

A sync is only proven against a store that moves under it: orders created and edited at a
steady rate, bulk edits that stamp more than a hundred records with the same second (what one
WooCommerce batch does, 266-268), and records trashed or deleted for good. :class:`Churn` writes
through the same route handlers clients reach, in a background thread, and appends every
change to :attr:`Churn.log` as a :class:`Change`, so a test can compare what a sync saw with
what really changed. It is bounded (``duration`` and ``limit``) and stops with the sandbox.
"""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass
from typing import Any

from .routes import dispatch
from .wire import Request, Response


@dataclass(frozen=True)
class Change:
    """One change the churn made: the record, its stamp after the change, and what happened."""

    resource: str  # "order", "product", "customer", "coupon"
    id: int
    date_modified_gmt: str | None
    kind: str  # "created", "updated", "trashed", "deleted"


BULK_SIZE = 120
"""More than one batch call's worth (100), so a bulk edit spans two calls in one second."""


class Churn:
    """A background writer; start with :meth:`start`, it ends by itself or on :meth:`stop`."""

    def __init__(self, store: Any, log: list[Change], *, rate: float = 20.0, duration: float = 10.0,
                 limit: int = 5000, bulk_every: int = 50, bulk_size: int = BULK_SIZE,
                 deletes: bool = True, trash: bool = True, seed: int = 0) -> None:
        if rate <= 0 or duration <= 0 or limit <= 0:
            raise ValueError("rate, duration and limit must be positive")
        self.store, self.log = store, log
        self.rate, self.duration, self.limit = rate, duration, limit
        self.bulk_every, self.bulk_size = bulk_every, bulk_size
        self.deletes, self.trash = deletes, trash
        self.rng = random.Random(seed)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="woo-sandbox-churn", daemon=True)
        self._log_lock = threading.Lock()

    # -- lifecycle --------------------------------------------------------------------------------

    def start(self) -> "Churn":
        self._thread.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout)

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def wait(self, timeout: float | None = None) -> bool:
        """Until the churn has ended by itself; True when it has."""
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def _run(self) -> None:
        ends = time.monotonic() + self.duration
        tick = 0
        while not self._stop.is_set() and time.monotonic() < ends and len(self.log) < self.limit:
            tick += 1
            if self.bulk_every and tick % self.bulk_every == 0:
                self.bulk_edit()
            else:
                self.step()
            self._stop.wait(1.0 / self.rate)

    # -- changes ----------------------------------------------------------------------------------

    def step(self) -> None:
        """One ordinary change, chosen the way a shop's day mixes them."""
        roll = self.rng.random()
        if roll < 0.25:
            self._record("order", "created", self._call("POST", "/orders", self._new_order()))
        elif roll < 0.35 and self.trash:
            self._remove("order", force=False)
        elif roll < 0.42 and self.deletes:
            self._remove("order", force=True)
        elif roll < 0.47 and self.trash:
            self._remove("coupon", force=False)
        elif roll < 0.57:
            self._update("product", {"regular_price": f"{self.rng.randint(5, 90)}.00"})
        elif roll < 0.65:
            self._update("customer", {"billing": {"phone": f"04{self.rng.randint(10000000, 99999999)}"}})
        else:
            self._update("order", {"customer_note": f"churn {self.rng.random():.6f}"})

    def bulk_edit(self) -> None:
        """``bulk_size`` orders edited in one second, through the batch route (100 per call)."""
        with self.store.lock:
            ids = [o["id"] for o in self.store.all("order") if o["status"] != "trash"]
            chosen = self.rng.sample(ids, min(self.bulk_size, len(ids)))
            with self.store.frozen_clock() as frozen:
                for start in range(0, len(chosen), 100):
                    part = [{"id": oid, "meta_data": [{"key": "churn_bulk", "value": str(frozen)}]}
                            for oid in chosen[start:start + 100]]
                    answer = self._call("POST", "/orders/batch", {"update": part})
                    for doc in answer.body.get("update", []) if isinstance(answer.body, dict) else []:
                        self._log("order", doc["id"], doc.get("date_modified_gmt"), "updated")

    def _update(self, resource: str, body: dict[str, Any]) -> None:
        target = self._pick(resource)
        if target is not None:
            self._record(resource, "updated", self._call("PUT", f"/{resource}s/{target}", body))

    def _remove(self, resource: str, force: bool) -> None:
        target = self._pick(resource)
        if target is None:
            return
        answer = self._call("DELETE", f"/{resource}s/{target}", None, {"force": "true"} if force else {})
        if answer.status == 200:
            # the answer shows the record as it was; a trashed one was stamped again by the trash
            doc = None if force else self.store.get(resource, target)
            stamp = doc.get("date_modified_gmt") if doc else self._now()
            self._log(resource, target, stamp, "deleted" if force else "trashed")

    def _pick(self, resource: str) -> int | None:
        with self.store.lock:
            ids = sorted(d["id"] for d in self.store.all(resource)
                         if d.get("status") != "trash" and d.get("type") != "variation")
        return self.rng.choice(ids) if ids else None

    def _new_order(self) -> dict[str, Any]:
        with self.store.lock:
            products = sorted(p["id"] for p in self.store.all("product")
                              if p["type"] == "simple" and p["status"] == "publish")
        lines = [{"product_id": self.rng.choice(products), "quantity": self.rng.randint(1, 3)}] if products else []
        return {"status": "processing", "line_items": lines, "payment_method": "cod"}

    def _now(self) -> str:
        return self.store.now().strftime("%Y-%m-%dT%H:%M:%S")

    def _call(self, method: str, route: str, body: Any, query: dict[str, str] | None = None) -> Response:
        return dispatch(self.store, Request(method, route, query or {}, body, {}, self.store.hookshot.home_url))

    def _record(self, resource: str, kind: str, answer: Response) -> None:
        if answer.status < 300 and isinstance(answer.body, dict) and isinstance(answer.body.get("id"), int):
            self._log(resource, answer.body["id"], answer.body.get("date_modified_gmt"), kind)

    def _log(self, resource: str, rid: int, stamp: str | None, kind: str) -> None:
        with self._log_lock:
            self.log.append(Change(resource, int(rid), stamp, kind))


def latest(log: list[Change]) -> dict[tuple[str, int], Change]:
    """Each record's last change: what a complete sync must have delivered for it."""
    out: dict[tuple[str, int], Change] = {}
    for change in log:
        out[(change.resource, change.id)] = change
    return out

