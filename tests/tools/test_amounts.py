"""tax_breakdown on get-order/list-orders/get-product/list-products, include_variations on
list-products, and subscribe-webhook, against the real store's answers."""

from __future__ import annotations

import json
from typing import Any

import pytest
import responses
from captures import capture, register, replay_headers

from woo_connector.errors import InvalidInputError

API = "https://127.0.0.1:8443/wp-json/wc/v3"


def without_amounts(doc: dict[str, Any]) -> dict[str, Any]:
    out = json.loads(json.dumps(doc))
    out.pop("amounts", None)
    for kind in ("line_items", "shipping_lines", "fee_lines"):
        for line in out.get(kind) or []:
            line.pop("amounts", None)
    return out


def store_tax_answers(rsps: responses.RequestsMock) -> None:
    """The AU store's settings and rates: prices entered with GST (161, 162, 158)."""
    for n in (161, 162, 158):
        register(rsps, n)


def test_get_order_with_tax_breakdown(connector, conn, rsps, query_of) -> None:
    exchange = register(rsps, 316, url=f"{API}/orders/1207")

    order = connector.invoke("get-order", {"id": 1207, "tax_breakdown": True}, conn)

    assert "tax_breakdown" not in dict(query_of(rsps.calls[0]))  # the connector's option, not the store's
    assert order["amounts"]["gross"] == exchange["response"]["body"]["total"] == "596.96"
    assert order["amounts"]["net"] == "546.56" and order["amounts"]["reconciled"] is True
    assert without_amounts(order) == exchange["response"]["body"]


def test_get_order_without_the_flag_is_the_store_answer_alone(connector, conn, rsps) -> None:
    exchange = register(rsps, 316, url=f"{API}/orders/1207")
    assert connector.invoke("get-order", {"id": 1207}, conn) == exchange["response"]["body"]


def test_tax_breakdown_refuses_a_projection_without_its_fields(connector, conn, rsps) -> None:
    with pytest.raises(InvalidInputError) as info:
        connector.invoke("get-order", {"id": 1, "tax_breakdown": True, "_fields": ["id", "total"]}, conn)
    assert info.value.details["missing"][:2] == ["total_tax", "prices_include_tax"]
    assert len(rsps.calls) == 0


def test_list_orders_with_tax_breakdown(connector, conn, rsps, query_of) -> None:
    exchange = capture(5)
    headers = {k: v for k, v in replay_headers(exchange).items() if k != "Content-Type"}
    rsps.add(responses.Response("GET", f"{API}/orders", json=exchange["response"]["body"], headers=headers))

    result = connector.invoke("list-orders", {"tax_breakdown": True, "per_page": 10}, conn)

    assert "tax_breakdown" not in dict(query_of(rsps.calls[0]))
    assert [without_amounts(o) for o in result["items"]] == exchange["response"]["body"]
    assert all(o["amounts"]["reconciled"] and o["amounts"]["gross"] == o["total"] for o in result["items"])


def test_get_product_with_tax_breakdown_reads_the_stores_tax_settings(connector, conn, rsps) -> None:
    product = capture(271)["response"]["body"][0]  # 43.95 incl. GST
    rsps.add(responses.Response("GET", f"{API}/products/{product['id']}", json=product))
    store_tax_answers(rsps)

    result = connector.invoke("get-product", {"id": product["id"], "tax_breakdown": True}, conn)

    assert result["amounts"]["prices_include_tax"] is True
    assert result["amounts"]["price"] == {"net": "39.95", "tax": "4.00", "gross": "43.95"}
    assert result["amounts"]["sale_price"] is None
    assert {k: v for k, v in result.items() if k != "amounts"} == product


def test_a_tax_exclusive_store_adds_the_tax(connector, conn, rsps) -> None:
    product = capture(271)["response"]["body"][0]
    rsps.add(responses.Response("GET", f"{API}/products/{product['id']}", json=product))
    register(rsps, 161)
    settings = capture(162)["response"]["body"]
    for row in settings:
        if row["id"] == "woocommerce_prices_include_tax":
            row["value"] = "no"
    rsps.add(responses.Response("GET", f"{API}/settings/tax", json=settings))
    register(rsps, 158)

    result = connector.invoke("get-product", {"id": product["id"], "tax_breakdown": True}, conn)

    assert result["amounts"]["price"] == {"net": "43.95", "tax": "4.40", "gross": "48.35"}


def test_list_products_include_variations_page_by_page(connector, conn, rsps, query_of) -> None:
    page = capture(69)
    headers = {k: v for k, v in replay_headers(page).items() if k != "Content-Type"}
    rsps.add(responses.Response("GET", f"{API}/products", json=page["response"]["body"], headers=headers))
    variable = [p["id"] for p in page["response"]["body"] if p["type"] == "variable"]
    variations = capture(81)["response"]["body"]
    for pid in variable:
        rsps.add(responses.Response("GET", f"{API}/products/{pid}/variations", json=variations,
                                    headers={"X-WP-Total": str(len(variations)), "X-WP-TotalPages": "1"}))
    store_tax_answers(rsps)

    result = connector.invoke("list-products", {"include_variations": True, "tax_breakdown": True}, conn)

    assert {"include_variations", "tax_breakdown"}.isdisjoint(dict(query_of(rsps.calls[0])))
    with_details = [p["id"] for p in result["items"] if "variation_details" in p]
    assert with_details == variable and len(variable) == 2
    first = next(p for p in result["items"] if p["id"] == variable[0])
    assert len(first["variation_details"]) == len(variations)
    assert all("amounts" in v for v in first["variation_details"])
    assert all("amounts" in p for p in result["items"])


def test_include_variations_needs_id_and_type_in_fields(connector, conn, rsps) -> None:
    with pytest.raises(InvalidInputError) as info:
        connector.invoke("list-products", {"include_variations": True, "_fields": "id,name"}, conn)
    assert info.value.details["missing"] == ["type"]
    assert len(rsps.calls) == 0


# -- subscribe-webhook ------------------------------------------------------------------------


def test_subscribe_webhook_sends_a_fresh_secret_and_returns_it_once(connector, conn, rsps) -> None:
    created = capture(305)["response"]["body"]
    rsps.add(responses.Response("POST", f"{API}/webhooks", json=created, status=201))
    payload = {"topic": "order.updated", "delivery_url": "http://127.0.0.1:80/hook", "name": "Capture order.updated"}

    first = connector.invoke("subscribe-webhook", payload, conn)
    second = connector.invoke("subscribe-webhook", payload, conn)

    bodies = [json.loads(c.request.body) for c in rsps.calls]
    assert {k: v for k, v in bodies[0].items() if k != "secret"} == payload
    assert bodies[0]["secret"] == first["secret"] and bodies[1]["secret"] == second["secret"]
    assert first["secret"] != second["secret"] and len(first["secret"]) >= 43  # 32 random bytes
    assert first["webhook"] == created and "secret" not in json.dumps(created)
