"""`woo-connector demo`: the workflow the connector exists for, end to end on a real HTTP path.

It starts the embedded sandbox store (plain HTTP, so every request is OAuth 1.0a signed),
verifies the connection the way a host does when a user saves it, then runs an incremental
"push processing orders to the ERP" sync twice on a cursor:

- run 1 (cursor ``""``) reads every processing order, pushes each to the "ERP" and marks it
  with a ``synced-to-erp`` meta_data entry;
- the simulated shop then changes some orders;
- run 2 passes run 1's ``next_cursor`` and gets only the orders changed since.

The workflow keeps one string between runs (the cursor), nothing per order. Its own marks are
changes too, so run 2 gets them back; the mark's value is a fingerprint of the order as it was
pushed (:mod:`woo_connector.sync.marks`), and an order whose only change is that mark is skipped.
Every run says how many requests it made.
"""

from __future__ import annotations

import random
import sys
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from .registry import Registry, load
from .sync.marks import is_own_change, mark_meta
from .sync.window import SETTLE_SECONDS

MARK_KEY = "synced-to-erp"
QUERY = {"status": "processing"}


@dataclass
class SyncRun:
    """What one run did: reads and writes are counted at the HTTP session."""

    cursor: str
    changed: int = 0
    own_marks: int = 0
    pushed: list[int] = field(default_factory=list)
    reads: int = 0
    writes: int = 0


class RequestCounter:
    """Counts the requests one pooled client sends, split into reads and writes."""

    def __init__(self, connector: Registry, connection: dict[str, Any]) -> None:
        self.reads = self.writes = 0
        session = connector.client(connection).session
        session.hooks.setdefault("response", []).append(self._count)

    def _count(self, response: Any, *args: Any, **kwargs: Any) -> None:
        if response.request.method in ("GET", "HEAD"):
            self.reads += 1
        else:
            self.writes += 1


def sync_processing_orders(
    connector: Registry,
    connection: dict[str, Any],
    cursor: str,
    erp: dict[int, dict[str, Any]],
    counter: RequestCounter,
) -> SyncRun:
    """Push every processing order changed since ``cursor`` to ``erp``; the run's next cursor is in the result."""
    reads, writes = counter.reads, counter.writes
    result = connector.invoke("list-orders", {**QUERY, "cursor": cursor}, connection)
    run = SyncRun(cursor=result["next_cursor"], changed=len(result["items"]))
    for order in result["items"]:
        if is_own_change(order, MARK_KEY):
            run.own_marks += 1
            continue
        erp[order["id"]] = order
        connector.invoke("update-order", {"id": order["id"], "meta_data": [mark_meta(order, MARK_KEY)]}, connection)
        run.pushed.append(order["id"])
    run.reads, run.writes = counter.reads - reads, counter.writes - writes
    return run


def describe(number: int, run: SyncRun) -> str:
    return (f"run {number}: {run.changed} changed orders in {run.reads} read requests; "
            f"{run.own_marks} were only our own marks (skipped), {len(run.pushed)} pushed to the ERP "
            f"and marked ({run.writes} writes)")


SANDBOX_DESCRIPTION = "A woo-connector sandbox store"


def is_sandbox(connector: Registry, connection: dict[str, Any]) -> bool:
    """Whether the store says it is the embedded sandbox (its /wp-json/ root describes itself so)."""
    try:
        root = connector.client(connection).request("GET", "/wp-json/", anonymous=True).data
    except Exception:  # noqa: BLE001 - unreachable or odd: not known to be the sandbox
        return False
    return isinstance(root, dict) and str(root.get("description", "")).startswith(SANDBOX_DESCRIPTION)


def run_demo(
    connection: dict[str, Any] | None = None, *, orders: int = 300, seed: int = 42, yes: bool = False
) -> int:
    say: Callable[[str], None] = lambda line: print(line, flush=True)  # noqa: E731
    if connection is not None and not yes:
        from .errors import WooConnectorError

        try:
            sandbox_store = is_sandbox(load(), connection)
        except WooConnectorError as exc:
            print(f"demo failed: {exc.code}: {exc.message}", file=sys.stderr)
            return 1
        if not sandbox_store:
            print(
                "demo: this store is not the woo-connector sandbox, and the demo writes a "
                f"'{MARK_KEY}' meta_data entry to every processing order. Run it again with --yes "
                "to do that to this store.",
                file=sys.stderr,
            )
            return 2
    sandbox = None
    if connection is None:
        from .sandbox import Sandbox

        sandbox = Sandbox(seed=seed, orders=orders).start()
        connection = sandbox.connection()
        say(f"Sandbox store running at {sandbox.url} (seed {seed}, {orders} orders, OAuth 1.0a over http)")
    try:
        connector = load()
        verdict = connector.verify(connection)
        say(f"verify: {'ok' if verdict['ok'] else 'FAILED'}: {verdict['message']}")
        if not verdict["ok"]:
            return 1
        started = time.monotonic()
        counter = RequestCounter(connector, connection)
        erp: dict[int, dict[str, Any]] = {}
        first = sync_processing_orders(connector, connection, "", erp, counter)
        say(describe(1, first))
        if sandbox is not None:
            rng = random.Random(seed)
            for _ in range(8):
                sandbox.store.churn(rng)
            say("the shop took new orders and moved some along in the meantime")
        say(f"waiting {SETTLE_SECONDS + 1} s: a run reads changes up to {SETTLE_SECONDS} s before the "
            "store's clock, so that writes still in flight are not skipped")
        time.sleep(SETTLE_SECONDS + 1)
        second = sync_processing_orders(connector, connection, first.cursor, erp, counter)
        say(describe(2, second))
        say(f"the workflow keeps one cursor string between runs ({len(second.cursor)} characters); "
            f"done in {time.monotonic() - started:.1f} s")
        return 0
    except Exception as exc:  # noqa: BLE001 - the demo reports every failure in one line
        from .errors import WooConnectorError

        if isinstance(exc, WooConnectorError):
            print(f"demo failed: {exc.code}: {exc.message}", file=sys.stderr)
            return 1
        raise
    finally:
        if sandbox is not None:
            sandbox.stop()
