"""`woo-connector demo`: the workflow the connector exists for, end to end on a real HTTP path.

It starts the embedded sandbox store (plain HTTP, so every request is OAuth 1.0a signed),
verifies the connection the way a host does when a user saves it, then runs an incremental
"push processing orders to the ERP" sync twice:

- run 1 pages through every processing order and marks each with a ``synced-to-erp``
  meta_data entry;
- the simulated shop then changes some orders;
- run 2 asks only for orders modified since run 1, and finds just those.

Three traps of incremental WooCommerce syncs, and how this workflow avoids them:

- Marking an order modifies it. The cursor is therefore the newest ``date_modified_gmt`` the
  store reported *after our own writes*, and the state remembers each order as we left it, so
  our own marks are not synced again.
- ``modified_after`` is exclusive and dates have whole seconds: a shop write in the same second
  as our last one would fall between two runs. Each run looks back ``OVERLAP_SECONDS`` before
  the cursor and skips orders that are exactly as we left them.
- Pages are ordered by id, not by modification date: marking an order moves it to the end of a
  by-date ordering, and the next page would then skip orders.
"""

from __future__ import annotations

import random
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Callable

from .registry import Registry, load

MARK_KEY = "synced-to-erp"
PAGE_SIZE = 20
OVERLAP_SECONDS = 2


@dataclass
class SyncState:
    """What a workflow keeps between runs: the cursor and each order as we left it."""

    cursor: str | None = None
    left: dict[int, tuple[str, str]] = field(default_factory=dict)  # id -> (date_modified_gmt, status)


def _fingerprint(order: dict[str, Any]) -> tuple[str, str]:
    return (order["date_modified_gmt"], order["status"])


def _look_back(cursor: str) -> str:
    return (datetime.fromisoformat(cursor) - timedelta(seconds=OVERLAP_SECONDS)).isoformat(timespec="seconds")


def sync_processing_orders(
    connector: Registry, connection: dict[str, Any], state: SyncState, say: Callable[[str], None]
) -> int:
    """Mark every processing order changed since the last run; return how many were marked."""
    query: dict[str, Any] = {"status": "processing", "per_page": PAGE_SIZE, "orderby": "id", "order": "asc"}
    if state.cursor:
        query.update(modified_after=_look_back(state.cursor), dates_are_gmt=True)
    page: int | None = 1
    synced = 0
    while page is not None:
        result = connector.invoke("list-orders", {**query, "page": page}, connection)
        pages = result["total_pages"] or 1
        say(f"  page {page}/{pages}: {len(result['items'])} orders (of {result['total']})")
        for order in result["items"]:
            if state.left.get(order["id"]) == _fingerprint(order):
                continue  # unchanged since our own mark: seen through the overlap window
            updated = connector.invoke(
                "update-order",
                {"id": order["id"], "meta_data": [{"key": MARK_KEY, "value": order["date_modified_gmt"]}]},
                connection,
            )
            synced += 1
            state.left[order["id"]] = _fingerprint(updated)
            stamp = updated["date_modified_gmt"]
            if state.cursor is None or stamp > state.cursor:
                state.cursor = stamp
        page = result["next_page"]
    return synced


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
        state = SyncState()
        say("run 1: every processing order")
        first = sync_processing_orders(connector, connection, state, say)
        say(f"run 1: marked {first} orders with {MARK_KEY}; cursor {state.cursor}")
        if sandbox is not None:
            rng = random.Random(seed)
            for _ in range(8):
                sandbox.store.churn(rng)
            say("the shop took new orders and moved some along in the meantime")
        say(f"run 2: orders modified since run 1 ({OVERLAP_SECONDS} s look-back; orders as we left them are skipped)")
        second = sync_processing_orders(connector, connection, state, say)
        say(f"run 2: marked {second} orders; cursor {state.cursor}")
        say(f"done in {time.monotonic() - started:.1f} s")
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
