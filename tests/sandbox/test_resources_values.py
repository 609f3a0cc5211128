"""Values the fidelity replay cannot see (it compares shapes): filters, writes, errors, persistence."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from woo_connector.sandbox.routes import dispatch
from woo_connector.sandbox.store import Store
from woo_connector.sandbox.wire import Request


@pytest.fixture
def store() -> Store:
    return Store.create(seed=42, orders=60)


def call(store: Store, method: str, route: str, query: dict[str, Any] | None = None, body: Any = None) -> Any:
    return dispatch(store, Request(method, route, query or {}, body, {}, "http://127.0.0.1:9"))


def listed_ids(store: Store, query: dict[str, Any]) -> set[int]:
    return {o["id"] for o in call(store, "GET", "/orders", {"per_page": "100", **query}).body}


def test_status_filter_as_list_string_and_any(store: Store) -> None:
    by_status: dict[str, set[int]] = {}
    for order in store.all("order"):
        by_status.setdefault(order["status"], set()).add(order["id"])
    assert listed_ids(store, {"status": "processing"}) == by_status["processing"]
    both = by_status["processing"] | by_status["completed"]
    assert listed_ids(store, {"status": ["processing", "completed"]}) == both
    assert listed_ids(store, {"status": "processing,completed"}) == both
    assert listed_ids(store, {"status": "any"}) == set().union(*by_status.values())
    refused = call(store, "GET", "/orders", {"status": ["processing", "bogus"]})
    assert refused.status == 400 and "status[1]" in refused.body["message"] + str(refused.body["data"])


def test_meta_update_by_key_by_id_and_delete_with_null(store: Store) -> None:
    order = call(store, "POST", "/orders", body={"meta_data": [{"key": "erp", "value": "A"}, {"key": "track", "value": "T1"}]}).body
    track_id = next(m["id"] for m in order["meta_data"] if m["key"] == "track")
    by_key = call(store, "PUT", f"/orders/{order['id']}", body={"meta_data": [{"key": "erp", "value": "B"}]}).body
    assert [m["value"] for m in by_key["meta_data"] if m["key"] == "erp"] == ["B"]
    by_id = call(store, "PUT", f"/orders/{order['id']}",
                 body={"meta_data": [{"id": track_id, "key": "track", "value": "T2"}]}).body
    assert {m["id"]: m["value"] for m in by_id["meta_data"]}[track_id] == "T2"
    deleted = call(store, "PUT", f"/orders/{order['id']}", body={"meta_data": [{"key": "erp", "value": None}]}).body
    assert [m["key"] for m in deleted["meta_data"]] == ["track"]


def test_variation_batch_reports_a_duplicate_sku_per_item_and_creates_the_rest(store: Store) -> None:
    taken = call(store, "GET", "/products/291/variations/292").body["sku"]
    before = len(call(store, "GET", "/products/291/variations", {"per_page": "100"}).body)
    result = call(store, "POST", "/products/291/variations/batch",
                  body={"create": [{"sku": taken, "regular_price": "1.00"}, {"sku": "FRESH-SKU-1", "regular_price": "2.00"}]})
    assert result.status == 200
    failed, created = result.body["create"]
    assert failed["id"] == 0 and failed["error"]["code"] == "product_invalid_sku"
    assert created["sku"] == "FRESH-SKU-1" and created["regular_price"] == "2.00"
    assert len(call(store, "GET", "/products/291/variations", {"per_page": "100"}).body) == before + 1


def test_customer_duplicate_email_and_username_are_refused(store: Store) -> None:
    first = call(store, "POST", "/customers", body={"email": "one@example.test", "username": "one"})
    assert first.status == 201
    same_email = call(store, "POST", "/customers", body={"email": "one@example.test", "username": "other"})
    assert (same_email.status, same_email.body["code"]) == (400, "registration-error-email-exists")
    same_name = call(store, "POST", "/customers", body={"email": "two@example.test", "username": "one"})
    assert (same_name.status, same_name.body["code"]) == (400, "registration-error-username-exists")


def test_coupons_by_code_match_exactly(store: Store) -> None:
    code = next(iter(store.all("coupon")))["code"]
    found = call(store, "GET", "/coupons", {"code": code}).body
    assert [c["code"] for c in found] == [code]
    assert call(store, "GET", "/coupons", {"code": code + "-nope"}).body == []


def test_date_bounds_are_exclusive_and_read_as_gmt_only_when_asked(store: Store) -> None:
    order = call(store, "GET", "/orders/360").body
    gmt = datetime.strptime(order["date_created_gmt"], "%Y-%m-%dT%H:%M:%S")
    at = gmt.strftime("%Y-%m-%dT%H:%M:%S")
    just_before = (gmt - timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%S")
    just_after = (gmt + timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%S")
    assert 360 not in listed_ids(store, {"after": at, "dates_are_gmt": "true"})
    assert 360 in listed_ids(store, {"after": just_before, "dates_are_gmt": "true"})
    assert 360 not in listed_ids(store, {"before": at, "dates_are_gmt": "true"})
    assert 360 in listed_ids(store, {"before": just_after, "dates_are_gmt": "true"})
    # without the flag the same text is store time (UTC+11), i.e. eleven hours earlier in UTC
    assert 360 not in listed_ids(store, {"before": just_after})
    local = order["date_created"]
    assert 360 not in listed_ids(store, {"after": local})
    assert 360 in listed_ids(store, {"after": (datetime.strptime(local, "%Y-%m-%dT%H:%M:%S")
                                               - timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%S")})


def test_fields_projects_nested_keys_as_wordpress_does(store: Store) -> None:
    body = call(store, "GET", "/orders/360", {"_fields": "id,billing.email,billing.city,line_items.name,total.x"}).body
    order = call(store, "GET", "/orders/360").body
    # a single object keeps its _links whatever _fields says (captures 278, 283)
    assert body == {"id": 360, "billing": {"email": order["billing"]["email"], "city": order["billing"]["city"]},
                    "line_items": [], "total": order["total"], "_links": order["_links"]}


def test_a_persisted_store_keeps_customers_coupons_and_deletions_across_restarts(tmp_path: Any) -> None:
    path = str(tmp_path / "shop.db")
    shop = Store.open(path, seed=9, orders=10)
    customer = call(shop, "POST", "/customers", body={"email": "kept@example.test"}).body
    coupon = call(shop, "POST", "/coupons", body={"code": "KEEPME", "amount": "5"}).body
    deleted = call(shop, "DELETE", "/orders/360", {"force": "true"})
    assert deleted.status == 200
    shop.close()
    again = Store.open(path, seed=9, orders=10)
    assert call(again, "GET", f"/customers/{customer['id']}").body["email"] == "kept@example.test"
    assert [c["id"] for c in call(again, "GET", "/coupons", {"code": "keepme"}).body] == [coupon["id"]]
    assert call(again, "GET", "/orders/360").status == 404
    assert call(again, "POST", "/customers", body={"email": "new@example.test"}).body["id"] > customer["id"]
