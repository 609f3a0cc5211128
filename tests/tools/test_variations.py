"""list-variations, get-variation, update-variation and delete-product against the real store's answers."""

from __future__ import annotations

import json

import pytest
import responses
from captures import capture, register, replay_headers

from woo_connector.errors import InvalidInputError, NotFoundError, PermissionDeniedError

API = "https://127.0.0.1:8443/wp-json/wc/v3"


def serve_variation(rsps: responses.RequestsMock, method: str, body: dict) -> str:
    """Answer the variation's own route with ``body`` (a variation the store sent), return the URL."""
    url = f"{API}/products/{body['parent_id']}/variations/{body['id']}"
    rsps.add(method, url, json=body, headers=replay_headers(capture(83)))
    return url


# -- list-variations ------------------------------------------------------------------------------


def test_list_variations_in_the_list_envelope(connector, conn, rsps, query_of) -> None:
    exchange = register(rsps, 81)

    result = connector.invoke("list-variations", {"product_id": 291}, conn)

    assert result["items"] == exchange["response"]["body"]
    assert (result["total"], result["total_pages"], result["has_more"], result["next_page"]) == (12, 1, False, None)
    assert rsps.calls[0].request.url.split("?")[0] == f"{API}/products/291/variations"
    sent = dict(query_of(rsps.calls[0]))
    assert sent == {"page": "1", "per_page": "100"}  # product_id is the route, not a filter


def test_list_variations_reads_paging_from_the_headers(connector, conn, rsps) -> None:
    register(rsps, 82)  # per_page 10 of 12: Link rel=next

    result = connector.invoke("list-variations", {"product_id": 291, "per_page": 10}, conn)

    assert len(result["items"]) == 10 and result["has_more"] is True and result["next_page"] == 2


def test_list_variations_filters_pass_through(connector, conn, rsps, query_of) -> None:
    exchange = register(rsps, 270)

    result = connector.invoke(
        "list-variations", {"product_id": 328, "sku": "RW-PNT-0161-M", "_fields": ["id", "sku"]}, conn
    )

    assert result["items"] == exchange["response"]["body"] and result["total"] == 1
    sent = dict(query_of(rsps.calls[0]))
    assert (sent["sku"], sent["_fields"]) == ("RW-PNT-0161-M", "id,sku")


def test_list_variations_needs_the_parent(refused) -> None:
    assert refused("list-variations", {"sku": "X"}) == [""]


# -- get-variation --------------------------------------------------------------------------------


def test_get_variation_by_ids(connector, conn, rsps) -> None:
    exchange = register(rsps, 83)

    result = connector.invoke("get-variation", {"product_id": 291, "id": 292}, conn)

    assert result == exchange["response"]["body"]
    assert [c.request.method for c in rsps.calls] == ["GET"]


def test_a_variation_under_the_wrong_parent_is_not_found(connector, conn, rsps) -> None:
    register(rsps, 84)

    with pytest.raises(NotFoundError) as caught:
        connector.invoke("get-variation", {"product_id": 304, "id": 292}, conn)

    assert caught.value.woo_code == "woocommerce_rest_product_variation_invalid_id"


def test_get_variation_by_sku_finds_the_variation_and_its_parent(connector, conn, rsps, query_of) -> None:
    (found,) = register(rsps, 269)["response"]["body"]  # variation 331 of 328
    variation = capture(270)["response"]["body"][0]  # the same variation as its own route sends it
    url = serve_variation(rsps, "GET", variation)

    result = connector.invoke("get-variation", {"sku": "RW-PNT-0161-M"}, conn)

    assert result == variation
    lookup, get = rsps.calls
    assert dict(query_of(lookup))["sku"] == "RW-PNT-0161-M"
    assert get.request.url == url == f"{API}/products/{found['parent_id']}/variations/{found['id']}"


def test_an_unknown_sku_is_not_found(connector, conn, rsps) -> None:
    register(rsps, 92)  # 200 []

    with pytest.raises(NotFoundError) as caught:
        connector.invoke("get-variation", {"sku": "RW-CHE"}, conn)

    assert caught.value.details["problems"] == [{"pointer": "/sku", "message": "no variation with this SKU"}]
    assert len(rsps.calls) == 1


def test_a_simple_products_sku_points_at_get_product(connector, conn, rsps) -> None:
    register(rsps, 89)  # RW-BOO-0011 is the simple product 45

    with pytest.raises(InvalidInputError) as caught:
        connector.invoke("get-variation", {"sku": "RW-BOO-0011"}, conn)

    assert caught.value.details["problems"][0]["pointer"] == "/sku"
    assert "simple product 45" in caught.value.message and "get-product" in caught.value.message


