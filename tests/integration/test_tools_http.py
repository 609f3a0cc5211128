"""Every tool through the real HTTP path: sockets, TLS, auth signatures, paging headers."""

from __future__ import annotations

import json
import uuid

import pytest

from woo_connector import InvalidRequestError, NotFoundError, PermissionDeniedError
from woo_connector.registry import Registry


def test_auth_method_matches_the_scheme(connector: Registry, store) -> None:
    sandbox, conn = store
    expected = "basic" if sandbox.https else "oauth1"
    assert connector.client(conn).auth_method == expected
    result = connector.verify(conn)
    assert result["ok"] is True, result
    assert result["auth_method"] == expected


def test_list_orders_pages_from_headers(connector: Registry, store) -> None:
    _, conn = store
    first = connector.invoke("list-orders", {"per_page": 25}, conn)
    assert len(first["items"]) == 25
    assert first["total"] > 25 and first["total_pages"] == -(-first["total"] // 25)
    assert first["has_more"] is True and first["next_page"] == 2
    last = connector.invoke("list-orders", {"per_page": 25, "page": first["total_pages"]}, conn)
    assert last["has_more"] is False and last["next_page"] is None


def test_all_pages_collects_every_order_once(connector: Registry, store) -> None:
    _, conn = store
    result = connector.invoke("list-orders", {"all_pages": True, "per_page": 40, "_fields": ["id", "status"]}, conn)
    ids = [o["id"] for o in result["items"]]
    assert len(ids) == len(set(ids)) == result["total"]
    assert all(set(o) == {"id", "status"} for o in result["items"])


def test_max_items_caps_across_pages(connector: Registry, store) -> None:
    _, conn = store
    result = connector.invoke("list-orders", {"all_pages": True, "per_page": 20, "max_items": 50}, conn)
    assert len(result["items"]) == 50
    assert result["has_more"] is True and result["next_page"] == 3  # page 3 was cut at item 10


def test_status_filter_with_several_and_custom_statuses(connector: Registry, store) -> None:
    _, conn = store
    wanted = {"processing", "awaiting-shipment"}
    result = connector.invoke("list-orders", {"status": sorted(wanted), "all_pages": True}, conn)
    statuses = {o["status"] for o in result["items"]}
    assert statuses == wanted  # both present: the array reached the store intact


def test_modified_after_is_an_exclusive_gmt_bound(connector: Registry, store) -> None:
    _, conn = store
    every = connector.invoke(
        "list-orders", {"all_pages": True, "status": "any", "_fields": ["id", "date_modified_gmt"]}, conn
    )["items"]
    stamps = sorted({o["date_modified_gmt"] for o in every})
    cursor = stamps[len(stamps) // 2]  # orders exactly at the cursor exist and must be left out
    later = connector.invoke("list-orders", {"modified_after": cursor, "dates_are_gmt": True, "all_pages": True}, conn)
    expected = {o["id"] for o in every if o["date_modified_gmt"] > cursor}
    assert expected and {o["id"] for o in later["items"]} == expected


def test_get_order(connector: Registry, store) -> None:
    _, conn = store
    some = connector.invoke("list-orders", {"per_page": 1}, conn)["items"][0]
    order = connector.invoke("get-order", {"id": some["id"]}, conn)
    assert order["id"] == some["id"] and isinstance(order["line_items"], list)
    with pytest.raises(NotFoundError) as info:
        connector.invoke("get-order", {"id": 9_999_999}, conn)
    assert info.value.http_status == 404 and info.value.woo_code


def test_update_order_meta_status_and_note(connector: Registry, store) -> None:
    _, conn = store
    order = connector.invoke("list-orders", {"status": "processing", "per_page": 1}, conn)["items"][0]
    key = f"erp-{uuid.uuid4().hex[:8]}"
    first = connector.invoke("update-order", {"id": order["id"], "meta_data": [{"key": key, "value": "A-1"}]}, conn)
    second = connector.invoke(
        "update-order",
        {"id": order["id"], "meta_data": [{"key": key, "value": "A-2"}], "status": "awaiting-shipment",
         "note": {"note": "Handed to the carrier", "customer_note": True}},
        conn,
    )
    mine = [m for m in second["meta_data"] if m["key"] == key]
    assert len(mine) == 1 and mine[0]["value"] == "A-2"  # updated by key, not added twice
    others_before = {m["key"] for m in first["meta_data"] if m["key"] != key}
    assert others_before <= {m["key"] for m in second["meta_data"]}  # other keys untouched
    assert second["status"] == "awaiting-shipment"
    assert second["added_note"]["note"] == "Handed to the carrier" and second["added_note"]["customer_note"] is True
    assert second["date_modified_gmt"] >= order["date_modified_gmt"]


def test_update_order_refuses_a_bogus_status(connector: Registry, store) -> None:
    _, conn = store
    order = connector.invoke("list-orders", {"per_page": 1}, conn)["items"][0]
    with pytest.raises(InvalidRequestError) as info:
        connector.invoke("update-order", {"id": order["id"], "status": "not-a-status"}, conn)
    assert info.value.woo_code == "rest_invalid_param" and "status" in info.value.details["params"]


def test_read_only_key_cannot_write(connector: Registry, store) -> None:
    sandbox, _ = store
    ro = sandbox.connection("ro")
    order = connector.invoke("list-orders", {"per_page": 1}, ro)["items"][0]
    with pytest.raises(PermissionDeniedError) as info:
        connector.invoke("update-order", {"id": order["id"], "customer_note": "x"}, ro)
    assert "read-only" in info.value.message


def test_get_variable_product_has_every_variation(connector: Registry, store) -> None:
    _, conn = store
    variable = connector.invoke("list-products", {"type": "variable", "per_page": 1}, conn)["items"][0]
    product = connector.invoke("get-product", {"id": variable["id"]}, conn)
    assert sorted(v["id"] for v in product["variation_details"]) == sorted(product["variations"])


def test_create_variable_product_reports_a_failed_variation(connector: Registry, store) -> None:
    _, conn = store
    tag = uuid.uuid4().hex[:6].upper()
    taken = connector.invoke("list-products", {"type": "simple", "per_page": 1}, conn)["items"][0]["sku"]
    result = connector.invoke(
        "create-product",
        {
            "name": f"Test Tee {tag}", "type": "variable", "sku": f"T-{tag}",
            "attributes": [{"name": "Size", "variation": True, "visible": True, "options": ["S", "M", "L"]}],
            "variations": [
                {"sku": f"T-{tag}-S", "regular_price": 20, "attributes": [{"name": "Size", "option": "S"}]},
                {"sku": taken, "regular_price": "21.50", "attributes": [{"name": "Size", "option": "M"}]},
                {"sku": f"T-{tag}-L", "regular_price": 22.5, "attributes": [{"name": "Size", "option": "L"}]},
            ],
        },
        conn,
    )
    assert result["complete"] is False
    assert [(e["index"], e["sku"]) for e in result["variation_errors"]] == [(1, taken)]
    assert sorted(v["sku"] for v in result["variation_details"]) == [f"T-{tag}-L", f"T-{tag}-S"]
    assert {v["regular_price"] for v in result["variation_details"]} == {"20", "22.5"}


def test_update_product_price_and_stock(connector: Registry, store) -> None:
    _, conn = store
    product = connector.invoke("list-products", {"type": "simple", "per_page": 1}, conn)["items"][0]
    updated = connector.invoke(
        "update-product", {"id": product["id"], "regular_price": 49.95, "manage_stock": True, "stock_quantity": 7}, conn
    )
    assert updated["regular_price"] == "49.95" and updated["stock_quantity"] == 7


def test_customers(connector: Registry, store) -> None:
    _, conn = store
    email = f"test-{uuid.uuid4().hex[:8]}@example.com"
    created = connector.invoke("create-customer", {"email": email, "first_name": "Ada", "last_name": "Lovelace"}, conn)
    assert connector.invoke("get-customer", {"id": created["id"]}, conn)["email"] == email
    assert [c["id"] for c in connector.invoke("list-customers", {"email": email}, conn)["items"]] == [created["id"]]
    with pytest.raises(InvalidRequestError) as info:
        connector.invoke("create-customer", {"email": email}, conn)
    assert info.value.woo_code == "registration-error-email-exists"


def test_list_coupons(connector: Registry, store) -> None:
    _, conn = store
    coupons = connector.invoke("list-coupons", {}, conn)
    assert coupons["items"] and coupons["total"] == len(coupons["items"])
    code = coupons["items"][0]["code"]
    assert [c["code"] for c in connector.invoke("list-coupons", {"code": code}, conn)["items"]] == [code]


def test_raw_api_request_redacts_echoed_credentials(connector: Registry, store) -> None:
    _, conn = store
    result = connector.invoke("raw-api-request", {"path": "/orders", "query": {"per_page": 2}}, conn)
    assert result["status"] == 200 and len(result["body"]) == 2
    text = json.dumps(result["headers"])
    assert conn["consumer_secret"] not in text and conn["consumer_key"] not in text
    assert "oauth_signature=" not in text or "oauth_signature=***" in text
    root = connector.invoke("raw-api-request", {"path": "/wp-json/"}, conn)
    assert "wc/v3" in root["body"]["namespaces"]
