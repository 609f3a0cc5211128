"""update-customer and delete-customer against the real store's answers."""

from __future__ import annotations

import json

import pytest
from captures import capture, register

from woo_connector.errors import PermissionDeniedError

API = "https://127.0.0.1:8443/wp-json/wc/v3"


@pytest.mark.parametrize("which", [147, 276])
def test_update_customer_puts_only_the_fields_given(connector, conn, rsps, which) -> None:
    exchange = register(rsps, which)
    customer_id = int(exchange["request"]["path"].rsplit("/", 1)[1])

    result = connector.invoke("update-customer", {"id": customer_id, **exchange["request"]["body"]}, conn)

    assert result == exchange["response"]["body"]
    call = rsps.calls[0].request
    assert call.method == "PUT" and call.url == f"{API}/customers/{customer_id}"
    assert json.loads(call.body) == exchange["request"]["body"]  # no id in the body


def test_update_customer_moves_date_modified(connector, conn, rsps) -> None:
    exchange = register(rsps, 276)
    before = capture(275)["response"]["body"]  # the same customer, read just before the PUT

    result = connector.invoke("update-customer", {"id": 40, **exchange["request"]["body"]}, conn)

    assert result["date_modified_gmt"] > before["date_modified_gmt"]
    assert result["billing"]["phone"] == exchange["request"]["body"]["billing"]["phone"]


def test_a_shop_manager_cannot_edit_an_administrator(connector, conn, rsps) -> None:
    exchange = register(rsps, 221)

    with pytest.raises(PermissionDeniedError) as caught:
        connector.invoke("update-customer", {"id": 1, **exchange["request"]["body"]}, conn)

    assert caught.value.http_status == 403 and caught.value.woo_code == "woocommerce_rest_cannot_edit"


@pytest.mark.parametrize(
    "payload, pointer",
    [({"id": 40}, ""), ({"id": 40, "username": "new"}, "/username"), ({"id": 40, "email": "not-an-email"}, "/email")],
)
def test_update_customer_input_is_checked_first(refused, payload, pointer) -> None:
    assert refused("update-customer", payload) == [pointer]


def test_delete_customer_sends_force_and_returns_the_customer_as_it_was(connector, conn, rsps, query_of) -> None:
    exchange = register(rsps, 294)

    result = connector.invoke("delete-customer", {"id": 65, "force": True}, conn)

    assert result == exchange["response"]["body"] and result["role"] == "customer"
    assert rsps.calls[0].request.method == "DELETE"
    assert query_of(rsps.calls[0]) == [("force", "true")]


def test_delete_customer_reassigns_posts(connector, conn, rsps, query_of) -> None:
    register(rsps, 294)

    connector.invoke("delete-customer", {"id": 65, "force": True, "reassign": 1}, conn)

    assert query_of(rsps.calls[0]) == [("force", "true"), ("reassign", "1")]


@pytest.mark.parametrize("payload", [{"id": 65}, {"id": 65, "force": False}])
def test_delete_customer_requires_force_true_because_the_store_cannot_trash(refused, payload) -> None:
    """Without force the store answers 501 (capture 293): the schema refuses before that."""
    assert refused("delete-customer", payload) == (["/force"] if "force" in payload else [""])


def test_delete_customers_description_says_why_force_is_required(connector) -> None:
    tool = connector.describe("delete-customer")
    assert "cannot trash" in tool["description"] and "501" in tool["description"]
    assert tool["inputSchema"]["properties"]["force"] == {
        "const": True, "description": tool["inputSchema"]["properties"]["force"]["description"]
    }
    assert tool["annotations"]["destructiveHint"] is True
