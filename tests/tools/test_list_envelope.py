"""list-orders end to end: the envelope read from the real store's paging headers, the query
that goes out, following pages, the max_items cap, and payloads refused before any request.

Pages are answered by the real captures 005-010; where a test needs a shape no capture has
(a short page that is not the last), it is cut from a real page and keeps that page's headers.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import responses
from captures import body_bytes, capture, register, replay_headers
from responses import matchers

from woo_connector.errors import InvalidInputError, InvalidRequestError

ORDERS = "https://127.0.0.1:8443/wp-json/wc/v3/orders"


def answer_page(rsps: responses.RequestsMock, which: int, page: int, *, keep: int | None = None) -> list[Any]:
    """Answer GET /orders?page=<page> with capture ``which``; ``keep`` cuts its body short."""
    exchange = capture(which)
    body = exchange["response"]["body"]
    if keep is not None:
        body = body[:keep]
        exchange["response"]["body"] = body
    rsps.add(
        responses.Response(
            "GET",
            ORDERS,
            body=body_bytes(exchange),
            status=exchange["response"]["status"],
            headers=replay_headers(exchange),
            content_type=None,
            match=[matchers.query_param_matcher({"page": str(page)}, strict_match=False)],
        )
    )
    return body


def pages_asked(rsps: responses.RequestsMock, query_of: Any) -> list[str]:
    return [dict(query_of(call))["page"] for call in rsps.calls]


# -- the envelope -------------------------------------------------------------------------


def test_default_envelope_comes_from_the_paging_headers(connector, conn, rsps, query_of) -> None:
    exchange = register(rsps, 5)
    headers = exchange["response"]["headers"]

    result = connector.invoke("list-orders", {}, conn)

    assert result["items"] == exchange["response"]["body"]
    assert result["total"] == int(headers["X-WP-Total"]) == 300
    assert result["total_pages"] == int(headers["X-WP-TotalPages"]) == 30
    assert result["next_page"] == 2  # from Link rel="next"
    assert result["has_more"] is True
    assert result["page"] == 1
    assert len(rsps.calls) == 1


def test_per_page_defaults_to_100_and_page_to_1(connector, conn, rsps, query_of) -> None:
    register(rsps, 6)

    result = connector.invoke("list-orders", {}, conn)

    sent = dict(query_of(rsps.calls[0]))
    assert sent["per_page"] == "100"
    assert sent["page"] == "1"
    assert result["per_page"] == 100
    assert len(result["items"]) == 100


def test_status_list_goes_out_php_indexed(connector, conn, rsps, query_of) -> None:
    register(rsps, 6)

    connector.invoke("list-orders", {"status": ["processing", "on-hold", "awaiting-shipment"]}, conn)

    pairs = query_of(rsps.calls[0])
    assert [p for p in pairs if p[0].startswith("status")] == [
        ("status[0]", "processing"),
        ("status[1]", "on-hold"),
        ("status[2]", "awaiting-shipment"),
    ]
    assert "status" not in dict(pairs)  # never a bare repeated key: PHP would keep only the last


def test_single_status_goes_out_as_is(connector, conn, rsps, query_of) -> None:
    register(rsps, 6)

    connector.invoke("list-orders", {"status": "awaiting-shipment"}, conn)

    assert ("status", "awaiting-shipment") in query_of(rsps.calls[0])


def test_fields_list_is_joined_with_commas(connector, conn, rsps, query_of) -> None:
    register(rsps, 14)

    connector.invoke("list-orders", {"_fields": ["id", "status", "date_modified_gmt", "total"]}, conn)

    pairs = query_of(rsps.calls[0])
    assert ("_fields", "id,status,date_modified_gmt,total") in pairs
    assert not any(name.startswith("_fields[") for name, _ in pairs)


def test_booleans_go_out_as_true_false(connector, conn, rsps, query_of) -> None:
    register(rsps, 6)

    connector.invoke("list-orders", {"dates_are_gmt": True, "order_item_display_meta": False}, conn)

    sent = dict(query_of(rsps.calls[0]))
    assert sent["dates_are_gmt"] == "true"
    assert sent["order_item_display_meta"] == "false"


def test_modified_after_and_other_filters_pass_through(connector, conn, rsps, query_of) -> None:
    register(rsps, 6)
    payload = {
        "modified_after": "2026-11-26T07:09:35Z",
        "customer": 13,
        "orderby": "modified",
        "order": "asc",
        "include": [355, 356],
    }

    connector.invoke("list-orders", payload, conn)

    pairs = query_of(rsps.calls[0])
    sent = dict(pairs)
    assert sent["modified_after"] == "2026-11-26T07:09:35Z"
    assert sent["customer"] == "13"
    assert (sent["orderby"], sent["order"]) == ("modified", "asc")
    assert [p for p in pairs if p[0].startswith("include")] == [("include[0]", "355"), ("include[1]", "356")]
    # the connector's own options never reach the store
    assert not {"all_pages", "max_items"} & set(sent)


def test_connector_options_stay_out_of_the_query(connector, conn, rsps, query_of) -> None:
    answer_page(rsps, 6, 1)

    connector.invoke("list-orders", {"all_pages": False, "max_items": 5}, conn)

    names = {name for name, _ in query_of(rsps.calls[0])}
    assert names == {"page", "per_page"}


# -- following pages ----------------------------------------------------------------------


def test_all_pages_walks_every_page_once(connector, conn, rsps, query_of) -> None:
    bodies = [answer_page(rsps, n, page) for page, n in ((1, 6), (2, 7), (3, 8))]
    answer_page(rsps, 9, 4)  # registered, and must not be asked for: page 3 has no rel="next"

    result = connector.invoke("list-orders", {"all_pages": True}, conn)

    assert sorted(pages_asked(rsps, query_of), key=int) == ["1", "2", "3"]  # 2 and 3 side by side
    expected_ids = [o["id"] for body in bodies for o in body]
    assert [o["id"] for o in result["items"]] == expected_ids
    assert len(set(expected_ids)) == len(expected_ids) == 300
    assert result["total"] == 300 and result["total_pages"] == 3
    assert result["has_more"] is False and result["next_page"] is None
    assert result["page"] == 1


def test_all_pages_does_not_stop_at_a_short_page_when_link_says_next(connector, conn, rsps, query_of) -> None:
    # _fields, include and plugins can shorten a page: only the headers say where the end is.
    answer_page(rsps, 6, 1, keep=40)
    answer_page(rsps, 7, 2, keep=7)
    answer_page(rsps, 8, 3, keep=55)

    result = connector.invoke("list-orders", {"all_pages": True}, conn)

    assert sorted(pages_asked(rsps, query_of), key=int) == ["1", "2", "3"]  # 2 and 3 side by side
    assert len(result["items"]) == 40 + 7 + 55
    assert result["has_more"] is False


def test_page_past_the_end_is_empty_with_no_more(connector, conn, rsps, query_of) -> None:
    register(rsps, 10)

    result = connector.invoke("list-orders", {"page": 999, "per_page": 10}, conn)

    assert result["items"] == []
    assert result["total"] == 0 and result["total_pages"] == 0
    assert result["has_more"] is False and result["next_page"] is None
    assert result["page"] == 999
    assert dict(query_of(rsps.calls[0]))["page"] == "999"


def test_all_pages_starting_past_the_end_makes_one_request(connector, conn, rsps, query_of) -> None:
    register(rsps, 10)

    result = connector.invoke("list-orders", {"page": 999, "per_page": 10, "all_pages": True}, conn)

    assert result["items"] == [] and result["has_more"] is False
    assert len(rsps.calls) == 1


# -- max_items ----------------------------------------------------------------------------


def test_max_items_cuts_a_page_and_names_that_page_again(connector, conn, rsps, query_of) -> None:
    first = answer_page(rsps, 6, 1)
    second = answer_page(rsps, 7, 2)
    answer_page(rsps, 8, 3)

    result = connector.invoke("list-orders", {"all_pages": True, "max_items": 150}, conn)

    assert pages_asked(rsps, query_of) == ["1", "2"]
    assert result["items"] == first + second[:50]
    # resuming from next_page repeats a few items rather than skipping any (pagination.collect)
    assert result["next_page"] == 2
    assert result["has_more"] is True


def test_max_items_on_a_page_boundary_points_at_the_next_page(connector, conn, rsps, query_of) -> None:
    answer_page(rsps, 6, 1)
    answer_page(rsps, 7, 2)
    answer_page(rsps, 8, 3)

    result = connector.invoke("list-orders", {"all_pages": True, "max_items": 200}, conn)

    assert pages_asked(rsps, query_of) == ["1", "2"]
    assert len(result["items"]) == 200
    assert result["next_page"] == 3 and result["has_more"] is True


def test_max_items_without_all_pages_caps_the_one_page(connector, conn, rsps, query_of) -> None:
    page = answer_page(rsps, 6, 1)

    result = connector.invoke("list-orders", {"max_items": 5}, conn)

    assert result["items"] == page[:5]
    assert result["next_page"] == 1 and result["has_more"] is True
    assert len(rsps.calls) == 1


def test_max_items_without_all_pages_follows_pages_until_it_has_them(connector, conn, rsps, query_of) -> None:
    first = answer_page(rsps, 6, 1)
    second = answer_page(rsps, 7, 2)
    answer_page(rsps, 8, 3)  # registered, and must not be asked for: 150 items are on pages 1-2

    result = connector.invoke("list-orders", {"max_items": 150}, conn)

    assert pages_asked(rsps, query_of) == ["1", "2"]
    assert result["items"] == first + second[:50]
    assert result["next_page"] == 2 and result["has_more"] is True


def test_max_items_larger_than_everything_reads_to_the_end(connector, conn, rsps, query_of) -> None:
    for page, n in ((1, 6), (2, 7), (3, 8)):
        answer_page(rsps, n, page)

    result = connector.invoke("list-orders", {"all_pages": True, "max_items": 10_000}, conn)

    assert len(result["items"]) == 300
    assert result["has_more"] is False and result["next_page"] is None


# -- refused before anything is sent ------------------------------------------------------


@pytest.mark.parametrize(
    "payload, pointer",
    [
        ({"per_page": 101}, "/per_page"),
        ({"per_page": 0}, "/per_page"),
        ({"modified_after": "2026-11-26"}, "/modified_after"),
        ({"after": "yesterday"}, "/after"),
        ({"bogus_filter": 1}, "/bogus_filter"),
        ({"status": "on hold"}, "/status"),
        ({"status": ["processing", "on hold"]}, "/status/1"),
        ({"_fields": "id, status"}, "/_fields"),
        ({"page": 0}, "/page"),
        ({"max_items": 0}, "/max_items"),
    ],
)
def test_invalid_input_is_refused_without_a_request(connector, conn, rsps, payload, pointer) -> None:
    with pytest.raises(InvalidInputError) as caught:
        connector.invoke("list-orders", payload, conn)

    pointers = [p["pointer"] for p in caught.value.details["problems"]]
    assert pointer in pointers
    assert pointer.split("/")[1] in caught.value.message
    assert len(rsps.calls) == 0


def test_every_bad_field_is_named_at_once(connector, conn, rsps) -> None:
    payload = {"per_page": 101, "modified_after": "2026-11-26", "surprise": True, "status": "on hold"}

    with pytest.raises(InvalidInputError) as caught:
        connector.invoke("list-orders", payload, conn)

    pointers = {p["pointer"] for p in caught.value.details["problems"]}
    assert {"/per_page", "/modified_after", "/surprise", "/status"} <= pointers
    assert caught.value.to_dict()["code"] == "invalid_input"
    json.dumps(caught.value.to_dict())  # a host can hand it on as JSON
    assert len(rsps.calls) == 0


def test_a_status_the_store_does_not_know_is_its_invalid_request(connector, conn, rsps) -> None:
    # well-formed, so the schema lets it through; the store names its known statuses (capture 239)
    exchange = register(rsps, 239)

    with pytest.raises(InvalidRequestError) as caught:
        connector.invoke("list-orders", {"status": "bogus"}, conn)

    exc = caught.value
    assert exc.woo_code == "rest_invalid_param" and exc.http_status == 400
    assert exc.details["params"] == exchange["response"]["body"]["data"]["params"]
    assert "awaiting-shipment" in exc.message  # the store's own list reaches the caller
    assert len(rsps.calls) == 1
