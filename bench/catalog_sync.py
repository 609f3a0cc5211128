"""upsert-product and update-stock vs the one-record-at-a-time way, in requests and time.

The way a workflow does it without these tools: per product, look the SKU up
(``list-products`` ``sku=``) then ``create-product`` or ``update-product``; per stock line, look
up and ``update-product`` (which cannot reach a variation at all). The tools look SKUs up a
hundred at a time and write a hundred per batch request, and skip records that already match.
Run: ``python bench/catalog_sync.py [products]``. It prints request counts and time ratios from
one run on a shared machine: compare within the run, not across machines.
"""

from __future__ import annotations

import sys
import time
import uuid
from typing import Any, Callable

from woo_connector.registry import load
from woo_connector.sandbox import Sandbox


def measure(shop: Sandbox, run: Callable[[], Any]) -> tuple[float, int, int]:
    shop.requests_log.clear()
    started = time.perf_counter()
    run()
    elapsed = time.perf_counter() - started
    writes = sum(1 for m, *_ in shop.requests_log if m != "GET")
    return elapsed, len(shop.requests_log), writes


def main(count: int = 300) -> None:
    with Sandbox(orders=20) as shop:
        shop.requests_log = type(shop.requests_log)(maxlen=100_000)
        conn = shop.connection()
        connector = load()
        tag = uuid.uuid4().hex[:6].upper()
        payloads = [{"name": f"Bench {tag} {i}", "sku": f"B-{tag}-{i:04d}", "regular_price": "9.95"} for i in range(count)]
        naive = [{**p, "sku": "N" + p["sku"]} for p in payloads]

        def one_by_one(products: list[dict[str, Any]]) -> None:
            for product in products:
                found = connector.invoke("list-products", {"sku": product["sku"], "_fields": ["id"]}, conn)["items"]
                if found:
                    connector.invoke("update-product", {"id": found[0]["id"], **product}, conn)
                else:
                    connector.invoke("create-product", product, conn)

        rows = [
            ("upsert-product, first run", lambda: connector.invoke("upsert-product", {"products": payloads}, conn)),
            ("one by one, first run", lambda: one_by_one(naive)),
            ("upsert-product, second run", lambda: connector.invoke("upsert-product", {"products": payloads}, conn)),
            ("one by one, second run", lambda: one_by_one(naive)),
            ("update-stock", lambda: connector.invoke(
                "update-stock", {"items": [{"sku": p["sku"], "stock_quantity": 5} for p in payloads]}, conn)),
            ("stock one by one", lambda: [connector.invoke("update-product", {"id": connector.invoke(
                "list-products", {"sku": p["sku"], "_fields": ["id"]}, conn)["items"][0]["id"], "manage_stock": True,
                "stock_quantity": 5}, conn) for p in naive]),
        ]
        results = {name: measure(shop, run) for name, run in rows}
        for name, (elapsed, requests, writes) in results.items():
            print(f"{name:28s} {requests:5d} requests ({writes:4d} writes) {elapsed:7.2f} s")
        for tool, naive_name in (("upsert-product, first run", "one by one, first run"),
                                 ("upsert-product, second run", "one by one, second run"),
                                 ("update-stock", "stock one by one")):
            print(f"{naive_name} / {tool}: {results[naive_name][0] / results[tool][0]:.1f}x the time, "
                  f"{results[naive_name][1] / max(results[tool][1], 1):.0f}x the requests")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 300)
