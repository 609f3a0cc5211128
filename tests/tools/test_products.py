"""get-product (with every variation), create-product (simple, and variable with a batch that
partly fails), update-product, and the transport rules a product call meets on the way
(reads retried on 503, writes never, redirects refused).
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
import responses
from captures import capture, register, replay_headers
from responses import matchers

from woo_connector.errors import InvalidRequestError, OutcomeUnknownError, RedirectRefusedError, ServerError

API = "https://127.0.0.1:8443/wp-json/wc/v3"
GATEWAY_DOWN = "<html><head><title>503 Service Temporarily Unavailable</title></head></html>"


def sent_json(call: Any) -> Any:
    return json.loads(call.request.body)


def path_of(call: Any) -> str:
    return call.request.url.split("?")[0].removeprefix(API)


def answer_list(
    rsps: responses.RequestsMock, url: str, items: list[Any], headers: dict[str, str], page: int | None = None
) -> None:
    match = [matchers.query_param_matcher({"page": str(page)}, strict_match=False)] if page else []
    rsps.add(responses.Response("GET", url, json=items, headers=headers, match=match))


def variation_list_headers(count: int) -> dict[str, str]:
    """081's headers (a one-page variation list) with the totals of ``count`` variations."""
    headers = replay_headers(capture(81))
    headers.pop("Content-Type", None)  # responses sets it for json=
    headers["X-WP-Total"], headers["X-WP-TotalPages"] = str(count), "1"
    return headers


def batch_item_error() -> dict[str, Any]:
    """A per-item error exactly as WooCommerce writes one into a batch answer (capture 117)."""
    answer = capture(117)["response"]["body"]
    return next(item for item in answer["create"] if "error" in item)


# -- list-products ------------------------------------------------------------------------


def test_list_products_all_pages_reads_the_three_real_pages(connector, conn, rsps, query_of) -> None:
    bodies = []
    for page, which in ((1, 69), (2, 70), (3, 71)):
        exchange = capture(which)
        bodies.append(exchange["response"]["body"])
        answer_list(rsps, f"{API}/products", exchange["response"]["body"],
                    {k: v for k, v in replay_headers(exchange).items() if k != "Content-Type"}, page=page)

    result = connector.invoke("list-products", {"all_pages": True}, conn)

    # 64 on the last: the end (pages 2 and 3 are fetched side by side, in either order)
    assert sorted((dict(query_of(c))["page"] for c in rsps.calls), key=int) == ["1", "2", "3"]
    assert [p["id"] for p in result["items"]] == [p["id"] for body in bodies for p in body]
    assert len(result["items"]) == result["total"] == 264
    assert result["has_more"] is False


def test_list_products_filters_and_fields(connector, conn, rsps, query_of) -> None:
    exchange = register(rsps, 86)

    result = connector.invoke(
        "list-products", {"type": "simple", "_fields": ["id", "sku", "type"], "sku": "RW-BOO-0011"}, conn
    )

    sent = dict(query_of(rsps.calls[0]))
    assert (sent["type"], sent["_fields"], sent["sku"]) == ("simple", "id,sku,type", "RW-BOO-0011")
    assert result["items"] == exchange["response"]["body"]
    assert (result["total"], result["next_page"]) == (251, 2)


# -- get-product --------------------------------------------------------------------------


def test_simple_product_comes_back_as_is(connector, conn, rsps) -> None:
    exchange = register(rsps, 72)

    result = connector.invoke("get-product", {"id": 35}, conn)

    assert result == exchange["response"]["body"]
    assert "variation_details" not in result
    assert len(rsps.calls) == 1


def test_variable_product_comes_with_every_variation(connector, conn, rsps, query_of) -> None:
    product = register(rsps, 73)
    variations = register(rsps, 81)

    result = connector.invoke("get-product", {"id": 291}, conn)

    assert [path_of(c) for c in rsps.calls] == ["/products/291", "/products/291/variations"]
    assert dict(query_of(rsps.calls[1]))["per_page"] == "100"
    assert result["variation_details"] == variations["response"]["body"]
    assert sorted(v["id"] for v in result["variation_details"]) == sorted(product["response"]["body"]["variations"])
    assert {k: v for k, v in result.items() if k != "variation_details"} == product["response"]["body"]


