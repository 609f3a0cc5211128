"""create-refund against the real store: order 510 and its line refund (captures 279, 280) and
the store's own answer to a refund it cannot make (284, HTTP 500)."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
import responses
from captures import capture

from woo_connector.errors import InvalidInputError, InvalidRequestError, ServerError
from woo_connector.tools.refunds import refund_lines

API = "https://127.0.0.1:8443/wp-json/wc/v3"


def order_510(refunded: bool = False) -> dict[str, Any]:
    """Order 510 as 280 shows it; its totals and lines are the same before the refund (279)."""
    order = capture(280)["response"]["body"]
    if not refunded:
        order["refunds"] = []
    return order


def refund_818() -> dict[str, Any]:
    return capture(279)["response"]["body"]


def posted(rsps: responses.RequestsMock) -> list[Any]:
    return [json.loads(c.request.body) for c in rsps.calls if c.request.method == "POST"]


def test_a_line_refund_sends_what_the_real_store_accepted(connector, conn, rsps) -> None:
    rsps.add(responses.Response("GET", f"{API}/orders/510", json=order_510()))
    rsps.add(responses.Response("POST", f"{API}/orders/510/refunds", json=refund_818(), status=201))

    result = connector.invoke("create-refund", {
        "order_id": 510, "line_items": [{"id": 533, "quantity": 1}], "reason": "Capture: one unit returned",
    }, conn)

    body = posted(rsps)[0]
    captured = capture(279)["request"]["body"]
    assert body["line_items"] == captured["line_items"]  # 46.32 ex-tax, 4.63 GST on rate 1
    assert (body["api_refund"], body["api_restock"], body["reason"]) == (False, True, captured["reason"])
    assert body["amount"] == refund_818()["amount"] == "50.95"  # what the store itself worked out
    assert result["id"] == 818 and result["order_id"] == 510
    assert result["remaining_refundable"] == "241.79"  # 292.74 - 50.95


def test_the_second_unit_gets_what_is_left_of_the_line(connector, conn, rsps) -> None:
    rsps.add(responses.Response("GET", f"{API}/orders/510", json=order_510(refunded=True)))
    rsps.add(responses.Response("GET", f"{API}/orders/510/refunds", json=[refund_818()],
                                headers={"X-WP-Total": "1", "X-WP-TotalPages": "1"}))
    second = {**refund_818(), "id": 819}
    rsps.add(responses.Response("POST", f"{API}/orders/510/refunds", json=second, status=201))

    result = connector.invoke("create-refund", {"order_id": 510, "line_items": [{"id": 533, "quantity": 1}]}, conn)

    line = posted(rsps)[0]["line_items"][0]
    assert (line["refund_total"], line["refund_tax"]) == (46.32, [{"id": 1, "refund_total": 4.63}])
    assert result["remaining_refundable"] == "190.84"  # 292.74 - 50.95 - 50.95


def test_more_units_than_are_left_are_refused_before_sending(connector, conn, rsps) -> None:
    rsps.add(responses.Response("GET", f"{API}/orders/510", json=order_510(refunded=True)))
    rsps.add(responses.Response("GET", f"{API}/orders/510/refunds", json=[refund_818()]))

    with pytest.raises(InvalidRequestError) as info:
        connector.invoke("create-refund", {"order_id": 510, "line_items": [{"id": 533, "quantity": 2}]}, conn)

    assert "/line_items/0/quantity" in info.value.message and info.value.details["remaining_quantity"] == 1
    assert posted(rsps) == []


def test_an_amount_over_what_is_left_is_refused_naming_the_amounts(connector, conn, rsps) -> None:
    rsps.add(responses.Response("GET", f"{API}/orders/510", json=order_510(refunded=True)))

    with pytest.raises(InvalidRequestError) as info:
        connector.invoke("create-refund", {"order_id": 510, "amount": "241.80"}, conn)

    assert posted(rsps) == []
    assert info.value.details == {"order_id": 510, "amount": "241.80", "order_total": "292.74",
                                  "refunded": "50.95", "remaining": "241.79"}
    for figure in ("241.80", "292.74", "50.95", "241.79"):
        assert figure in info.value.message


def test_exactly_what_is_left_is_sent(connector, conn, rsps) -> None:
    rsps.add(responses.Response("GET", f"{API}/orders/510", json=order_510(refunded=True)))
    rsps.add(responses.Response("POST", f"{API}/orders/510/refunds", json={**refund_818(), "amount": "241.79"}, status=201))

    result = connector.invoke("create-refund", {"order_id": 510, "amount": 241.79, "api_refund": True,
                                                "restock_items": False, "meta_data": [{"key": "stripe_refund", "value": "re_1"}]}, conn)

    body = posted(rsps)[0]
    assert body == {"reason": "", "api_refund": True, "api_restock": False, "amount": "241.79",
                    "meta_data": [{"key": "stripe_refund", "value": "re_1"}]}
    assert result["remaining_refundable"] == "0.00"


def test_the_stores_500_is_a_server_error_and_never_resent(connector, conn, rsps) -> None:
    """If the store refuses anyway (capture 284's body), the POST is not retried."""
    refused = capture(284)["response"]
    rsps.add(responses.Response("GET", f"{API}/orders/510", json=order_510()))
    rsps.add(responses.Response("POST", f"{API}/orders/510/refunds", json=refused["body"], status=500))

    with pytest.raises(ServerError) as info:
        connector.invoke("create-refund", {"order_id": 510, "amount": "1.00"}, conn)

    assert info.value.woo_code == "woocommerce_rest_cannot_create_order_refund"
    assert len(posted(rsps)) == 1


def test_an_unknown_line_is_invalid_input_naming_it(connector, conn, rsps) -> None:
    rsps.add(responses.Response("GET", f"{API}/orders/510", json=order_510()))
    with pytest.raises(InvalidInputError) as info:
        connector.invoke("create-refund", {"order_id": 510, "line_items": [{"id": 999, "quantity": 1}]}, conn)
    assert "/line_items/0/id" in info.value.message and info.value.details["line_item_ids"] == [532, 533, 534]
    assert posted(rsps) == []


def test_neither_amount_nor_lines_is_invalid_input(connector, conn, rsps) -> None:
    with pytest.raises(InvalidInputError):
        connector.invoke("create-refund", {"order_id": 510}, conn)
    assert len(rsps.calls) == 0


def _refund_of(line_id: int, quantity: int, total: str, tax: str) -> dict[str, Any]:
    """A refund shaped like 279's, refunding ``quantity`` of order line ``line_id``."""
    refund = copy.deepcopy(refund_818())
    line = refund["line_items"][0]
    line.update(quantity=-quantity, total=f"-{total}", total_tax=f"-{tax}",
                taxes=[{"id": 1, "total": f"-{tax}", "subtotal": f"-{tax}"}])
    line["meta_data"][0]["value"] = str(line_id)
    return refund


def test_unit_by_unit_refunds_add_up_to_the_line_exactly() -> None:
    order = order_510()
    line = order["line_items"][0]
    line.update(quantity=3, total="10.00", total_tax="1.00", taxes=[{"id": 1, "total": "1.00", "subtotal": "1.00"}])
    refunds: list[dict[str, Any]] = []
    totals, taxes = [], []
    for _ in range(3):
        [computed] = refund_lines(order, refunds, [{"id": line["id"], "quantity": 1}])
        totals.append(computed["refund_total"])
        taxes.append(computed["refund_tax"][0]["refund_total"])
        refunds.append(_refund_of(line["id"], 1, f"{computed['refund_total']:.2f}", f"{computed['refund_tax'][0]['refund_total']:.2f}"))
    # each unit is its share of what is left (6.67 / 2 rounds half up to 3.34), and the units
    # add up to the line to the cent
    assert totals == [3.33, 3.34, 3.33] and taxes == [0.33, 0.34, 0.33]
    assert round(sum(totals), 2) == 10.00 and round(sum(taxes), 2) == 1.00
    with pytest.raises(InvalidRequestError):
        refund_lines(order, refunds, [{"id": line["id"], "quantity": 1}])
