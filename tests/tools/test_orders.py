"""get-order and update-order against the real store's answers, and how the store's refusals
(bad status, read-only key, wrong key or secret, rate limiting) reach the caller.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import responses
from captures import register

from woo_connector.errors import (
    AuthFailedError,
    InvalidRequestError,
    OutcomeUnknownError,
    PermissionDeniedError,
    RateLimitedError,
    ServerError,
    WooConnectorError,
)

API = "https://127.0.0.1:8443/wp-json/wc/v3"


def sent_json(call: Any) -> Any:
    return json.loads(call.request.body)


def assert_no_secret(exc: WooConnectorError, secret: str) -> None:
    for shown in (str(exc), repr(exc), json.dumps(exc.to_dict()), exc.message):
        assert secret not in shown


# -- get-order ----------------------------------------------------------------------------


@pytest.mark.parametrize("which", [17, 18, 19, 20, 22, 23, 24])
def test_get_order_returns_the_store_order_unchanged(connector, conn, rsps, which) -> None:
    exchange = register(rsps, which)
    order_id = exchange["response"]["body"]["id"]

    result = connector.invoke("get-order", {"id": order_id}, conn)

    assert result == exchange["response"]["body"]
    assert rsps.calls[0].request.url.split("?")[0] == f"{API}/orders/{order_id}"
    assert rsps.calls[0].request.method == "GET"


def test_get_order_fields_and_dp_reach_the_store(connector, conn, rsps, query_of) -> None:
    register(rsps, 17)

    connector.invoke("get-order", {"id": 377, "_fields": ["id", "status", "total"], "dp": 4}, conn)

    sent = dict(query_of(rsps.calls[0]))
    assert sent == {"_fields": "id,status,total", "dp": "4"}


def test_get_order_custom_status_passes_through(connector, conn, rsps) -> None:
    register(rsps, 20)

    result = connector.invoke("get-order", {"id": 387}, conn)

    assert result["status"] == "awaiting-shipment"


# -- update-order: fields ----------------------------------------------------------------


@pytest.mark.parametrize("which", [48, 49])
def test_update_status_puts_exactly_the_status(connector, conn, rsps, which) -> None:
    exchange = register(rsps, which)
    order_id = exchange["response"]["body"]["id"]
    wanted = exchange["request"]["body"]["status"]

    result = connector.invoke("update-order", {"id": order_id, "status": wanted}, conn)

    assert len(rsps.calls) == 1
    call = rsps.calls[0]
    assert call.request.method == "PUT"
    assert call.request.url == f"{API}/orders/{order_id}"
    assert sent_json(call) == {"status": wanted}
    assert result["status"] == wanted
    assert "added_note" not in result


@pytest.mark.parametrize("which", [51, 52, 53, 54, 55])
def test_update_meta_data_sends_what_was_given(connector, conn, rsps, which) -> None:
    exchange = register(rsps, which)
    given = exchange["request"]["body"]["meta_data"]

    result = connector.invoke("update-order", {"id": 752, "meta_data": given}, conn)

    assert sent_json(rsps.calls[0]) == {"meta_data": given}
    assert result == exchange["response"]["body"]


def test_update_meta_value_null_is_sent_as_null(connector, conn, rsps) -> None:
    # "value": null deletes the key in WooCommerce: dropping the null would silently keep it.
    register(rsps, 54)

    connector.invoke("update-order", {"id": 752, "meta_data": [{"key": "sales_channel", "value": None}]}, conn)

    sent = sent_json(rsps.calls[0])["meta_data"]
    assert sent == [{"key": "sales_channel", "value": None}] and "value" in sent[0]


# -- update-order: notes ------------------------------------------------------------------


def test_update_with_note_puts_then_posts_the_note(connector, conn, rsps) -> None:
    order = register(rsps, 48)
    note = register(rsps, 59)
    payload = {"id": 752, "status": "completed", "note": {"note": "Your parcel is on its way.", "customer_note": True}}

    result = connector.invoke("update-order", payload, conn)

    assert [c.request.method for c in rsps.calls] == ["PUT", "POST"]
    assert sent_json(rsps.calls[0]) == {"status": "completed"}  # the note is not a field of the order
    assert rsps.calls[1].request.url == f"{API}/orders/752/notes"
    assert sent_json(rsps.calls[1]) == {"note": "Your parcel is on its way.", "customer_note": True}
    assert result["added_note"] == note["response"]["body"]
    assert result["status"] == order["response"]["body"]["status"]


def test_note_customer_flag_defaults_to_private(connector, conn, rsps) -> None:
    register(rsps, 48)
    register(rsps, 59)

    connector.invoke("update-order", {"id": 752, "status": "completed", "note": {"note": "Packed."}}, conn)

    assert sent_json(rsps.calls[1]) == {"note": "Packed.", "customer_note": False}


def test_note_only_posts_the_note_then_reads_the_order(connector, conn, rsps) -> None:
    note = register(rsps, 59)
    order = register(rsps, 48, method="GET")  # the order as it stands (752 after 048)

    result = connector.invoke("update-order", {"id": 752, "note": {"note": "Your parcel is on its way."}}, conn)

    assert [c.request.method for c in rsps.calls] == ["POST", "GET"]
    assert rsps.calls[1].request.url.split("?")[0] == f"{API}/orders/752"
    assert result["id"] == order["response"]["body"]["id"]
    assert result["added_note"] == note["response"]["body"]


def test_bogus_status_is_an_invalid_request_with_the_store_params(connector, conn, rsps) -> None:
    exchange = register(rsps, 56)

    with pytest.raises(InvalidRequestError) as caught:
        connector.invoke("update-order", {"id": 752, "status": "bogus", "note": {"note": "x"}}, conn)

    exc = caught.value
    assert exc.code == "invalid_request" and exc.http_status == 400
    assert exc.woo_code == "rest_invalid_param"
    assert exc.details["params"] == exchange["response"]["body"]["data"]["params"]
    assert "status" in exc.message
    assert len(rsps.calls) == 1  # a refused update adds no stray note


def test_note_failing_after_the_update_says_the_order_was_saved(connector, conn, rsps) -> None:
    register(rsps, 48)
    rsps.add("POST", f"{API}/orders/752/notes", body="<html><body>502 Bad Gateway</body></html>",
             status=502, content_type="text/html")

    with pytest.raises(OutcomeUnknownError) as caught:  # a 502 after a POST: the note may exist
        connector.invoke("update-order", {"id": 752, "status": "completed", "note": {"note": "x"}}, conn)

    exc = caught.value
    assert exc.retryable is False and exc.details["look_for"]["note"] == "x"
    assert exc.details["order_updated"] is True
    assert exc.details["order_id"] == 752
    assert "saved" in exc.message
    assert str(exc) == exc.message
    assert [c.request.method for c in rsps.calls] == ["PUT", "POST"]  # the POST is not retried


def test_note_only_failing_says_nothing_changed(connector, conn, rsps) -> None:
    register(rsps, 213, url=f"{API}/orders/752/notes", method="POST")

    with pytest.raises(PermissionDeniedError) as caught:
        connector.invoke("update-order", {"id": 752, "note": {"note": "x"}}, conn)

    assert caught.value.details["order_updated"] is False
    assert "Nothing was changed" in caught.value.message
    assert len(rsps.calls) == 1


def test_read_only_key_is_permission_denied_saying_read_only(connector, conn, rsps, secret) -> None:
    exchange = register(rsps, 213)

    with pytest.raises(PermissionDeniedError) as caught:
        connector.invoke("update-order", {"id": 752, "customer_note": "ro"}, conn)

    exc = caught.value
    assert exc.code == "permission_denied" and exc.http_status == 401
    assert exc.woo_code == exchange["response"]["body"]["code"]
    assert "read-only" in exc.message and "Read/Write" in exc.message
    assert exc.retryable is False
    assert len(rsps.calls) == 1
    assert_no_secret(exc, secret)


def test_update_needs_something_to_change(connector, conn, rsps) -> None:
    with pytest.raises(WooConnectorError) as caught:
        connector.invoke("update-order", {"id": 752}, conn)

    assert caught.value.code == "invalid_input"
    assert len(rsps.calls) == 0


# -- credentials and rate limits (on /orders, where the store was captured refusing them) ---


def test_wrong_key_is_auth_failed_with_a_next_step(connector, conn, rsps, secret) -> None:
    exchange = register(rsps, 190)

    with pytest.raises(AuthFailedError) as caught:
        connector.invoke("list-orders", {}, conn)

    exc = caught.value
    assert exc.code == "auth_failed" and exc.http_status == 401
    assert exc.woo_code == exchange["response"]["body"]["code"]
    assert "consumer key" in exc.message
    assert "auth to 'query'" in exc.message  # Basic over HTTPS: the header may be stripped
    assert exc.retryable is False
    assert_no_secret(exc, secret)


def test_wrong_secret_is_auth_failed_saying_where_to_get_it(connector, conn, rsps, secret) -> None:
    exchange = register(rsps, 191)

    with pytest.raises(AuthFailedError) as caught:
        connector.invoke("list-orders", {}, conn)

    exc = caught.value
    assert exc.woo_code == exchange["response"]["body"]["code"]
    assert "secret" in exc.message
    assert "Settings -> Advanced -> REST API" in exc.message
    assert exchange["response"]["body"]["message"] in exc.message
    assert len(rsps.calls) == 1  # a 401 is never retried
    assert_no_secret(exc, secret)


def test_secret_in_the_query_string_never_reaches_the_error(connector, conn, rsps, secret) -> None:
    register(rsps, 191)
    query_conn = {**conn, "auth": "query"}

    with pytest.raises(AuthFailedError) as caught:
        connector.invoke("list-orders", {}, query_conn)

    assert secret in rsps.calls[0].request.url  # it did go out in the URL...
    exc = caught.value
    assert "consumer_secret=***" in exc.details["request"]  # ...and the error says so, masked
    assert_no_secret(exc, secret)
    assert conn["consumer_key"] not in json.dumps(exc.to_dict())


RATE_LIMITED = {"code": "rest_too_many_requests", "message": "Too many requests.", "data": {"status": 429}}


def rate_limited(rsps: responses.RequestsMock, retry_after: str = "7") -> None:
    rsps.add("GET", f"{API}/orders", json=RATE_LIMITED, status=429, headers={"Retry-After": retry_after})


def test_429_is_retried_after_retry_after(connector, conn, rsps, monkeypatch) -> None:
    waits: list[float] = []
    monkeypatch.setattr(connector.client(conn), "_sleep", waits.append)
    rate_limited(rsps)
    page = register(rsps, 6)

    result = connector.invoke("list-orders", {}, conn)

    assert waits == [7.0]
    assert len(rsps.calls) == 2
    assert result["items"] == page["response"]["body"]


def test_429_until_the_retries_run_out_is_rate_limited(connector, conn, rsps, monkeypatch, secret) -> None:
    waits: list[float] = []
    client = connector.client(conn)
    monkeypatch.setattr(client, "_sleep", waits.append)
    for _ in range(client.max_retries + 1):
        rate_limited(rsps)
    register(rsps, 6)  # would succeed, but the retries are spent before it

    with pytest.raises(RateLimitedError) as caught:
        connector.invoke("list-orders", {}, conn)

    exc = caught.value
    assert len(rsps.calls) == client.max_retries + 1
    assert waits == [7.0] * client.max_retries
    assert exc.retryable is True and exc.retry_after == 7.0
    assert exc.details["retry_after"] == 7.0
    assert_no_secret(exc, secret)


def test_each_tool_call_gets_the_same_pooled_client(connector, conn) -> None:
    # the retry tests patch the pooled client: this is what makes that patch reach invoke()
    assert connector.client(conn) is connector.client(dict(conn))
