"""create-order, delete-order, list-order-notes, add-order-note against the real store's answers."""

from __future__ import annotations

import json

import pytest
import responses
from captures import capture, register

from woo_connector.errors import InvalidInputError, InvalidRequestError

API = "https://127.0.0.1:8443/wp-json/wc/v3"


def sent_json(call) -> object:
    return json.loads(call.request.body)


def answer_lookup(rsps: responses.RequestsMock, which: int) -> list[dict]:
    """The store's answer to /products?sku=... from capture ``which``."""
    return register(rsps, which)["response"]["body"]


# -- create-order -------------------------------------------------------------------------------


def test_create_order_by_product_id_sends_the_payload_as_is(connector, conn, rsps) -> None:
    exchange = register(rsps, 46)
    payload = exchange["request"]["body"]

    result = connector.invoke("create-order", payload, conn)

    assert result == exchange["response"]["body"] and result["status"] == "processing"
    assert [c.request.method for c in rsps.calls] == ["POST"]  # no lookup without a sku
    assert sent_json(rsps.calls[0]) == payload


def test_create_order_resolves_skus_in_one_lookup(connector, conn, rsps, query_of) -> None:
    found = answer_lookup(rsps, 90)  # RW-BOO-0011 -> 45, RW-STA-0012 -> 46, both simple
    register(rsps, 46, url=f"{API}/orders")

    connector.invoke(
        "create-order",
        {"line_items": [{"sku": "RW-BOO-0011", "quantity": 2}, {"sku": "RW-STA-0012", "quantity": 1, "name": "Gift"}]},
        conn,
    )

    lookup, create = rsps.calls
    assert lookup.request.url.split("?")[0] == f"{API}/products"
    assert dict(query_of(lookup))["sku"] == "RW-BOO-0011,RW-STA-0012"
    ids = {item["sku"]: item["id"] for item in found}
    assert sent_json(create)["line_items"] == [
        {"product_id": ids["RW-BOO-0011"], "quantity": 2},
        {"product_id": ids["RW-STA-0012"], "quantity": 1, "name": "Gift"},
    ]


def test_a_variation_sku_becomes_parent_and_variation_ids(connector, conn, rsps) -> None:
    (variation,) = answer_lookup(rsps, 91)  # RW-VAR-001-01: variation 292 of 291
    register(rsps, 46, url=f"{API}/orders")

    connector.invoke("create-order", {"line_items": [{"sku": "RW-VAR-001-01", "quantity": 1}]}, conn)

    assert sent_json(rsps.calls[1])["line_items"] == [
        {"product_id": variation["parent_id"], "variation_id": variation["id"], "quantity": 1}
    ]
    assert (variation["parent_id"], variation["id"]) == (291, 292)


def test_sku_lookup_ignores_case_as_the_store_does(connector, conn, rsps) -> None:
    answer_lookup(rsps, 89)
    register(rsps, 46, url=f"{API}/orders")

    connector.invoke("create-order", {"line_items": [{"sku": "rw-boo-0011", "quantity": 1}]}, conn)

    assert sent_json(rsps.calls[1])["line_items"] == [{"product_id": 45, "quantity": 1}]


def test_an_unknown_sku_refuses_the_order_before_anything_is_written(connector, conn, rsps) -> None:
    answer_lookup(rsps, 91)  # knows RW-VAR-001-01 only

    with pytest.raises(InvalidInputError) as caught:
        connector.invoke(
            "create-order",
            {"line_items": [{"sku": "RW-VAR-001-01", "quantity": 1}, {"sku": "RW-CHE", "quantity": 1}]},
            conn,
        )

    assert caught.value.details["problems"] == [
        {"pointer": "/line_items/1/sku", "message": "no product or variation has SKU 'RW-CHE'"}
    ]
    assert "Nothing was created" in caught.value.message
    assert [c.request.method for c in rsps.calls] == ["GET"]


def test_an_empty_lookup_names_every_missing_sku(connector, conn, rsps) -> None:
    answer_lookup(rsps, 92)  # 200 []

    with pytest.raises(InvalidInputError) as caught:
        connector.invoke("create-order", {"line_items": [{"sku": "A-1"}, {"product_id": 35}, {"sku": "B-2"}]}, conn)

    assert [p["pointer"] for p in caught.value.details["problems"]] == ["/line_items/0/sku", "/line_items/2/sku"]
    assert len(rsps.calls) == 1


def test_skus_go_100_to_a_lookup_and_one_with_a_comma_is_not_asked(connector, conn, rsps, query_of) -> None:
    register(rsps, 92)  # 200 []: none is known, so every lookup is made and nothing is created
    skus = [f"S-{n:03d}" for n in range(101)] + ["A,B"]

    with pytest.raises(InvalidInputError) as caught:
        connector.invoke("create-order", {"line_items": [{"sku": sku} for sku in skus]}, conn)

    asked = [dict(query_of(call))["sku"] for call in rsps.calls]
    assert asked == [",".join(skus[:100]), skus[100]]  # the store would split "A,B" and answer for A and B
    problems = caught.value.details["problems"]
    assert len(problems) == len(skus) and "splits on commas" in problems[-1]["message"]


