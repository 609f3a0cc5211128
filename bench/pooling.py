"""Pooled session vs a new connection per call, side by side in one run, over HTTPS.

A host invokes many tools with the same connection in one process. The official Python client
calls ``requests.request`` for every call, paying a TCP connect and TLS handshake each time; the
connector keeps one pooled session per connection. Run: ``python bench/pooling.py [calls]``.
It prints the ratio, not a verdict: the machine is shared, so compare within one run.
"""

from __future__ import annotations

import statistics
import sys
import time

from woo_connector.client import WooClient
from woo_connector.connection import Connection
from woo_connector.registry import load
from woo_connector.sandbox import Sandbox


def main(calls: int = 200, rounds: int = 5) -> None:
    with Sandbox(https=True, orders=60) as shop:
        conn = shop.connection()
        connector = load()
        order_id = connector.invoke("list-orders", {"per_page": 1}, conn)["items"][0]["id"]

        def pooled() -> None:
            for _ in range(calls):
                connector.invoke("get-order", {"id": order_id}, conn)

        def fresh_connection_each_call() -> None:
            for _ in range(calls):
                client = WooClient(Connection.from_dict(conn))
                client.get(f"/orders/{order_id}")
                client.close()

        timings: dict[str, list[float]] = {"pooled": [], "new connection per call": []}
        for _ in range(rounds):  # interleaved, so both see the same machine load
            for name, run in (("pooled", pooled), ("new connection per call", fresh_connection_each_call)):
                started = time.perf_counter()
                run()
                timings[name].append(time.perf_counter() - started)
        connector.close()

    med = {name: statistics.median(values) for name, values in timings.items()}
    for name, value in med.items():
        print(f"{name:<26} {value / calls * 1000:7.2f} ms per get-order (median of {rounds} rounds of {calls})")
    print(f"ratio new-connection / pooled: {med['new connection per call'] / med['pooled']:.2f}x")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
