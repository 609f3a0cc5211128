"""The cursor string: what it keeps, and what it refuses."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from woo_connector.errors import InvalidInputError
from woo_connector.sync.cursor import Cursor, decode, fingerprint, since_instant, start_cursor

T = datetime(2026, 11, 28, 7, 9, 35, tzinfo=timezone.utc)


def test_a_resume_cursor_survives_the_round_trip() -> None:
    cursor = Cursor("orders", fingerprint({"status": "processing"}), T).at(
        upper=T.replace(minute=30), stage="trash", page=3, per_page=50, seen=(4, 5, 6), after_id=9)
    assert decode(cursor.encode()) == cursor
    assert decode(cursor.advanced().encode()) == Cursor("orders", cursor.filters, T.replace(minute=30))


def test_empty_cursor_starts_from_the_beginning_and_since_just_before_the_time() -> None:
    assert start_cursor("orders", {"cursor": ""}).watermark is None
    # exclusive lower bound one second earlier: a record stamped in that very second is included
    assert start_cursor("orders", {"since": "2026-11-28T18:09:35+11:00"}).watermark == T.replace(second=34)
    assert since_instant("2026-11-28T07:09:35.900") == T.replace(second=34)


def test_a_cursor_used_with_other_filters_is_refused_naming_them() -> None:
    made = Cursor("orders", fingerprint({"status": "processing", "customer": 3}), T).encode()
    assert start_cursor("orders", {"cursor": made, "customer": 3, "status": "processing",
                                   "per_page": 20, "_fields": ["id"]}).watermark == T
    with pytest.raises(InvalidInputError) as caught:
        start_cursor("orders", {"cursor": made, "status": "completed", "customer": 3})
    assert caught.value.details == {"field": "cursor", "differing_filters": ["status"]}
    assert "status" in caught.value.message and "cursor" in caught.value.message
    with pytest.raises(InvalidInputError) as caught:
        start_cursor("orders", {"cursor": made, "status": "processing", "customer": 3, "search": "x"})
    assert caught.value.details["differing_filters"] == ["search"]
    with pytest.raises(InvalidInputError, match="made for orders, not coupons"):
        start_cursor("coupons", {"cursor": made})


@pytest.mark.parametrize("token", ["nonsense", "e30", "eyJ2IjoyfQ"])  # garbage, {}, {"v": 2}
def test_a_cursor_this_connector_did_not_make_is_refused(token: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        start_cursor("orders", {"cursor": token})
    assert caught.value.details == {"field": "cursor"}


@pytest.mark.parametrize("field", ["modified_after", "modified_before", "offset", "max_items"])
def test_what_the_cursor_sets_itself_is_refused_beside_it(field: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        start_cursor("orders", {"cursor": "", field: "2026-11-28T07:09:35Z" if "modified" in field else 5})
    assert caught.value.details == {"fields": [field]}


def test_store_time_creation_bounds_are_refused_since_the_cursor_reads_gmt() -> None:
    with pytest.raises(InvalidInputError) as caught:
        start_cursor("orders", {"cursor": "", "after": "2026-11-01T00:00:00"})
    assert caught.value.details == {"fields": ["after"]}
    assert start_cursor("orders", {"cursor": "", "after": "2026-11-01T00:00:00Z"}).watermark is None
    assert start_cursor("orders", {"cursor": "", "after": "2026-11-01T00:00:00", "dates_are_gmt": True})


def test_known_ids_alone_is_refused_rather_than_sent_to_the_store() -> None:
    with pytest.raises(InvalidInputError) as caught:
        start_cursor("orders", {"known_ids": [1, 2]})
    assert caught.value.details == {"fields": ["known_ids"]}
