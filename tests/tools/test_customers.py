"""list-customers, get-customer, create-customer against the real store's answers, and bodies
that real hosts mangle (a byte-order mark, a PHP notice before the JSON, an HTML page).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import responses
from captures import body_bytes, capture, register, replay_headers

from woo_connector.errors import BadResponseError, InvalidInputError, InvalidRequestError, NotFoundError

API = "https://127.0.0.1:8443/wp-json/wc/v3"
PHP_NOTICE = (
    "<br />\n<b>Notice</b>:  Undefined index: shipping_phone in "
    "<b>/var/www/html/wp-content/plugins/some-plugin/some-plugin.php</b> on line <b>42</b><br />\n"
)


def answer_with_prefix(rsps: responses.RequestsMock, which: int, prefix: bytes) -> dict[str, Any]:
    """Capture ``which`` as the store sent it, with ``prefix`` printed before the JSON."""
    exchange = capture(which)
    rsps.add(
        responses.Response(
            "GET",
            exchange["request"]["url"],
            body=prefix + body_bytes(exchange),
            status=exchange["response"]["status"],
            headers=replay_headers(exchange),
            content_type=None,
        )
    )
    return exchange


def test_list_customers_envelope(connector, conn, rsps, query_of) -> None:
    exchange = register(rsps, 135)

    result = connector.invoke("list-customers", {}, conn)

    assert result["items"] == exchange["response"]["body"]
    assert (result["total"], result["total_pages"]) == (60, 6)
    assert result["next_page"] == 2 and result["has_more"] is True
    assert dict(query_of(rsps.calls[0]))["per_page"] == "100"


def test_list_customers_filters_pass_through(connector, conn, rsps, query_of) -> None:
    register(rsps, 135)

    connector.invoke("list-customers", {"email": "amelia.brown5@example.com", "role": "all"}, conn)

    sent = dict(query_of(rsps.calls[0]))
    assert sent["email"] == "amelia.brown5@example.com"
    assert sent["role"] == "all"


def test_get_customer(connector, conn, rsps) -> None:
    exchange = register(rsps, 137)

    result = connector.invoke("get-customer", {"id": 3}, conn)

    assert result == exchange["response"]["body"]
    assert rsps.calls[0].request.url.split("?")[0] == f"{API}/customers/3"


def test_unknown_customer_is_not_found(connector, conn, rsps) -> None:
    exchange = register(rsps, 150)

    with pytest.raises(NotFoundError) as caught:
        connector.invoke("get-customer", {"id": 99999999}, conn)

    exc = caught.value
    assert exc.code == "not_found" and exc.http_status == 404
    assert exc.woo_code == exchange["response"]["body"]["code"] == "wc_user_invalid_id"
    assert exc.retryable is False
    assert len(rsps.calls) == 1


def test_create_customer_sends_the_payload_as_given(connector, conn, rsps) -> None:
    exchange = register(rsps, 142)

    result = connector.invoke("create-customer", exchange["request"]["body"], conn)

    assert rsps.calls[0].request.method == "POST"
    assert json.loads(rsps.calls[0].request.body) == exchange["request"]["body"]
    assert result == exchange["response"]["body"]
    assert result["id"] == 67


def test_duplicate_email_is_invalid_request(connector, conn, rsps) -> None:
    exchange = register(rsps, 143)

    with pytest.raises(InvalidRequestError) as caught:
        connector.invoke("create-customer", exchange["request"]["body"], conn)

    exc = caught.value
    assert exc.to_dict()["code"] == "invalid_request"
    assert exc.woo_code == "registration-error-email-exists"
    assert exc.http_status == 400
    assert exchange["response"]["body"]["message"] in exc.message
    assert len(rsps.calls) == 1


def test_create_customer_requires_an_email_before_sending(connector, conn, rsps) -> None:
    with pytest.raises(InvalidInputError) as caught:
        connector.invoke("create-customer", {"first_name": "Cap"}, conn)

    assert "email" in caught.value.message
    assert len(rsps.calls) == 0


# -- bodies real hosts mangle -------------------------------------------------------------


def test_a_byte_order_mark_before_the_json_is_tolerated(connector, conn, rsps) -> None:
    exchange = answer_with_prefix(rsps, 137, "\ufeff".encode("utf-8"))

    result = connector.invoke("get-customer", {"id": 3}, conn)

    assert result == exchange["response"]["body"]


def test_a_php_notice_before_the_json_is_tolerated(connector, conn, rsps) -> None:
    exchange = answer_with_prefix(rsps, 137, PHP_NOTICE.encode("utf-8"))

    result = connector.invoke("get-customer", {"id": 3}, conn)

    assert result == exchange["response"]["body"]


def test_a_php_notice_before_a_list_keeps_the_paging_headers(connector, conn, rsps) -> None:
    exchange = capture(135)
    rsps.add(responses.Response("GET", f"{API}/customers", body=PHP_NOTICE.encode() + body_bytes(exchange),
                                headers=replay_headers(exchange), content_type=None))

    result = connector.invoke("list-customers", {}, conn)

    assert result["items"] == exchange["response"]["body"]
    assert result["total"] == 60


def test_an_html_page_is_a_bad_response(connector, conn, rsps) -> None:
    page = "<!DOCTYPE html><html><head><title>Shop</title></head><body>Welcome to our shop</body></html>"
    rsps.add("GET", f"{API}/customers/3", body=page, status=200, content_type="text/html; charset=UTF-8")

    with pytest.raises(BadResponseError) as caught:
        connector.invoke("get-customer", {"id": 3}, conn)

    exc = caught.value
    assert exc.code == "bad_response" and exc.retryable is False
    assert "HTML" in exc.message and "site_url" in exc.message
    assert "Welcome" not in exc.message  # the page itself is not dumped on the user
