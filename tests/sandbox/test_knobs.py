"""The sandbox's knobs for later tests: concurrency counter, churn, store kind."""

from __future__ import annotations

import threading
import time
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal

import requests

from woo_connector.sandbox import Sandbox
from woo_connector.sandbox.churn import latest
from woo_connector.sandbox.routes import dispatch
from woo_connector.sandbox.store import Store
from woo_connector.sandbox.wire import Request


def wait_until(condition, limit: float = 10.0) -> bool:  # type: ignore[no-untyped-def]
    """Poll for a state the test drives; the bound only stops a broken run from hanging."""
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def test_max_in_flight_counts_simultaneous_requests_and_resets() -> None:
    with Sandbox(store=Store.create(seed=5, orders=5)) as shop:  # the tax tests' seed: seeded once
        assert shop.max_in_flight == 0
        shop.faults.latency = 0.3  # each request is held while the others arrive
        threads = [threading.Thread(target=requests.get, args=(f"{shop.url}/wp-json/",), kwargs={"timeout": 30})
                   for _ in range(3)]
        for thread in threads:
            thread.start()
        assert wait_until(lambda: shop.in_flight == 3)
        for thread in threads:
            thread.join()
        # a handler leaves the count just after its answer is written, so the client may be first
        assert wait_until(lambda: shop.in_flight == 0)
        assert shop.max_in_flight == 3
        shop.max_in_flight = 0
        shop.faults.latency = 0
        for _ in range(2):
            requests.get(f"{shop.url}/wp-json/", timeout=30)
            assert wait_until(lambda: shop.in_flight == 0)
        assert shop.max_in_flight == 1


def test_churn_logs_every_change_with_bulk_same_second_edits_trash_and_deletes() -> None:
    """The churn's choices come from the store's seed, so this mix (two bulk edits of 120 orders
    and the ordinary changes between them, every kind among them) is the same on every run."""
    with Sandbox(store=Store.create(seed=3, orders=150)) as shop:
        churn = shop.churn(rate=2000, duration=30, limit=200, bulk_every=40)
        assert churn.wait(60), "the churn did not end by itself"
        log = list(shop.change_log)
        assert len(log) >= 200
        assert {c.kind for c in log} == {"created", "updated", "trashed", "deleted"}
        assert {c.resource for c in log} >= {"order", "product", "customer"}
        bulk = Counter(c.date_modified_gmt for c in log if c.resource == "order" and c.kind == "updated")
        assert max(bulk.values()) > 100  # one bulk edit: more than a batch call's worth in one second
        store = shop.store
        for (resource, rid), change in latest(log).items():
            doc = store.get(resource, rid)
            if change.kind == "deleted":
                assert doc is None, (resource, rid)
            else:
                assert doc is not None and doc["date_modified_gmt"] == change.date_modified_gmt, (resource, rid)
                assert (doc.get("status") == "trash") == (change.kind == "trashed"), (resource, rid)


def test_churn_stops_with_the_sandbox() -> None:
    shop = Sandbox(store=Store.create(seed=3, orders=150)).start()  # the churn test's store: seeded once
    churn = shop.churn(rate=200, duration=600)
    assert wait_until(lambda: len(shop.change_log) > 3)
    shop.stop()
    assert not churn.running
    settled = len(shop.change_log)
    time.sleep(0.1)
    assert len(shop.change_log) == settled


def _priced_order(store: Store) -> tuple[dict, Decimal]:  # type: ignore[type-arg]
    product = next(p for p in sorted(store.all("product"), key=lambda p: p["id"])
                   if p["type"] == "simple" and p["tax_class"] == "" and p["status"] == "publish" and p["price"])
    answer = dispatch(store, Request("POST", "/orders", {}, {"line_items": [{"product_id": product["id"], "quantity": 3}]},
                                     {}, "http://127.0.0.1:9"))
    assert answer.status == 201
    return answer.body, Decimal(product["price"]) * 3


def test_a_tax_inclusive_store_takes_the_gst_out_of_the_entered_price() -> None:
    store = Store.create(seed=5, orders=5)
    order, entered = _priced_order(store)
    line = order["line_items"][0]
    assert order["prices_include_tax"] is True
    assert Decimal(line["total"]) + Decimal(line["total_tax"]) == entered
    assert Decimal(line["total"]) == (entered / Decimal("1.1")).quantize(Decimal("0.01"), ROUND_HALF_UP)
    assert Decimal(order["total"]) == entered
    setting = dispatch(store, Request("GET", "/settings/tax/woocommerce_prices_include_tax", {}, None, {}, "http://x"))
    assert setting.body["value"] == "yes"


def test_a_tax_exclusive_store_adds_the_tax_on_top() -> None:
    store = Store.create(seed=5, orders=5, prices_include_tax=False)
    order, entered = _priced_order(store)
    line = order["line_items"][0]
    assert order["prices_include_tax"] is False
    assert Decimal(line["total"]) == entered
    assert Decimal(line["total_tax"]) == (entered * Decimal("0.1")).quantize(Decimal("0.01"), ROUND_HALF_UP)
    assert Decimal(order["total"]) == entered + Decimal(line["total_tax"])
    setting = dispatch(store, Request("GET", "/settings/tax/woocommerce_prices_include_tax", {}, None, {}, "http://x"))
    assert setting.body["value"] == "no"
    seeded = [o for o in store.all("order") if o["line_items"]]
    assert seeded and all(o["prices_include_tax"] is False for o in seeded)
    assert all(Decimal(o["total"]) == Decimal(o["total"]).quantize(Decimal("0.01")) for o in seeded)


def test_the_sandbox_seeds_the_kind_it_is_given() -> None:
    with Sandbox(seed=5, orders=5, prices_include_tax=False) as shop:  # as the tax-exclusive test: seeded once
        assert shop.store.settings["options"]["woocommerce_prices_include_tax"] == "no"


def test_a_second_store_of_a_seed_is_the_first_seeding_and_shares_nothing_with_it() -> None:
    """Store.create seeds a (seed, orders, kind) once per process and unpickles it after that."""
    from woo_connector.sandbox import store as store_module

    store_module._SEEDED.pop((9, 7, True), None)
    first, second = Store.create(seed=9, orders=7), Store.create(seed=9, orders=7)
    store_module._SEEDED.pop((9, 7, True))
    fresh = Store.create(seed=9, orders=7)  # seeded again from the number
    for made in (first, second):
        assert (made.tables, made.counters, made.settings, made.keys, made._dirty, made._deleted) == (
            fresh.tables, fresh.counters, fresh.settings, fresh.keys, fresh._dirty, fresh._deleted)
    order = next(iter(second.all("order")))
    order["status"] = "changed in the second store"
    second.settings["options"]["woocommerce_prices_include_tax"] = "no"
    assert first.get("order", order["id"])["status"] != order["status"]
    assert Store.create(seed=9, orders=7).get("order", order["id"])["status"] != order["status"]
    assert Store.create(seed=9, orders=7).settings["options"]["woocommerce_prices_include_tax"] == "yes"
    assert Store.create(seed=9, orders=8).tables != fresh.tables