@pytest.mark.parametrize(
    "payload", [{"id": 292}, {"product_id": 291}, {"product_id": 291, "id": 292, "sku": "X"}, {}]
)
def test_get_variation_takes_both_ids_or_a_sku(refused, payload) -> None:
    assert refused("get-variation", payload)


# -- update-variation -----------------------------------------------------------------------------


def test_update_variation_by_ids(connector, conn, rsps) -> None:
    exchange = register(rsps, 116)

    result = connector.invoke("update-variation", {"product_id": 757, "id": 758, **exchange["request"]["body"]}, conn)

    assert result == exchange["response"]["body"]
    assert result["regular_price"] == "35.00" and result["stock_quantity"] == 2
    assert json.loads(rsps.calls[0].request.body) == exchange["request"]["body"]


def test_update_variation_sends_prices_as_strings(connector, conn, rsps) -> None:
    register(rsps, 116)

    connector.invoke("update-variation", {"product_id": 757, "id": 758, "regular_price": 35, "sale_price": 29.5}, conn)

    assert json.loads(rsps.calls[0].request.body) == {"regular_price": "35", "sale_price": "29.5"}


def test_update_variation_by_sku_puts_to_the_variation_route(connector, conn, rsps) -> None:
    register(rsps, 269)
    variation = {**capture(270)["response"]["body"][0], "stock_quantity": 12}
    url = serve_variation(rsps, "PUT", variation)

    result = connector.invoke(
        "update-variation", {"sku": "RW-PNT-0161-M", "manage_stock": True, "stock_quantity": 12}, conn
    )

    assert result == variation
    put = rsps.calls[1].request
    assert (put.method, put.url) == ("PUT", url)
    assert json.loads(put.body) == {"manage_stock": True, "stock_quantity": 12}  # the SKU only found it


def test_with_ids_a_sku_is_the_new_sku(connector, conn, rsps) -> None:
    register(rsps, 116)

    connector.invoke("update-variation", {"product_id": 757, "id": 758, "sku": "CAP-CAP-001-NEW"}, conn)

    assert [c.request.method for c in rsps.calls] == ["PUT"]
    assert json.loads(rsps.calls[0].request.body) == {"sku": "CAP-CAP-001-NEW"}


def test_update_variation_refuses_a_simple_products_sku(connector, conn, rsps) -> None:
    register(rsps, 89)

    with pytest.raises(InvalidInputError) as caught:
        connector.invoke("update-variation", {"sku": "RW-BOO-0011", "regular_price": "10"}, conn)

    assert "update-product" in caught.value.message
    assert [c.request.method for c in rsps.calls] == ["GET"]


@pytest.mark.parametrize(
    "payload",
    [
        {"product_id": 757, "id": 758},  # nothing to change
        {"sku": "RW-PNT-0161-M"},  # nothing to change
        {"id": 758, "regular_price": "1"},  # id without its parent
        {"product_id": 757, "regular_price": "1"},  # parent without the id
        {"regular_price": "1"},  # nothing names the variation
        {"sku": "X", "status": "deleted"},
    ],
)
def test_update_variation_input_is_checked_first(refused, payload) -> None:
    assert refused("update-variation", payload)


# -- delete-product -------------------------------------------------------------------------------


def test_delete_product_trashes_by_default(connector, conn, rsps, query_of) -> None:
    exchange = register(rsps, 125)

    result = connector.invoke("delete-product", {"id": 756}, conn)

    assert result == exchange["response"]["body"] and result["status"] == "publish"  # as it was before
    assert rsps.calls[0].request.method == "DELETE" and query_of(rsps.calls[0]) == []


def test_delete_product_force(connector, conn, rsps, query_of) -> None:
    exchange = register(rsps, 127)

    result = connector.invoke("delete-product", {"id": 756, "force": True}, conn)

    assert result == exchange["response"]["body"] and result["status"] == "trash"
    assert query_of(rsps.calls[0]) == [("force", "true")]


def test_a_read_only_key_cannot_delete_a_product(connector, conn, rsps) -> None:
    register(rsps, 215)

    with pytest.raises(PermissionDeniedError) as caught:
        connector.invoke("delete-product", {"id": 284}, conn)

    assert "read-only" in caught.value.message
