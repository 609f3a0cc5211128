"""Open where WooCommerce is open, closed where a typo hides, as the wire shows it.

Plugins add fields to addresses (a Brazilian CPF), line items and meta values; those go to the
store as given. A misspelt top-level field (``stauts``) is refused before anything is sent, and
plugin list filters travel in ``extra_query`` and leave as ordinary query names.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from captures import register

from woo_connector.errors import InvalidInputError

API = "https://127.0.0.1:8443/wp-json/wc/v3"


def sent_json(call: Any) -> Any:
    return json.loads(call.request.body)


def test_plugin_fields_in_addresses_and_lines_reach_the_store(connector, conn, rsps) -> None:
    register(rsps, 48)
    payload = {
        "id": 752,
        "billing": {"first_name": "Ana", "cpf": "123.456.789-09", "number": "42"},
        "shipping": {"neighborhood": "Centro"},
        "line_items": [{"id": 1, "quantity": 2, "gift_wrap": {"paper": "red"}}],
        "shipping_lines": [{"id": 3, "pickup_point": "P-7"}],
        "fee_lines": [{"name": "Handling", "total": "2.00", "fee_code": "H1"}],
        "coupon_lines": [{"code": "SAVE5", "campaign": "spring"}],
        "meta_data": [{"key": "_nfe", "value": {"series": 1, "items": [{"cfop": "5102", "extra": None}]}}],
    }

    connector.invoke("update-order", payload, conn)

    body = sent_json(rsps.calls[0])
    assert body == {k: v for k, v in payload.items() if k != "id"}
    assert rsps.calls[0].request.url.split("?")[0] == f"{API}/orders/752"


def test_plugin_fields_in_a_new_customers_addresses_pass(connector) -> None:
    args = connector.check_input("create-customer", {"email": "ana@example.com", "billing": {"cpf": "123.456.789-09"}})
    assert args["billing"] == {"cpf": "123.456.789-09"}


def test_known_fields_inside_an_open_object_keep_their_rules(connector) -> None:
    with pytest.raises(InvalidInputError) as caught:
        connector.check_input("update-order", {"id": 7, "billing": {"cpf": "1", "country": "Brazil"},
                                               "line_items": [{"quantity": -1, "note": "x"}]})
    pointers = {p["pointer"] for p in caught.value.details["problems"]}
    assert pointers == {"/billing/country", "/line_items/0/quantity"}


@pytest.mark.parametrize("tool, payload, typo", [
    ("update-order", {"id": 7, "stauts": "completed"}, "/stauts"),
    ("update-product", {"id": 7, "regular_prce": "9.95"}, "/regular_prce"),
    ("list-orders", {"statuss": "processing"}, "/statuss"),
    ("list-products", {"vendor": "12"}, "/vendor"),
    ("create-customer", {"email": "a@example.com", "frist_name": "Ana"}, "/frist_name"),
    ("update-order", {"id": 7, "meta_data": [{"key": "k", "vaule": 1}]}, "/meta_data/0/vaule"),
])
def test_unknown_top_level_fields_are_still_refused(connector, conn, rsps, tool: str, payload: Any, typo: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        connector.invoke(tool, payload, conn)
    assert {"pointer": typo, "message": f"unknown field {typo.rsplit('/', 1)[1]!r}"} in caught.value.details["problems"]
    assert len(rsps.calls) == 0  # nothing was sent


def test_extra_query_filters_leave_as_top_level_query_names(connector, conn, rsps, query_of) -> None:
    register(rsps, 5)

    connector.invoke("list-orders", {"status": "processing", "per_page": 5,
                                     "extra_query": {"vendor": "12", "tracking_status": ["shipped", "delivered"],
                                                     "has_nfe": True}}, conn)

    sent = query_of(rsps.calls[0])
    assert ("vendor", "12") in sent and ("has_nfe", "true") in sent and ("status", "processing") in sent
    assert ("tracking_status[0]", "shipped") in sent and ("tracking_status[1]", "delivered") in sent
    assert not [name for name, _ in sent if name.startswith("extra_query")]


def list_tools(connector) -> list[str]:
    """The list tools that take the shared query (list-order-notes, one unpaged answer, does not)."""
    return [spec.name for spec in connector.tools()
            if spec.name.startswith("list-") and "per_page" in spec.input_schema["properties"]]


def parent(connector, tool: str) -> dict[str, int]:
    """The ids a list under one record needs (list-variations: product_id, list-order-notes: order_id)."""
    return {name: 7 for name in connector.tool(tool).input_schema.get("required", [])}


def test_every_list_tool_takes_extra_query(connector) -> None:
    tools = list_tools(connector)
    assert len(tools) >= 5
    for tool in tools:
        assert "extra_query" in connector.tool(tool).input_schema["properties"], tool
        payload = {**parent(connector, tool), "extra_query": {"plugin_filter": "x"}}
        assert connector.check_input(tool, payload) == payload


@pytest.mark.parametrize("name, why", [
    ("status", "a filter of this tool"),
    ("status[]", "a filter of this tool"),
    (" per_page", "a filter of this tool"),
    ("page", "a filter of this tool"),
    ("_fields", "a filter of this tool"),
    ("consumer_key", "a credential"),
    ("consumer.secret", "a credential"),
    ("oauth_signature", "a credential"),
    ("_method", "overrides the HTTP method"),
    ("_envelope", "wraps the answer"),
    ("_jsonp", "into a script"),
])
def test_extra_query_refuses_names_that_collide(connector, name: str, why: str) -> None:
    for tool in list_tools(connector):
        base = name.strip().removesuffix("[]")
        if why == "a filter of this tool" and base not in connector.tool(tool).input_schema["properties"]:
            continue  # customers have no status filter, order notes no paging: there it is a plugin's name
        with pytest.raises(InvalidInputError) as caught:
            connector.check_input(tool, {**parent(connector, tool), "extra_query": {name: "1"}})
        problems = caught.value.details["problems"]
        assert len(problems) == 1 and problems[0]["pointer"] == f"/extra_query/{name}", (tool, problems)
        assert why in problems[0]["message"], (tool, problems)


def test_extra_query_values_are_scalars_or_lists_of_them(connector) -> None:
    with pytest.raises(InvalidInputError) as caught:
        connector.check_input("list-orders", {"extra_query": {"vendor": {"id": 1}}})
    assert caught.value.details["problems"][0]["pointer"] == "/extra_query/vendor"
