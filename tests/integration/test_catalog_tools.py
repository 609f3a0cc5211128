"""Issue 11's tools against the sandbox over real sockets, both auth paths (Basic over HTTPS,
OAuth 1.0a over HTTP). Outcomes are checked in the store (its records and its request log),
not only in the tools' own reports."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import pytest

from woo_connector.errors import InvalidRequestError
from woo_connector.registry import Registry


def writes(sandbox: Any) -> list[tuple[str, str]]:
    return [(m, p) for m, p, _names, _status in sandbox.requests_log if m in ("POST", "PUT", "PATCH", "DELETE")]


def by_sku(sandbox: Any, sku: str) -> dict[str, Any] | None:
    return next((p for p in sandbox.store.all("product") if p.get("sku") == sku), None)


def tee(tag: str, sizes: list[str], price: str = "39.95") -> dict[str, Any]:
    return {
        "name": f"Trail Tee {tag}", "type": "variable", "sku": f"TEE-{tag}",
        "attributes": [{"name": "Size", "variation": True, "visible": True, "options": sizes}],
        "variations": [{"sku": f"TEE-{tag}-{s}", "regular_price": price, "attributes": [{"name": "Size", "option": s}]}
                       for s in sizes],
    }


def test_upsert_creates_then_changes_nothing_then_updates_and_removes(connector: Registry, store) -> None:
    sandbox, conn = store
    tag = uuid.uuid4().hex[:6].upper()
    mug = {"name": f"Trail Mug {tag}", "type": "simple", "sku": f"MUG-{tag}", "regular_price": 24.95,
           "manage_stock": True, "stock_quantity": 40}
    payload = {"products": [mug, tee(tag, ["S", "M", "L"])]}

    first = connector.invoke("upsert-product", payload, conn)

    assert first["complete"] and first["created"] == 2
    stored_mug, parent = by_sku(sandbox, f"MUG-{tag}"), by_sku(sandbox, f"TEE-{tag}")
    assert stored_mug["regular_price"] == "24.95" and stored_mug["stock_quantity"] == 40
    assert parent["type"] == "variable"
    assert sorted(by_sku(sandbox, f"TEE-{tag}-{s}")["parent_id"] for s in "SML") == [parent["id"]] * 3

    sandbox.requests_log.clear()
    second = connector.invoke("upsert-product", payload, conn)

    assert writes(sandbox) == []  # a re-run sends nothing
    assert [r["action"] for r in second["products"]] == ["unchanged", "unchanged"]
    assert [v["action"] for v in second["products"][1]["variations"]] == ["unchanged"] * 3

    sandbox.requests_log.clear()
    third = connector.invoke("upsert-product", {"products": [{**mug, "regular_price": "26.00"}, tee(tag, ["S", "M"], "42.00")],
                                                "remove_missing_variations": True}, conn)

    assert third["complete"] and [r["action"] for r in third["products"]] == ["updated", "updated"]  # options S, M
    assert by_sku(sandbox, f"MUG-{tag}")["regular_price"] == "26.00"
    assert by_sku(sandbox, f"TEE-{tag}-S")["regular_price"] == "42.00"
    assert by_sku(sandbox, f"TEE-{tag}-L") is None
    assert [r["sku"] for r in third["products"][1]["removed_variations"]] == [f"TEE-{tag}-L"]
    assert [p for m, p in writes(sandbox)].count(f"/wp-json/wc/v3/products/{parent['id']}/variations/batch") == 1
    assert sum(1 for p in sandbox.store.all("product") if p.get("sku") == f"MUG-{tag}") == 1  # never a duplicate


def test_upsert_writes_150_products_in_two_batch_requests(connector: Registry, store) -> None:
    sandbox, conn = store
    tag = uuid.uuid4().hex[:6].upper()
    products = [{"name": f"Bulk {tag} {i}", "sku": f"BULK-{tag}-{i:03d}", "regular_price": "1.50"} for i in range(150)]
    sandbox.requests_log.clear()

    result = connector.invoke("upsert-product", {"products": products}, conn)

    assert result["created"] == 150 and result["complete"]
    assert writes(sandbox) == [("POST", "/wp-json/wc/v3/products/batch")] * 2
    assert all(by_sku(sandbox, p["sku"])["id"] == r["id"] for p, r in zip(products, result["products"]))


def test_update_stock_for_products_and_variations_by_sku(connector: Registry, store) -> None:
    sandbox, conn = store
    tag = uuid.uuid4().hex[:6].upper()
    connector.invoke("upsert-product", {"products": [
        {"name": f"Stock Mug {tag}", "sku": f"SM-{tag}", "regular_price": "5.00"}, tee(tag, ["S", "M"])]}, conn)
    items = [{"sku": f"SM-{tag}", "stock_quantity": 12}, {"sku": f"TEE-{tag}-S", "stock_quantity": 5},
             {"sku": f"NOPE-{tag}", "stock_quantity": 1}]

    result = connector.invoke("update-stock", {"items": items}, conn)

    assert [r["action"] for r in result["items"]] == ["updated", "updated", "not_found"]
    assert result["not_found_skus"] == [f"NOPE-{tag}"]
    mug, small = by_sku(sandbox, f"SM-{tag}"), by_sku(sandbox, f"TEE-{tag}-S")
    assert (mug["manage_stock"], mug["stock_quantity"]) == (True, 12)
    assert (small["manage_stock"], small["stock_quantity"]) == (True, 5)

    sandbox.requests_log.clear()
    again = connector.invoke("update-stock", {"items": items[:2]}, conn)
    assert writes(sandbox) == [] and again["unchanged"] == 2

    adjusted = connector.invoke("update-stock", {"items": [{"sku": f"TEE-{tag}-S", "adjust_by": -2}]}, conn)
    assert adjusted["items"][0]["stock_quantity"] == 3 and by_sku(sandbox, f"TEE-{tag}-S")["stock_quantity"] == 3


def _refundable_line(sandbox: Any, connector: Registry, conn: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """A completed order not yet refunded, and a line of 2 or more units of a stock-managed product."""
    orders = connector.invoke("list-orders", {"status": "completed", "per_page": 100, "orderby": "id"}, conn)["items"]
    for order in orders:
        for line in order["line_items"] if not order["refunds"] else []:
            product = sandbox.store.get("product", line["variation_id"] or line["product_id"])
            if line["quantity"] >= 2 and product and product["manage_stock"]:
                return order, line
    raise AssertionError("the seeded store has no such order")


def test_create_refund_of_one_unit_and_over_refund_refused(connector: Registry, store) -> None:
    sandbox, conn = store
    order, line = _refundable_line(sandbox, connector, conn)
    unit = (Decimal(line["total"]) / line["quantity"]).quantize(Decimal("0.01"))
    unit_tax = (Decimal(line["total_tax"]) / line["quantity"]).quantize(Decimal("0.01"))

    product_id = line["variation_id"] or line["product_id"]
    stock_before = sandbox.store.get("product", product_id)["stock_quantity"]

    refund = connector.invoke("create-refund", {"order_id": order["id"], "line_items": [{"id": line["id"], "quantity": 1}],
                                                "reason": "Return: one unit"}, conn)

    assert Decimal(refund["amount"]) == unit + unit_tax
    assert sandbox.store.get("product", product_id)["stock_quantity"] == stock_before + 1  # restock_items defaults to true
    stored = [r for r in sandbox.store.all("refund") if r["_order_id"] == order["id"]]
    assert [(r["id"], r["amount"]) for r in stored] == [(refund["id"], refund["amount"])]
    assert Decimal(refund["remaining_refundable"]) == Decimal(order["total"]) - Decimal(refund["amount"])

    sandbox.requests_log.clear()
    with pytest.raises(InvalidRequestError) as info:
        connector.invoke("create-refund", {"order_id": order["id"], "amount": order["total"]}, conn)
    assert info.value.details["remaining"] == refund["remaining_refundable"]
    assert writes(sandbox) == []  # refused before sending
    assert len([r for r in sandbox.store.all("refund") if r["_order_id"] == order["id"]]) == 1


def test_dry_run_upsert_shows_the_batch_and_changes_nothing(connector: Registry, store) -> None:
    sandbox, conn = store
    tag = uuid.uuid4().hex[:6].upper()
    sandbox.requests_log.clear()

    preview = connector.invoke("upsert-product", {"dry_run": True, "products": [tee(tag, ["S", "M"])]}, conn)

    assert writes(sandbox) == [] and by_sku(sandbox, f"TEE-{tag}") is None
    first, second = preview["requests"]
    assert (first["method"], first["path"], second["method"]) == ("POST", "/products/batch", "POST")
    assert second["path"].endswith("/variations/batch")
    assert [v["sku"] for v in preview["requests"][1]["body"]["create"]] == [f"TEE-{tag}-S", f"TEE-{tag}-M"]


def test_order_tax_breakdown_reconciles_with_the_store(connector: Registry, store) -> None:
    _, conn = store
    result = connector.invoke("list-orders", {"per_page": 50, "tax_breakdown": True}, conn)
    assert len(result["items"]) == 50
    for order in result["items"]:
        amounts = order["amounts"]
        assert amounts["reconciled"] and Decimal(amounts["gross"]) == Decimal(order["total"])
        assert Decimal(amounts["tax"]) == Decimal(order["total_tax"])
    single = connector.invoke("get-order", {"id": result["items"][0]["id"], "tax_breakdown": True}, conn)
    assert single["amounts"] == result["items"][0]["amounts"]


def test_a_cursor_sync_carries_the_tax_breakdown_too(connector: Registry, store) -> None:
    """Orders -> ERP: every order changed since the cursor, with net/tax/gross per order and line."""
    _, conn = store
    result = connector.invoke("list-orders", {"cursor": "", "status": "processing", "tax_breakdown": True}, conn)
    assert result["items"] and result["next_cursor"]
    for order in result["items"]:
        assert order["amounts"]["reconciled"] and Decimal(order["amounts"]["gross"]) == Decimal(order["total"])
        assert all("amounts" in line for line in order["line_items"])


def test_products_with_variations_and_price_amounts(connector: Registry, store) -> None:
    _, conn = store
    result = connector.invoke("list-products", {"type": "variable", "per_page": 5, "include_variations": True,
                                                "tax_breakdown": True}, conn)
    assert result["items"]
    for product in result["items"]:
        assert sorted(v["id"] for v in product["variation_details"]) == sorted(product["variations"])
        for variation in product["variation_details"]:
            price = variation["amounts"]["price"]
            assert price["gross"] == f"{Decimal(variation['price']):.2f}"  # the AU store enters prices with GST
            assert Decimal(price["net"]) + Decimal(price["tax"]) == Decimal(price["gross"])


def test_subscribe_webhook_secret_is_the_stores_and_is_not_echoed(connector: Registry, store) -> None:
    sandbox, conn = store
    result = connector.invoke("subscribe-webhook", {"topic": "order.updated", "delivery_url": "http://127.0.0.1:80/hook"}, conn)

    stored = sandbox.store.get("webhook", result["webhook"]["id"])
    assert stored["_secret"] == result["secret"]  # the store signs deliveries with what we returned
    assert result["secret"] not in str(result["webhook"])
    again = connector.invoke("raw-api-request", {"method": "GET", "path": f"/webhooks/{result['webhook']['id']}"}, conn)
    assert result["secret"] not in str(again)