def test_variations_spread_over_pages_are_all_followed(connector, conn, rsps, query_of) -> None:
    register(rsps, 73)
    every = capture(81)["response"]["body"]
    url = f"{API}/products/291/variations"
    first = {
        "X-WP-Total": str(len(every)),
        "X-WP-TotalPages": "2",
        "Link": f'<{url}?per_page=100&page=2>; rel="next"',
    }
    second = {
        "X-WP-Total": str(len(every)),
        "X-WP-TotalPages": "2",
        "Link": f'<{url}?per_page=100&page=1>; rel="prev"',
    }
    answer_list(rsps, url, every[:7], first, page=1)
    answer_list(rsps, url, every[7:], second, page=2)

    result = connector.invoke("get-product", {"id": 291}, conn)

    assert [dict(query_of(c)).get("page") for c in rsps.calls[1:]] == ["1", "2"]
    assert result["variation_details"] == every


def test_get_product_fields_are_joined_and_variations_still_follow(connector, conn, rsps, query_of) -> None:
    full = capture(73)["response"]["body"]
    fields = ["id", "name", "type", "variations"]
    rsps.add("GET", f"{API}/products/291", json={k: full[k] for k in fields})
    variations = register(rsps, 81)

    result = connector.invoke("get-product", {"id": 291, "_fields": fields}, conn)

    assert dict(query_of(rsps.calls[0]))["_fields"] == "id,name,type,variations"
    assert result["variation_details"] == variations["response"]["body"]


# -- create-product: simple ---------------------------------------------------------------


def test_create_simple_product_sends_prices_as_strings(connector, conn, rsps) -> None:
    exchange = register(rsps, 107)
    payload = copy.deepcopy(exchange["request"]["body"])
    payload["regular_price"] = 89.95  # numbers in, decimal strings out
    payload["sale_price"] = 79.95

    result = connector.invoke("create-product", payload, conn)

    assert len(rsps.calls) == 1
    sent = sent_json(rsps.calls[0])
    assert sent == exchange["request"]["body"]
    assert sent["regular_price"] == "89.95" and sent["sale_price"] == "79.95"
    assert result == exchange["response"]["body"]
    assert "variation_errors" not in result


@pytest.mark.parametrize("given, sent", [(100, "100"), (0.5, "0.5"), (19.999, "19.999"), ("12.00", "12.00")])
def test_price_rendering(connector, conn, rsps, given, sent) -> None:
    register(rsps, 107)

    connector.invoke("create-product", {"name": "Lamp", "regular_price": given}, conn)

    assert sent_json(rsps.calls[0])["regular_price"] == sent


def test_duplicate_sku_is_invalid_request(connector, conn, rsps) -> None:
    exchange = register(rsps, 118)

    with pytest.raises(InvalidRequestError) as caught:
        connector.invoke("create-product", exchange["request"]["body"], conn)

    exc = caught.value
    assert exc.code == "invalid_request" and exc.http_status == 400
    assert exc.woo_code == "product_invalid_sku"
    assert exchange["response"]["body"]["message"] in exc.message
    assert len(rsps.calls) == 1


# -- create-product: variable -------------------------------------------------------------


def variable_payload() -> dict[str, Any]:
    payload = copy.deepcopy(capture(108)["request"]["body"])
    payload["variations"] = copy.deepcopy(capture(109)["request"]["body"]["create"])
    payload["variations"][2]["regular_price"] = 31.95  # one price given as a number
    return payload


def answer_variable_create(rsps: responses.RequestsMock, batch_answer: dict[str, Any], created: list[Any]) -> None:
    register(rsps, 108)
    batch = capture(109)
    rsps.add("POST", f"{API}/products/757/variations/batch", json=batch_answer,
             status=batch["response"]["status"])
    register(rsps, 111)
    answer_list(rsps, f"{API}/products/757/variations", created, variation_list_headers(len(created)))


