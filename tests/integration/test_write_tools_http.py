"""Issue 12's tools through the real HTTP path, Basic over HTTPS and OAuth 1.0a over HTTP:
orders by SKU with notes and the trash, customers, coupons, variations and product deletes.

Every test makes what it changes (a fresh product, customer or coupon) so the shared sandbox
stays as the other tests expect it.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from woo_connector import InvalidInputError, InvalidRequestError, NotFoundError, PermissionDeniedError
from woo_connector.registry import Registry


def new_variable_product(connector: Registry, conn: dict, sizes: tuple[str, ...] = ("S", "M")) -> dict[str, Any]:
    tag = uuid.uuid4().hex[:6].upper()
    return connector.invoke(
        "create-product",
        {
            "name": f"Issue 12 Tee {tag}", "type": "variable", "sku": f"I12-{tag}",
            "attributes": [{"name": "Size", "variation": True, "visible": True, "options": list(sizes)}],
            "variations": [
                {"sku": f"I12-{tag}-{size}", "regular_price": "20.00", "manage_stock": True, "stock_quantity": 10,
                 "attributes": [{"name": "Size", "option": size}]}
                for size in sizes
            ],
        },
        conn,
    )


def order_count(connector: Registry, conn: dict) -> int:
    return connector.invoke("list-orders", {"status": "any", "per_page": 1, "_fields": ["id"]}, conn)["total"]


# -- orders --------------------------------------------------------------------------------------


def test_order_by_sku_notes_and_trash(connector: Registry, store) -> None:
    _, conn = store
    product = new_variable_product(connector, conn)
    variation = product["variation_details"][0]
    simple = connector.invoke("list-products", {"type": "simple", "per_page": 1}, conn)["items"][0]

    order = connector.invoke(
        "create-order",
        {"line_items": [{"sku": variation["sku"], "quantity": 2}, {"sku": simple["sku"], "quantity": 1}],
         "billing": {"first_name": "Ada", "email": "ada@example.com"}, "status": "on-hold",
         "meta_data": [{"key": "source", "value": "issue-12"}]},
        conn,
    )

    lines = [(line["product_id"], line["variation_id"], line["quantity"]) for line in order["line_items"]]
    assert lines == [(product["id"], variation["id"], 2), (simple["id"], 0, 1)]
    assert order["status"] == "on-hold" and order["billing"]["email"] == "ada@example.com"
    assert {"key": "source", "value": "issue-12"}.items() <= next(
        m for m in order["meta_data"] if m["key"] == "source").items()

    added = connector.invoke("add-order-note", {"order_id": order["id"], "note": "Packed.", "customer_note": True}, conn)
    notes = connector.invoke("list-order-notes", {"order_id": order["id"]}, conn)
    assert notes["items"][0] == added and added["customer_note"] is True
    assert notes["total"] == len(notes["items"]) and notes["has_more"] is False
    customer_only = connector.invoke("list-order-notes", {"order_id": order["id"], "type": "customer"}, conn)
    assert [n["id"] for n in customer_only["items"]] == [added["id"]]

    connector.invoke("delete-order", {"id": order["id"]}, conn)
    assert connector.invoke("get-order", {"id": order["id"]}, conn)["status"] == "trash"
    trashed = connector.invoke("list-orders", {"status": "trash", "all_pages": True, "_fields": ["id"]}, conn)
    assert order["id"] in {o["id"] for o in trashed["items"]}
    connector.invoke("delete-order", {"id": order["id"], "force": True}, conn)
    with pytest.raises(NotFoundError):
        connector.invoke("get-order", {"id": order["id"]}, conn)


def test_an_unknown_sku_creates_no_order(connector: Registry, store) -> None:
    _, conn = store
    before = order_count(connector, conn)
    with pytest.raises(InvalidInputError) as info:
        connector.invoke("create-order", {"line_items": [{"sku": f"NOPE-{uuid.uuid4().hex[:8]}", "quantity": 1}]}, conn)
    assert info.value.details["problems"][0]["pointer"] == "/line_items/0/sku"
    assert order_count(connector, conn) == before


def test_a_variable_parents_sku_creates_no_order(connector: Registry, store) -> None:
    _, conn = store
    product = new_variable_product(connector, conn)
    before = order_count(connector, conn)
    with pytest.raises(InvalidInputError) as info:
        connector.invoke("create-order", {"line_items": [{"sku": product["sku"], "quantity": 1}]}, conn)
    assert "variable product" in info.value.details["problems"][0]["message"]
    assert order_count(connector, conn) == before


def test_set_paid_order_with_a_coupon_by_product_id(connector: Registry, store) -> None:
    _, conn = store
    simple = connector.invoke("list-products", {"type": "simple", "per_page": 1}, conn)["items"][0]
    code = connector.invoke("list-coupons", {"per_page": 1}, conn)["items"][0]["code"]
    order = connector.invoke(
        "create-order",
        {"line_items": [{"product_id": simple["id"], "quantity": 1}], "set_paid": True, "coupon_lines": [{"code": code}]},
        conn,
    )
    assert order["status"] == "processing" and order["date_paid_gmt"]
    assert [c["code"] for c in order["coupon_lines"]] == [code]
    connector.invoke("delete-order", {"id": order["id"], "force": True}, conn)


# -- customers -----------------------------------------------------------------------------------


def test_update_and_delete_a_customer(connector: Registry, store) -> None:
    _, conn = store
    email = f"i12-{uuid.uuid4().hex[:8]}@example.com"
    created = connector.invoke("create-customer", {"email": email, "first_name": "Ada"}, conn)

    updated = connector.invoke(
        "update-customer", {"id": created["id"], "last_name": "Lovelace", "billing": {"phone": "0400000001"}}, conn
    )
    assert (updated["first_name"], updated["last_name"], updated["billing"]["phone"]) == ("Ada", "Lovelace", "0400000001")
    assert updated["date_modified_gmt"] >= created["date_modified_gmt"]

    with pytest.raises(InvalidInputError):
        connector.invoke("delete-customer", {"id": created["id"]}, conn)  # no force: refused before the store
    assert connector.invoke("get-customer", {"id": created["id"]}, conn)["email"] == email

    with pytest.raises(InvalidRequestError) as info:  # posts cannot go to the user being deleted
        connector.invoke("delete-customer", {"id": created["id"], "force": True, "reassign": created["id"]}, conn)
    assert (info.value.http_status, info.value.woo_code) == (400, "woocommerce_rest_customer_invalid_reassign")
    assert connector.invoke("get-customer", {"id": created["id"]}, conn)["email"] == email

    deleted = connector.invoke("delete-customer", {"id": created["id"], "force": True, "reassign": 1}, conn)
    assert deleted["id"] == created["id"] and deleted["email"] == email
    with pytest.raises(NotFoundError):
        connector.invoke("get-customer", {"id": created["id"]}, conn)


# -- coupons -------------------------------------------------------------------------------------


def test_coupon_lifecycle(connector: Registry, store) -> None:
    _, conn = store
    code = f"I12-{uuid.uuid4().hex[:6].upper()}"
    created = connector.invoke("create-coupon", {"code": code, "discount_type": "percent", "amount": 15}, conn)
    assert created["code"] == code.lower() and created["amount"] == "15.00"

    with pytest.raises(InvalidRequestError) as info:
        connector.invoke("create-coupon", {"code": code.lower()}, conn)
    assert info.value.woo_code == "woocommerce_rest_coupon_code_already_exists"

    assert connector.invoke("get-coupon", {"code": code}, conn)["id"] == created["id"]
    updated = connector.invoke("update-coupon", {"id": created["id"], "amount": "20", "usage_limit": 5}, conn)
    assert (updated["amount"], updated["usage_limit"]) == ("20.00", 5)
    other = next(c for c in connector.invoke("list-coupons", {}, conn)["items"] if c["id"] != created["id"])
    with pytest.raises(InvalidRequestError) as info:
        connector.invoke("update-coupon", {"id": created["id"], "code": other["code"]}, conn)
    assert info.value.woo_code == "woocommerce_rest_coupon_code_already_exists"
    assert connector.invoke("get-coupon", {"id": created["id"]}, conn)["code"] == code.lower()

    connector.invoke("delete-coupon", {"id": created["id"]}, conn)
    assert connector.invoke("get-coupon", {"id": created["id"]}, conn)["status"] == "trash"
    with pytest.raises(NotFoundError):
        connector.invoke("get-coupon", {"code": code}, conn)  # a code lookup does not see the trash
    connector.invoke("delete-coupon", {"id": created["id"], "force": True}, conn)
    with pytest.raises(NotFoundError):
        connector.invoke("get-coupon", {"id": created["id"]}, conn)


def test_a_read_only_key_cannot_delete_a_coupon(connector: Registry, store) -> None:
    sandbox, _ = store
    ro = sandbox.connection("ro")
    coupon = connector.invoke("list-coupons", {"per_page": 1}, ro)["items"][0]
    with pytest.raises(PermissionDeniedError):
        connector.invoke("delete-coupon", {"id": coupon["id"]}, ro)
    assert connector.invoke("get-coupon", {"id": coupon["id"]}, ro)["status"] == coupon["status"]


# -- variations and products ---------------------------------------------------------------------


def test_variations_by_id_and_by_sku(connector: Registry, store) -> None:
    _, conn = store
    product = new_variable_product(connector, conn, ("S", "M", "L"))
    listed = connector.invoke("list-variations", {"product_id": product["id"], "per_page": 2, "all_pages": True}, conn)
    assert sorted(v["id"] for v in listed["items"]) == sorted(product["variations"])
    assert listed["total"] == 3 and listed["has_more"] is False

    small = next(v for v in listed["items"] if v["sku"].endswith("-S"))
    by_id = connector.invoke("get-variation", {"product_id": product["id"], "id": small["id"]}, conn)
    by_sku = connector.invoke("get-variation", {"sku": small["sku"]}, conn)
    assert by_id == by_sku and by_id["parent_id"] == product["id"]

    updated = connector.invoke(
        "update-variation", {"sku": small["sku"], "regular_price": 24.5, "stock_quantity": 3}, conn
    )
    assert (updated["id"], updated["regular_price"], updated["stock_quantity"]) == (small["id"], "24.5", 3)
    renamed = connector.invoke(
        "update-variation", {"product_id": product["id"], "id": small["id"], "sku": small["sku"] + "-X"}, conn
    )
    assert renamed["sku"] == small["sku"] + "-X"
    parent = connector.invoke("get-product", {"id": product["id"]}, conn)
    mine = next(v for v in parent["variation_details"] if v["id"] == small["id"])
    assert (mine["regular_price"], mine["stock_quantity"], mine["sku"]) == ("24.5", 3, small["sku"] + "-X")

    with pytest.raises(InvalidInputError) as info:
        connector.invoke("update-variation", {"sku": product["sku"], "regular_price": "1"}, conn)
    assert "update-product" in info.value.message


def test_delete_product_trash_then_for_good(connector: Registry, store) -> None:
    _, conn = store
    product = new_variable_product(connector, conn)
    before = connector.invoke("delete-product", {"id": product["id"]}, conn)
    assert before["id"] == product["id"]
    assert connector.invoke("get-product", {"id": product["id"]}, conn)["status"] == "trash"
    connector.invoke("delete-product", {"id": product["id"], "force": True}, conn)
    with pytest.raises(NotFoundError):
        connector.invoke("get-product", {"id": product["id"]}, conn)
    with pytest.raises(NotFoundError):
        connector.invoke("get-variation", {"sku": product["variation_details"][0]["sku"]}, conn)


# -- what the store does with the trash (captures 295, 299, 301, 303) and the variations sku filter (270)


def test_trash_answers_with_the_status_before_and_a_second_delete_is_410(connector: Registry, store) -> None:
    _, conn = store
    simple = connector.invoke("list-products", {"type": "simple", "per_page": 1}, conn)["items"][0]
    order = connector.invoke("create-order", {"line_items": [{"product_id": simple["id"], "quantity": 1}]}, conn)
    code = f"I12T-{uuid.uuid4().hex[:6]}"
    coupon = connector.invoke("create-coupon", {"code": code, "amount": "5"}, conn)
    product = new_variable_product(connector, conn)
    for tool, thing in (("delete-order", order), ("delete-coupon", coupon), ("delete-product", product)):
        before = connector.invoke(tool, {"id": thing["id"]}, conn)
        assert before["status"] == thing["status"] != "trash", tool
        with pytest.raises(InvalidRequestError) as info:
            connector.invoke(tool, {"id": thing["id"]}, conn)
        assert (info.value.http_status, info.value.woo_code) == (410, "woocommerce_rest_already_trashed"), tool
        assert "force true" in info.value.message
        gone = connector.invoke(tool, {"id": thing["id"], "force": True}, conn)
        assert gone["status"] == "trash", tool


def test_list_variations_sku_filter(connector: Registry, store) -> None:
    _, conn = store
    product = new_variable_product(connector, conn, ("S", "M", "L"))
    small = next(v for v in product["variation_details"] if v["sku"].endswith("-S"))
    only = connector.invoke("list-variations", {"product_id": product["id"], "sku": small["sku"]}, conn)
    assert [v["id"] for v in only["items"]] == [small["id"]] and only["total"] == 1
