"""`woo-connector demo`: the workflow the connector exists for, end to end on a real HTTP path.

It starts the embedded sandbox store (plain HTTP, so every request is OAuth 1.0a signed),
verifies the connection the way a host does when a user saves it, then runs an incremental
"push processing orders to the ERP" sync twice:

- run 1 pages through every processing order and marks each with a ``synced-to-erp``
  meta_data entry;
- the simulated shop then changes some orders;
- run 2 asks only for orders modified after run 1's cursor, and finds just those.

The cursor is the newest ``date_modified_gmt`` the store reported, including for our own
writes: marking an order modifies it, and a cursor taken before the marks would fetch every
order again next time. Pages are ordered by id, not by modification date: marking an order
moves it to the end of a by-date ordering, and the next page would then skip orders.
"""

from __future__ import annotations

import random
import sys
import time
from typing import Any, Callable

from .registry import Registry, load

MARK_KEY = "synced-to-erp"
PAGE_SIZE = 50


def sync_processing_orders(
    connector: Registry,
    connection: dict[str, Any],
    cursor: str | None,
    say: Callable[[str], None],
) -> tuple[int, str | None]:
    """Mark every processing order modified after ``cursor``; return (count, new cursor)."""
    query: dict[str, Any] = {"status": "processing", "per_page": PAGE_SIZE, "orderby": "id", "order": "asc"}
    if cursor:
        query.update(modified_after=cursor, dates_are_gmt=True)
    page: int | None = 1
    synced = 0
    newest = cursor
    while page is not None:
        result = connector.invoke("list-orders", {**query, "page": page}, connection)
        pages = result["total_pages"] or 1
        say(f"  page {page}/{pages}: {len(result['items'])} orders (of {result['total']})")
        for order in result["items"]:
            updated = connector.invoke(
                "update-order",
                {"id": order["id"], "meta_data": [{"key": MARK_KEY, "value": order["date_modified_gmt"]}]},
                connection,
            )
            synced += 1
            stamp = updated.get("date_modified_gmt")
            if stamp and (newest is None or stamp > newest):
                newest = stamp
        page = result["next_page"]
    return synced, newest


def run_demo(connection: dict[str, Any] | None = None, *, orders: int = 300, seed: int = 42) -> int:
    say: Callable[[str], None] = lambda line: print(line, flush=True)  # noqa: E731
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
        say("run 1: every processing order")
        first, cursor = sync_processing_orders(connector, connection, None, say)
        say(f"run 1: marked {first} orders with {MARK_KEY}; cursor {cursor}")
        if sandbox is not None:
            rng = random.Random(seed)
            for _ in range(5):
                sandbox.store.churn(rng)
            say("the shop changed a few orders in the meantime")
        say("run 2: only orders modified after the cursor")
        second, cursor = sync_processing_orders(connector, connection, cursor, say)
        say(f"run 2: marked {second} orders; cursor {cursor}")
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