def test_variable_product_with_every_variation_created(connector, conn, rsps) -> None:
    answer = capture(109)["response"]["body"]
    answer_variable_create(rsps, answer, answer["create"])

    result = connector.invoke("create-product", variable_payload(), conn)

    assert [(c.request.method, path_of(c)) for c in rsps.calls] == [
        ("POST", "/products"),
        ("POST", "/products/757/variations/batch"),
        ("GET", "/products/757"),
        ("GET", "/products/757/variations"),
    ]
    assert "variations" not in sent_json(rsps.calls[0])  # the connector's extra is not a product field
    assert sent_json(rsps.calls[1]) == capture(109)["request"]["body"]  # 31.95 went out as "31.95"
    assert result["complete"] is True and result["variation_errors"] == []
    assert [v["id"] for v in result["variation_details"]] == [758, 759, 760]
    assert result["id"] == 757


def test_a_refused_variation_is_named_by_index_and_sku(connector, conn, rsps) -> None:
    answer = copy.deepcopy(capture(109)["response"]["body"])
    refused = batch_item_error()
    answer["create"][1] = refused
    created = [answer["create"][0], answer["create"][2]]
    answer_variable_create(rsps, answer, created)

    result = connector.invoke("create-product", variable_payload(), conn)

    assert result["complete"] is False
    assert len(result["variation_errors"]) == 1
    failure = result["variation_errors"][0]
    assert failure["index"] == 1
    assert failure["sku"] == "CAP-CAP-001-1"
    assert failure["error"]["woo_code"] == refused["error"]["code"]
    assert failure["error"]["message"] == refused["error"]["message"]
    assert failure["error"]["http_status"] == refused["error"]["data"]["status"]
    assert failure["error"]["retryable"] is False
    assert [v["id"] for v in result["variation_details"]] == [758, 760]
    assert result["id"] == 757  # the product is kept: the variations that worked are real


def test_a_failed_batch_call_reports_every_variation_in_it(connector, conn, rsps) -> None:
    register(rsps, 108)
    rsps.add("POST", f"{API}/products/757/variations/batch", body=GATEWAY_DOWN, status=503,
             content_type="text/html")
    register(rsps, 111)
    answer_list(rsps, f"{API}/products/757/variations", [], variation_list_headers(0))

    result = connector.invoke("create-product", variable_payload(), conn)

    batch_calls = [c for c in rsps.calls if path_of(c).endswith("/batch")]
    assert len(batch_calls) == 1  # a write that may have reached the store is not retried
    assert result["complete"] is False
    assert [e["index"] for e in result["variation_errors"]] == [0, 1, 2]
    assert [e["sku"] for e in result["variation_errors"]] == [f"CAP-CAP-001-{i}" for i in range(3)]
    assert {e["error"]["http_status"] for e in result["variation_errors"]} == {503}


def test_more_than_100_variations_go_in_batches_of_100(connector, conn, rsps) -> None:
    template = capture(109)["response"]["body"]["create"][0]
    payload = variable_payload()
    payload["variations"] = [
        {"sku": f"CAP-CAP-001-{i}", "regular_price": "29.95", "attributes": [{"id": 2, "option": "Black"}]}
        for i in range(101)
    ]
    made = [{**template, "id": 1000 + i, "sku": f"CAP-CAP-001-{i}"} for i in range(101)]
    register(rsps, 108)
    rsps.add("POST", f"{API}/products/757/variations/batch", json={"create": made[:100]})
    rsps.add("POST", f"{API}/products/757/variations/batch", json={"create": made[100:]})
    register(rsps, 111)
    answer_list(rsps, f"{API}/products/757/variations", made[:100], {**variation_list_headers(101),
                "X-WP-TotalPages": "2", "Link": f'<{API}/products/757/variations?per_page=100&page=2>; rel="next"'}, page=1)
    answer_list(rsps, f"{API}/products/757/variations", made[100:], {**variation_list_headers(101),
                "X-WP-TotalPages": "2"}, page=2)

    result = connector.invoke("create-product", payload, conn)

    sizes = [len(sent_json(c)["create"]) for c in rsps.calls if path_of(c).endswith("/batch")]
    assert sizes == [100, 1]
    assert result["complete"] is True
    assert len(result["variation_details"]) == 101


