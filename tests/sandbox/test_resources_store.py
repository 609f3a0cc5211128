"""The store's own promises: deterministic seeds, persistence across restarts, captured quirks."""

from __future__ import annotations

from typing import Any

from woo_connector.sandbox.routes import dispatch, resolve
from woo_connector.sandbox.store import Store
from woo_connector.sandbox.wire import ApiError, Request

import pytest


def call(store: Store, method: str, route: str, query: dict[str, Any] | None = None, body: Any = None) -> Any:
    return dispatch(store, Request(method, route, query or {}, body, {}, "http://127.0.0.1:9"))


def test_same_seed_same_store_and_different_seed_differs() -> None:
    a, b, c = Store.create(seed=7, orders=40), Store.create(seed=7, orders=40), Store.create(seed=8, orders=40)
    assert a.tables["order"] == b.tables["order"]
    assert a.tables["order"] != c.tables["order"]
    assert len(a.tables["order"]) == 40
    assert {k.role for k in a.keys.values()} == {"administrator", "shop_manager"}
    assert all(k.consumer_key.startswith("ck_") and len(k.consumer_key) == 43 for k in a.keys.values())


def test_persisted_store_survives_a_restart(tmp_path: Any) -> None:
    path = str(tmp_path / "shop.db")
    store = Store.open(path, seed=3, orders=20)
    created = call(store, "POST", "/orders", body={"line_items": [{"product_id": 35, "quantity": 2}]}).body
    store.close()
    again = Store.open(path, seed=3, orders=20)
    assert call(again, "GET", f"/orders/{created['id']}").body["total"] == created["total"]
    assert again.next_id("post") == created["id"] + 1


def test_meta_null_deletes_and_write_bumps_date_modified() -> None:
    store = Store.create(orders=20)
    order = call(store, "PUT", "/orders/360", body={"meta_data": [{"key": "sales_channel", "value": None}]}).body
    assert all(m["key"] != "sales_channel" for m in order["meta_data"])
    assert order["date_modified_gmt"] >= store.get("order", 360)["date_created_gmt"]


def test_bad_coupon_leaves_a_listed_checkout_draft() -> None:
    store = Store.create(orders=20)
    response = call(store, "POST", "/orders", body={"line_items": [{"product_id": 35, "quantity": 1}],
                                                   "coupon_lines": [{"code": "nosuchcoupon"}]})
    assert response.status == 400 and response.body["code"] == "woocommerce_rest_invalid_coupon"
    draft = response.body["data"]["new_draft_order_id"]
    assert call(store, "GET", "/orders", {"per_page": "1"}).body[0]["id"] == draft


def test_tax_inclusive_line_money() -> None:
    store = Store.create(orders=20)
    order = call(store, "POST", "/orders", body={"line_items": [{"product_id": 35, "quantity": 2}]}).body
    line = order["line_items"][0]
    price = store.get("product", 35)["price"]
    assert float(line["subtotal"]) + float(line["subtotal_tax"]) == pytest.approx(2 * float(price))
    assert isinstance(line["price"], (int, float))


def test_customer_delete_without_force_is_501_and_unknown_route_is_no_route() -> None:
    store = Store.create(orders=20)
    assert call(store, "DELETE", "/customers/3").status == 501
    with pytest.raises(ApiError) as raised:
        resolve("DELETE", "/orders")
    assert raised.value.code == "rest_no_route"


def test_churn_writes_something() -> None:
    import random

    store = Store.create(orders=20)
    before = {oid: dict(o) for oid, o in store.tables["order"].items()}
    store.churn(random.Random(1))
    assert store.tables["order"] != before
