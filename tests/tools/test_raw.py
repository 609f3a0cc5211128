"""raw-api-request: the store's answer as {status, headers, body}, credentials masked in the
echoed headers, and a path that can only ever name a route of this store's REST API.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from captures import capture, register

from woo_connector.errors import (
    InvalidInputError,
    InvalidRequestError,
    NotFoundError,
    PermissionDeniedError,
    RedirectRefusedError,
    ServerError,
)

SITE = "https://127.0.0.1:8443"
API = SITE + "/wp-json/wc/v3"


def header(headers: dict[str, str], name: str) -> str:
    return next(v for k, v in headers.items() if k.lower() == name.lower())


def test_get_returns_status_headers_and_body(connector, conn, rsps) -> None:
    exchange = register(rsps, 62)

    result = connector.invoke("raw-api-request", {"path": "/orders/377/refunds"}, conn)

    assert result["status"] == exchange["response"]["status"] == 200
    assert result["body"] == exchange["response"]["body"]
    assert header(result["headers"], "X-WP-Total") == "1"
    assert rsps.calls[0].request.method == "GET"
    assert rsps.calls[0].request.url == f"{API}/orders/377/refunds"


def test_an_absolute_wp_json_path_is_used_as_is(connector, conn, rsps) -> None:
    exchange = register(rsps, 62)

    result = connector.invoke("raw-api-request", {"path": "/wp-json/wc/v3/orders/377/refunds"}, conn)

    assert rsps.calls[0].request.url == f"{API}/orders/377/refunds"  # not .../wc/v3/wp-json/...
    assert result["body"] == exchange["response"]["body"]


def test_query_goes_out_php_style(connector, conn, rsps, query_of) -> None:
    register(rsps, 6)

    connector.invoke(
        "raw-api-request",
        {"path": "/orders", "query": {"status": ["failed", "cancelled"], "per_page": 100, "dates_are_gmt": True}},
        conn,
    )

    assert query_of(rsps.calls[0]) == [
        ("status[0]", "failed"),
        ("status[1]", "cancelled"),
        ("per_page", "100"),
        ("dates_are_gmt", "true"),
    ]


def test_post_sends_the_body_as_given(connector, conn, rsps) -> None:
    exchange = register(rsps, 64)
    body = exchange["request"]["body"]

    result = connector.invoke("raw-api-request", {"method": "POST", "path": "/orders/752/refunds", "body": body}, conn)

    assert rsps.calls[0].request.method == "POST"
    assert json.loads(rsps.calls[0].request.body) == body
    assert result["status"] == 201
    assert result["body"] == exchange["response"]["body"]


@pytest.mark.parametrize("which", [198, 194])
def test_credentials_echoed_in_link_are_masked(connector, conn, rsps, which) -> None:
    exchange = register(rsps, which, url=f"{API}/orders")
    echoed = exchange["response"]["headers"]["Link"]
    key = conn["consumer_key"]
    assert key in echoed  # the real store did echo them

    result = connector.invoke("raw-api-request", {"path": "/orders", "query": {"per_page": 3}}, conn)

    link = header(result["headers"], "Link")
    assert key not in link
    assert conn["consumer_secret"] not in link
    for name in ("oauth_signature", "oauth_consumer_key", "consumer_key", "consumer_secret", "oauth_nonce"):
        if f"{name}=" in echoed:
            assert f"{name}=***" in link
    assert 'rel="next"' in link and "page=2" in link  # the rest of the header still reads
    assert "***" in json.dumps(result)


def test_no_header_of_the_answer_leaks_the_key(connector, conn, rsps) -> None:
    register(rsps, 194, url=f"{API}/orders")

    result = connector.invoke("raw-api-request", {"path": "/orders"}, conn)

    shown = json.dumps(result["headers"])
    assert conn["consumer_key"] not in shown and conn["consumer_secret"] not in shown


@pytest.mark.parametrize(
    "path",
    [
        "http://evil",
        "https://evil.com/wp-json/wc/v3/orders",
        "//evil.com/x",
        "/../wp-admin",
        "/orders/../../wp-admin",
        "/%2e%2e/x",
        "/%2E%2E/wp-admin",
        "/%252e%252e/x",
        "/orders/..%2f..%2fwp-admin",
        "/orders?x=1",
        "/orders#x",
        "/wp-jsonx",
        "/wp-json../wp-admin",
        "orders",
        "/orders\\..\\wp-admin",
        "/orders/ 1",
    ],
)
def test_paths_outside_the_api_are_refused_before_sending(connector, conn, rsps, path) -> None:
    with pytest.raises(InvalidInputError) as caught:
        connector.invoke("raw-api-request", {"path": path}, conn)

    pointers = [p["pointer"] for p in caught.value.details["problems"]]
    assert pointers == ["/path"]
    assert len(rsps.calls) == 0


def test_credentials_cannot_be_smuggled_into_the_query(connector, conn, rsps) -> None:
    with pytest.raises(InvalidInputError):
        connector.invoke("raw-api-request", {"path": "/orders", "query": {"consumer_key": "ck_x"}}, conn)

    assert len(rsps.calls) == 0


def test_a_route_the_store_lacks_is_not_found_no_route(connector, conn, rsps) -> None:
    exchange = register(rsps, 230)

    with pytest.raises(NotFoundError) as caught:
        connector.invoke("raw-api-request", {"path": "/no-such-endpoint"}, conn)

    assert caught.value.woo_code == exchange["response"]["body"]["code"] == "rest_no_route"
    assert "route" in caught.value.message


def test_refund_too_large_is_a_server_error_not_worth_retrying(connector, conn, rsps, monkeypatch) -> None:
    waits: list[float] = []
    monkeypatch.setattr(connector.client(conn), "_sleep", waits.append)
    exchange = register(rsps, 65)

    with pytest.raises(ServerError) as caught:
        connector.invoke(
            "raw-api-request",
            {"method": "POST", "path": "/orders/752/refunds", "body": exchange["request"]["body"]},
            conn,
        )

    exc = caught.value
    assert exc.http_status == 500
    assert exc.retryable is False  # WooCommerce said why: retrying cannot help
    assert exc.woo_code == "woocommerce_rest_cannot_create_order_refund"
    assert exchange["response"]["body"]["message"] in exc.message
    assert len(rsps.calls) == 1 and waits == []


def test_a_redirect_echoing_the_query_key_never_shows_the_secret(connector, conn, rsps) -> None:
    query_conn: dict[str, Any] = {**conn, "auth": "query"}
    echoed = capture(194)["response"]["headers"]["Link"].split(">")[0].lstrip("<")
    rsps.add("GET", f"{API}/orders", status=301, headers={"Location": echoed.replace(SITE, "https://shop.example.com")})

    with pytest.raises(RedirectRefusedError) as caught:
        connector.invoke("raw-api-request", {"path": "/orders"}, query_conn)

    exc = caught.value
    assert len(rsps.calls) == 1
    assert exc.details["canonical_site_url"] == "https://shop.example.com"
    for shown in (str(exc), repr(exc), json.dumps(exc.to_dict())):
        assert conn["consumer_secret"] not in shown
        assert conn["consumer_key"] not in shown


def test_delete_without_force_is_an_unsupported_operation(connector, conn, rsps) -> None:
    exchange = register(rsps, 148)

    with pytest.raises(InvalidRequestError) as caught:
        connector.invoke("raw-api-request", {"method": "DELETE", "path": "/customers/67"}, conn)

    exc = caught.value
    assert exc.http_status == 501 and exc.retryable is False
    assert exc.woo_code == exchange["response"]["body"]["code"]
    assert "not support" in exc.message
    assert len(rsps.calls) == 1


def test_a_role_that_may_not_edit_is_permission_denied(connector, conn, rsps) -> None:
    exchange = register(rsps, 221)

    with pytest.raises(PermissionDeniedError) as caught:
        connector.invoke(
            "raw-api-request", {"method": "PUT", "path": "/customers/1", "body": exchange["request"]["body"]}, conn
        )

    exc = caught.value
    assert exc.http_status == 403 and exc.woo_code == "woocommerce_rest_cannot_edit"
    assert "capabilities" in exc.message
