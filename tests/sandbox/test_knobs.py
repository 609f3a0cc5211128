"""The sandbox's knobs for later tests: concurrency counter, churn, store kind."""

from __future__ import annotations

import threading
import time

import requests

from woo_connector.sandbox import Sandbox
from woo_connector.sandbox.store import Store


def wait_until(condition, limit: float = 10.0) -> bool:  # type: ignore[no-untyped-def]
    """Poll for a state the test drives; the bound only stops a broken run from hanging."""
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def test_max_in_flight_counts_simultaneous_requests_and_resets() -> None:
    with Sandbox(store=Store.create(seed=1, orders=5)) as shop:
        assert shop.max_in_flight == 0
        shop.faults.latency = 0.5  # each request is held while the others arrive
        threads = [threading.Thread(target=requests.get, args=(f"{shop.url}/wp-json/",), kwargs={"timeout": 30})
                   for _ in range(3)]
        for thread in threads:
            thread.start()
        assert wait_until(lambda: shop.in_flight == 3)
        for thread in threads:
            thread.join()
        assert shop.in_flight == 0 and shop.max_in_flight == 3
        shop.max_in_flight = 0
        shop.faults.latency = 0
        requests.get(f"{shop.url}/wp-json/", timeout=30)
        requests.get(f"{shop.url}/wp-json/", timeout=30)
        assert shop.max_in_flight == 1
