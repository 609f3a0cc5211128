"""list-coupons against the real store's coupon lists (captures 151, 153)."""

from __future__ import annotations

import pytest
from captures import register

from woo_connector.errors import InvalidInputError


def test_list_coupons_is_one_complete_page(connector, conn, rsps, query_of) -> None:
    exchange = register(rsps, 151)

    result = connector.invoke("list-coupons", {}, conn)

    assert result["items"] == exchange["response"]["body"]
    assert (result["total"], result["total_pages"]) == (10, 1)
    assert result["has_more"] is False and result["next_page"] is None
    assert dict(query_of(rsps.calls[0]))["per_page"] == "100"


def test_list_coupons_all_pages_stops_after_the_only_page(connector, conn, rsps) -> None:
    register(rsps, 151)

    result = connector.invoke("list-coupons", {"all_pages": True}, conn)

    assert len(rsps.calls) == 1
    assert len(result["items"]) == 10


def test_filter_by_code(connector, conn, rsps, query_of) -> None:
    exchange = register(rsps, 153)

    result = connector.invoke("list-coupons", {"code": "save20"}, conn)

    assert ("code", "save20") in query_of(rsps.calls[0])
    assert [c["code"] for c in result["items"]] == ["save20"]
    assert result["items"] == exchange["response"]["body"]
    assert result["total"] == 1


def test_unknown_filter_is_refused_before_sending(connector, conn, rsps) -> None:
    with pytest.raises(InvalidInputError) as caught:
        connector.invoke("list-coupons", {"coupon_code": "save20"}, conn)

    assert [p["pointer"] for p in caught.value.details["problems"]] == ["/coupon_code"]
    assert len(rsps.calls) == 0