def test_a_variable_products_sku_is_refused(connector, conn, rsps) -> None:
    parent = capture(108)["response"]["body"]  # a real variable product, as /products?sku= lists it
    assert parent["type"] == "variable" and parent["sku"]
    rsps.add(responses.GET, f"{API}/products", json=[parent], headers={"X-WP-Total": "1", "X-WP-TotalPages": "1"})

    with pytest.raises(InvalidInputError) as caught:
        connector.invoke("create-order", {"line_items": [{"sku": parent["sku"], "quantity": 1}]}, conn)

    (problem,) = caught.value.details["problems"]
    assert problem["pointer"] == "/line_items/0/sku" and "variable product" in problem["message"]
    assert len(rsps.calls) == 1


def test_sku_together_with_product_id_is_refused_without_a_request(refused) -> None:
    assert refused("create-order", {"line_items": [{"sku": "RW-BOO-0011", "product_id": 45}]}) == ["/line_items/0"]


def test_a_bad_coupon_is_the_stores_invalid_request(connector, conn, rsps) -> None:
    exchange = register(rsps, 255)

    with pytest.raises(InvalidRequestError) as caught:
        connector.invoke("create-order", exchange["request"]["body"], conn)

    assert caught.value.http_status == 400
    assert caught.value.woo_code == "woocommerce_rest_invalid_coupon"


@pytest.mark.parametrize(
    "payload, pointer",
    [
        ({"line_items": []}, "/line_items"),
        ({"status": "Not A Slug"}, "/status"),
        ({"line_items": [{"sku": "X", "quantity": -1}]}, "/line_items/0/quantity"),
        ({"id": 5}, "/id"),
    ],
)
def test_create_order_input_is_checked_first(refused, payload, pointer) -> None:
    assert refused("create-order", payload) == [pointer]


# -- delete-order ---------------------------------------------------------------------------------


def test_delete_order_trashes_by_default_and_shows_the_status_before(connector, conn, rsps, query_of) -> None:
    exchange = register(rsps, 301)

    result = connector.invoke("delete-order", {"id": 822}, conn)

    assert result == exchange["response"]["body"] and result["status"] == "pending"
    assert rsps.calls[0].request.method == "DELETE"
    assert query_of(rsps.calls[0]) == []  # no force: the store's own default, the trash


def test_delete_order_force_deletes_for_good(connector, conn, rsps, query_of) -> None:
    exchange = register(rsps, 304)

    result = connector.invoke("delete-order", {"id": 822, "force": True}, conn)

    assert result == exchange["response"]["body"] and result["status"] == "trash"
    assert query_of(rsps.calls[0]) == [("force", "true")]


def test_deleting_a_trashed_order_again_is_410_with_a_hint(connector, conn, rsps) -> None:
    exchange = register(rsps, 303)

    with pytest.raises(InvalidRequestError) as caught:
        connector.invoke("delete-order", {"id": 822}, conn)

    exc = caught.value
    assert (exc.http_status, exc.woo_code) == (410, exchange["response"]["body"]["code"])
    assert exc.woo_code == "woocommerce_rest_already_trashed"
    assert exchange["response"]["body"]["message"] in exc.message and "force true" in exc.message
    assert exc.to_dict()["message"] == exc.message == str(exc)


# -- order notes ----------------------------------------------------------------------------------


def test_list_order_notes_is_one_page_in_the_list_envelope(connector, conn, rsps, query_of) -> None:
    exchange = register(rsps, 58)

    result = connector.invoke("list-order-notes", {"order_id": 752}, conn)

    notes = exchange["response"]["body"]
    assert result == {
        "items": notes, "page": 1, "per_page": 100, "total": len(notes), "total_pages": 1,
        "has_more": False, "next_page": None,
    }
    assert query_of(rsps.calls[0]) == []  # no page/per_page: the store ignores them for notes


def test_list_order_notes_passes_the_type_filter(connector, conn, rsps, query_of) -> None:
    register(rsps, 58)

    connector.invoke("list-order-notes", {"order_id": 752, "type": "customer"}, conn)

    assert query_of(rsps.calls[0]) == [("type", "customer")]


def test_list_order_notes_of_an_order_without_notes(connector, conn, rsps) -> None:
    headers = {k: v for k, v in capture(58)["response"]["headers"].items() if k.lower() == "allow"}
    rsps.add(responses.GET, f"{API}/orders/9/notes", json=[], headers=headers)

    result = connector.invoke("list-order-notes", {"order_id": 9}, conn)

    assert result["items"] == [] and result["total"] == 0 and result["has_more"] is False


def test_add_order_note_sends_woocommerces_fields(connector, conn, rsps) -> None:
    exchange = register(rsps, 59)

    result = connector.invoke("add-order-note", {"order_id": 752, **exchange["request"]["body"]}, conn)

    assert result == exchange["response"]["body"] and result["customer_note"] is True
    assert sent_json(rsps.calls[0]) == exchange["request"]["body"]
    assert rsps.calls[0].request.url == f"{API}/orders/752/notes"


def test_add_order_note_needs_text(refused) -> None:
    assert refused("add-order-note", {"order_id": 752, "note": ""}) == ["/note"]

