"""get-coupon, create-coupon, update-coupon, delete-coupon against the real store's answers."""

from __future__ import annotations

import json

import pytest
import responses
from captures import capture, register, replay_headers

from woo_connector.errors import InvalidRequestError, NotFoundError

API = "https://127.0.0.1:8443/wp-json/wc/v3"


def test_get_coupon_by_id(connector, conn, rsps) -> None:
    exchange = register(rsps, 152)

    result = connector.invoke("get-coupon", {"id": 344}, conn)

    assert result == exchange["response"]["body"]
    assert rsps.calls[0].request.url == f"{API}/coupons/344"


def test_a_trashed_coupon_is_still_read_by_id(connector, conn, rsps) -> None:
    register(rsps, 297)

    assert connector.invoke("get-coupon", {"id": 821}, conn)["status"] == "trash"


def test_get_coupon_by_code_uses_the_code_filter(connector, conn, rsps, query_of) -> None:
    exchange = register(rsps, 153)

    result = connector.invoke("get-coupon", {"code": "save20"}, conn)

    assert result == exchange["response"]["body"][0] and result["code"] == "save20"
    assert dict(query_of(rsps.calls[0]))["code"] == "save20"


def test_a_code_only_in_the_trash_is_not_found(connector, conn, rsps) -> None:
    register(rsps, 298)  # 200 [] : a code lookup does not see trashed coupons

    with pytest.raises(NotFoundError) as caught:
        connector.invoke("get-coupon", {"code": "capture-trash-262"}, conn)

    assert caught.value.details["problems"][0]["pointer"] == "/code"
    assert "trash" in caught.value.message


def test_an_unknown_coupon_id_is_not_found(connector, conn, rsps) -> None:
    register(rsps, 228)

    with pytest.raises(NotFoundError) as caught:
        connector.invoke("get-coupon", {"id": 999999}, conn)

    assert caught.value.woo_code == "woocommerce_rest_shop_coupon_invalid_id"


@pytest.mark.parametrize("payload", [{}, {"id": 344, "code": "save20"}, {"code": ""}])
def test_get_coupon_takes_id_or_code(refused, payload) -> None:
    assert refused("get-coupon", payload)


def test_create_coupon(connector, conn, rsps) -> None:
    exchange = register(rsps, 155)

    result = connector.invoke("create-coupon", exchange["request"]["body"], conn)

    assert result == exchange["response"]["body"] and result["code"] == "capture15"  # lower-cased
    assert json.loads(rsps.calls[0].request.body) == exchange["request"]["body"]


def test_create_coupon_sends_money_as_strings(connector, conn, rsps) -> None:
    register(rsps, 155)

    connector.invoke("create-coupon", {"code": "freeship", "amount": 15, "minimum_amount": 49.5}, conn)

    sent = json.loads(rsps.calls[0].request.body)
    assert sent == {"code": "freeship", "amount": "15", "minimum_amount": "49.5"}


def test_a_duplicate_code_is_invalid_request_with_woocommerces_code(connector, conn, rsps) -> None:
    exchange = register(rsps, 156)

    with pytest.raises(InvalidRequestError) as caught:
        connector.invoke("create-coupon", exchange["request"]["body"], conn)

    exc = caught.value
    assert exc.code == "invalid_request" and exc.http_status == 400
    assert exc.woo_code == "woocommerce_rest_coupon_code_already_exists"
    assert exchange["response"]["body"]["message"] in exc.message


def test_an_unknown_discount_type_is_refused_before_the_store(refused) -> None:
    body = capture(157)["request"]["body"]  # the store answered this with 400 rest_invalid_param
    assert refused("create-coupon", body) == ["/discount_type"]


def test_update_coupon_puts_the_changed_fields(connector, conn, rsps) -> None:
    """No capture of a coupon PUT: the answer is the captured coupon with the change applied."""
    exchange = capture(152)
    changed = {**exchange["response"]["body"], "amount": "20.00", "usage_limit": None}
    rsps.add(responses.PUT, f"{API}/coupons/344", json=changed, headers=replay_headers(exchange))

    result = connector.invoke("update-coupon", {"id": 344, "amount": 20, "usage_limit": None}, conn)

    assert result == changed
    assert json.loads(rsps.calls[0].request.body) == {"amount": "20", "usage_limit": None}


def test_update_coupon_needs_a_change(refused) -> None:
    assert refused("update-coupon", {"id": 344}) == [""]


def test_delete_coupon_trashes_and_shows_the_status_before(connector, conn, rsps, query_of) -> None:
    exchange = register(rsps, 295)

    result = connector.invoke("delete-coupon", {"id": 821}, conn)

    assert result == exchange["response"]["body"] and result["status"] == "publish"
    assert query_of(rsps.calls[0]) == []


def test_deleting_a_trashed_coupon_again_is_410(connector, conn, rsps) -> None:
    register(rsps, 299)

    with pytest.raises(InvalidRequestError) as caught:
        connector.invoke("delete-coupon", {"id": 821}, conn)

    assert (caught.value.http_status, caught.value.woo_code) == (410, "woocommerce_rest_already_trashed")
    assert "force true" in caught.value.message


def test_delete_coupon_force_deletes_from_the_trash(connector, conn, rsps, query_of) -> None:
    exchange = register(rsps, 300)

    result = connector.invoke("delete-coupon", {"id": 821, "force": True}, conn)

    assert result == exchange["response"]["body"] and result["status"] == "trash"
    assert query_of(rsps.calls[0]) == [("force", "true")]
