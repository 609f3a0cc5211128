"""What the sandbox store receives for payloads that used to go out wrong.

``id: 355.0`` went to ``/orders/355.0``, ``max_items: 1.0`` failed inside the connector, a price
of ``4e-7`` became ``"0"``. A store of its own (module fixture) takes the writes, so the session
sandboxes stay as other tests expect them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from woo_connector.errors import InvalidInputError
from woo_connector.registry import Registry
from woo_connector.sandbox import Sandbox


@pytest.fixture(scope="module")
def shop() -> Iterator[Sandbox]:
    with Sandbox(seed=7, orders=20) as sandbox:
        yield sandbox


@pytest.fixture
def conn(shop: Sandbox) -> dict[str, Any]:
    shop.requests_log.clear()
    return shop.connection()


def paths(shop: Sandbox) -> list[tuple[str, str]]:
    return [(method, path) for method, path, _names, _status in shop.requests_log]


def test_an_id_given_as_a_float_goes_to_the_integer_path(connector: Registry, shop: Sandbox, conn: dict) -> None:
    order_id = connector.invoke("list-orders", {"per_page": 1, "_fields": ["id"]}, conn)["items"][0]["id"]
    shop.requests_log.clear()

    order = connector.invoke("get-order", {"id": float(order_id)}, conn)

    assert order["id"] == order_id
    assert paths(shop) == [("GET", f"/wp-json/wc/v3/orders/{order_id}")]


def test_max_items_given_as_a_float_caps_the_list(connector: Registry, conn: dict) -> None:
    result = connector.invoke("list-orders", {"max_items": 3.0, "per_page": 2.0}, conn)
    assert len(result["items"]) == 3 and result["per_page"] == 2 and type(result["per_page"]) is int


@pytest.mark.parametrize("price, text", [(4e-7, "0.0000004"), (19.9, "19.9"), ("19.90", "19.90"), (25, "25")])
def test_prices_reach_the_store_exactly_as_given(connector: Registry, conn: dict, price: Any, text: str) -> None:
    product = connector.invoke("list-products", {"per_page": 1, "type": "simple"}, conn)["items"][0]

    preview = connector.invoke("update-product", {"id": product["id"], "regular_price": price, "dry_run": True}, conn)
    assert preview["requests"][0]["body"] == {"regular_price": text}

    updated = connector.invoke("update-product", {"id": float(product["id"]), "regular_price": price}, conn)
    assert updated["id"] == product["id"] and updated["regular_price"] == text


def test_a_nan_price_is_refused_before_anything_is_sent(connector: Registry, shop: Sandbox, conn: dict) -> None:
    with pytest.raises(InvalidInputError) as caught:
        connector.invoke("update-product", {"id": 1, "regular_price": float("nan")}, conn)
    assert caught.value.details["problems"][0]["pointer"] == "/regular_price"
    assert list(shop.requests_log) == []


def test_extra_query_names_reach_the_store_as_its_own_filters(connector: Registry, shop: Sandbox, conn: dict) -> None:
    connector.invoke("list-products", {"per_page": 1, "extra_query": {"vendor": "12", "labels": ["a", "b"]}}, conn)
    names = shop.requests_log[0][2]
    assert {"vendor", "labels[0]", "labels[1]"} <= set(names) and "extra_query" not in " ".join(names)


def test_an_address_field_a_plugin_adds_is_sent_and_the_order_updates(connector: Registry, conn: dict) -> None:
    order = connector.invoke("list-orders", {"per_page": 1}, conn)["items"][0]
    updated = connector.invoke("update-order", {"id": order["id"], "billing": {"cpf": "123.456.789-09", "city": "Recife"}}, conn)
    assert updated["billing"]["city"] == "Recife"


@pytest.mark.parametrize("tool, payload", [("list-orders", {}), ("list-products", {"extra_query": {"vendor": "1"}}),
                                           ("get-order", {"id": 5})])
def test_a_site_that_is_not_wordpress_says_the_site_url_is_probably_wrong(
    connector: Registry, sandbox_https: Sandbox, tool: str, payload: dict
) -> None:
    from woo_connector.errors import NotFoundError

    sandbox_https.mode = "html"  # reset after the test (tests/conftest.py)
    with pytest.raises(NotFoundError) as caught:
        connector.invoke(tool, payload, sandbox_https.connection())
    assert caught.value.reason == "not_wordpress" and "site_url is probably not the WordPress site" in caught.value.message