# -- update-product -----------------------------------------------------------------------


@pytest.mark.parametrize("which", [112, 113, 114, 115])
def test_update_product_puts_what_was_given(connector, conn, rsps, which) -> None:
    exchange = register(rsps, which)
    fields = exchange["request"]["body"]

    result = connector.invoke("update-product", {"id": 756, **fields}, conn)

    assert rsps.calls[0].request.method == "PUT"
    assert rsps.calls[0].request.url == f"{API}/products/756"
    assert sent_json(rsps.calls[0]) == fields  # the id is in the URL, not the body
    assert result == exchange["response"]["body"]


def test_update_product_price_as_number_goes_out_as_string(connector, conn, rsps) -> None:
    register(rsps, 112)

    connector.invoke("update-product", {"id": 756, "regular_price": 99.95, "sale_price": ""}, conn)

    assert sent_json(rsps.calls[0]) == {"regular_price": "99.95", "sale_price": ""}


# -- transport: reads retried, writes not, redirects refused ------------------------------


def test_503_on_a_read_is_retried(connector, conn, rsps, monkeypatch) -> None:
    waits: list[float] = []
    monkeypatch.setattr(connector.client(conn), "_sleep", waits.append)
    rsps.add("GET", f"{API}/products/35", body=GATEWAY_DOWN, status=503, content_type="text/html")
    exchange = register(rsps, 72)

    result = connector.invoke("get-product", {"id": 35}, conn)

    assert len(rsps.calls) == 2
    assert len(waits) == 1 and waits[0] >= 0
    assert result == exchange["response"]["body"]


def test_503_on_a_read_until_retries_run_out_is_a_retryable_server_error(connector, conn, rsps, monkeypatch) -> None:
    client = connector.client(conn)
    monkeypatch.setattr(client, "_sleep", lambda seconds: None)
    rsps.add("GET", f"{API}/products/35", body=GATEWAY_DOWN, status=503, content_type="text/html")

    with pytest.raises(ServerError) as caught:
        connector.invoke("get-product", {"id": 35}, conn)

    assert len(rsps.calls) == client.max_retries + 1
    assert caught.value.http_status == 503 and caught.value.retryable is True


def test_503_on_a_create_is_not_retried(connector, conn, rsps, monkeypatch) -> None:
    waits: list[float] = []
    monkeypatch.setattr(connector.client(conn), "_sleep", waits.append)
    rsps.add("POST", f"{API}/products", body=GATEWAY_DOWN, status=503, content_type="text/html")
    register(rsps, 107)  # would succeed: a retry would create the product twice

    with pytest.raises(OutcomeUnknownError) as caught:  # the store may have created it
        connector.invoke("create-product", {"name": "Lamp", "regular_price": "89.95"}, conn)

    assert len(rsps.calls) == 1
    assert waits == []
    assert caught.value.http_status == 503 and caught.value.retryable is False


def test_a_redirect_is_refused_and_names_the_canonical_site(connector, conn, rsps, secret) -> None:
    rsps.add("GET", f"{API}/products/35", status=301,
             headers={"Location": "https://shop.example.com/wp-json/wc/v3/products/35"})
    rsps.add("GET", "https://shop.example.com/wp-json/wc/v3/products/35", json=capture(72)["response"]["body"])

    with pytest.raises(RedirectRefusedError) as caught:
        connector.invoke("get-product", {"id": 35}, conn)

    exc = caught.value
    assert exc.details["canonical_site_url"] == "https://shop.example.com"
    assert "https://shop.example.com" in exc.message
    assert exc.http_status == 301
    assert len(rsps.calls) == 1  # the key is not handed to the other host
    assert secret not in json.dumps(exc.to_dict())
