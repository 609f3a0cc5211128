"""Strict output of a list call checks each page's items as the walk collects them (issue 8:
strict output costs at most 10% on a full pull), and says exactly what a check of the whole
answer says."""

from __future__ import annotations

import copy
import functools
import json
from typing import Any

import pytest
import responses

from captures import body_bytes, capture
from woo_connector.early_output import EarlyItems, items_schema
from woo_connector.errors import BadResponseError
from woo_connector.registry import Registry
from woo_connector.validation import Checker

CONN = {"site_url": "https://shop.example", "consumer_key": "ck_" + "a" * 40, "consumer_secret": "cs_" + "b" * 40}
ORDERS = "https://shop.example/wp-json/wc/v3/orders"
PER_PAGE = 2
PAGES = 3


@functools.cache
def _template() -> str:
    return json.dumps(json.loads(body_bytes(capture("006_orders_list_per_page_100_page_1.json")))[0])


def _orders() -> list[dict[str, Any]]:
    """Six real orders (captured) with ids 1..6, in pages of two; each a fresh copy."""
    return [{**json.loads(_template()), "id": n} for n in range(1, PER_PAGE * PAGES + 1)]


def _serve(rsps: responses.RequestsMock, orders: list[dict[str, Any]]) -> None:
    for page in range(1, PAGES + 1):
        rsps.add("GET", ORDERS, json=orders[(page - 1) * PER_PAGE: page * PER_PAGE],
                 headers={"X-WP-Total": str(len(orders)), "X-WP-TotalPages": str(PAGES)},
                 match=[responses.matchers.query_param_matcher({"page": str(page), "per_page": str(PER_PAGE)},
                                                               strict_match=False)])


def _broken(orders: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Two orders the output schema refuses, on pages 2 and 3: a number where a money string
    belongs; a list for a status and a text quantity in a line item."""
    orders[3]["total"] = 12.5
    orders[5]["status"] = ["processing"]
    orders[5]["line_items"][0]["quantity"] = "2"
    return orders


def _refusal(registry: Registry, orders: list[dict[str, Any]], payload: dict[str, Any]) -> list[dict[str, str]]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        _serve(rsps, orders)
        with pytest.raises(BadResponseError) as info:
            registry.invoke("list-orders", payload, CONN)
    return info.value.details["problems"]


@pytest.fixture
def strict(connector: Registry) -> Registry:
    """The session's connector: output validation is on."""
    assert connector.validate_output
    return connector


@pytest.mark.parametrize("payload", [
    {"per_page": PER_PAGE, "all_pages": True, "concurrency": 1},
    {"per_page": PER_PAGE, "all_pages": True, "concurrency": 3},
    {"per_page": PER_PAGE, "all_pages": True, "tax_breakdown": True},  # the tool builds new items
])
def test_a_refused_list_names_the_same_problems_as_a_check_of_the_whole_answer(
    strict: Registry, payload: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    early = _refusal(strict, _broken(_orders()), payload)
    monkeypatch.setattr(Registry, "_early_items", lambda self, spec: None)  # checked whole, at the end
    whole = _refusal(strict, _broken(_orders()), payload)
    assert early == whole
    assert {p["pointer"].split("/")[2] for p in early} == {"3", "5"}


def test_items_are_checked_as_each_page_arrives_not_after_the_last(
    strict: Registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    served_when_checked: list[int] = []
    real_call = EarlyItems.__call__

    def noting(self: EarlyItems, added: list[Any]) -> None:
        served_when_checked.append(len(rsps.calls))
        real_call(self, added)

    monkeypatch.setattr(EarlyItems, "__call__", noting)
    with responses.RequestsMock() as rsps:
        _serve(rsps, _orders())
        result = strict.invoke("list-orders", {"per_page": PER_PAGE, "all_pages": True, "concurrency": 1}, CONN)
    assert [item["id"] for item in result["items"]] == list(range(1, 7))
    assert served_when_checked == [1, 2, 3]  # page k's items were checked before page k+1 was asked for


def test_items_left_out_by_max_items_are_not_judged(strict: Registry) -> None:
    orders = _orders()
    orders[3]["total"] = 12.5  # the second item of page 2, past max_items
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        _serve(rsps, orders)
        result = strict.invoke("list-orders", {"per_page": PER_PAGE, "max_items": 3, "concurrency": 1}, CONN)
    assert [item["id"] for item in result["items"]] == [1, 2, 3] and result["next_page"] == 2


def test_a_lenient_registry_sets_up_no_early_check(strict: Registry, monkeypatch: pytest.MonkeyPatch) -> None:
    assert strict._early_items(strict.tool("list-orders")) is not None
    monkeypatch.setattr(strict, "validate_output", False)
    assert strict._early_items(strict.tool("list-orders")) is None


def test_only_built_in_list_tools_with_a_plain_items_array_are_checked_early(strict: Registry) -> None:
    schema = strict.tool("list-orders").output_schema
    assert items_schema(schema, "woo_connector.tools.orders") is not None
    assert items_schema(schema, "my_pack.tools") is None  # a pack's code may change items in place
    counted = copy.deepcopy(schema)
    counted["properties"]["items"]["maxItems"] = 5  # a rule over the whole list: only the end can judge it
    assert items_schema(counted, "woo_connector.tools.orders") is None
    assert items_schema(strict.tool("get-order").output_schema, "woo_connector.tools.orders") is None


SMALL = {
    "type": "object",
    "properties": {"items": {"type": "array", "items": {"type": "object", "properties": {"n": {"type": "integer"}}}},
                   "total": {"type": "integer"}},
}


def test_what_the_tool_changes_after_the_walk_is_judged_as_it_is_answered() -> None:
    checker = Checker.of(SMALL)
    early = EarlyItems(Checker.of(items_schema(SMALL, "woo_connector.tools.x") or {}))
    good, bad, replaced_bad = {"n": 1}, {"n": "two"}, {"n": "three"}
    early([good, bad, replaced_bad])
    fixed = {"n": 3}  # the tool swapped the bad third item for a good new one
    newly_bad = {"n": "four"}  # and added one of its own that is wrong
    answer = {"items": [bad, good, newly_bad, fixed], "total": "x"}
    found = early.problems(answer, checker)
    assert [(p.pointer, p.message) for p in found] == [(p.pointer, p.message) for p in checker.problems(answer)]
    assert [p.pointer for p in found] == ["/items/0/n", "/items/2/n", "/total"]
