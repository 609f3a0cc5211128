"""What keeps a streamed pull at O(one page) of memory with workers fetching ahead (issue 8, S3):
pages wait as bytes and are decoded only when their turn comes, and the walk lets go of each
page before it reads the next. Counted, not timed: live objects are tracked with weak
references, decodes are counted where they happen."""

from __future__ import annotations

import threading
import weakref
from collections.abc import Mapping
from typing import Any

import pytest

from woo_connector import client as client_module
from woo_connector.client import WooClient
from woo_connector.connection import Connection
from woo_connector.errors import ServerError
from woo_connector.page_pool import fetch_in_order
from woo_connector.pagination import PageBody, iter_pages
from woo_connector.registry import Registry
from woo_connector.sandbox import Sandbox


class Item(dict):
    """An order-like item a weak reference can follow (a plain dict cannot be weakly referenced)."""

    __hash__ = object.__hash__  # tracked by identity


class Blob:
    """Stands for a page's bytes while it waits."""


PER_PAGE = 5
PAGES = 12


def headers(page: int) -> Mapping[str, str]:
    return {"X-WP-Total": str(PER_PAGE * PAGES), "X-WP-TotalPages": str(PAGES)}


class Store:
    """Pages of tracked items; ``fetch_once`` hands back a PageBody over a tracked blob."""

    def __init__(self, fail_page: int | None = None) -> None:
        self.items: weakref.WeakSet[Item] = weakref.WeakSet()
        self.blobs: weakref.WeakSet[Blob] = weakref.WeakSet()
        self.decoded: list[int] = []
        self.decoded_in: set[str] = set()
        self.fail_page = fail_page
        self.lock = threading.Lock()

    def page(self, number: int) -> tuple[list[Any], Mapping[str, str]]:
        items = [Item(id=(number - 1) * PER_PAGE + n + 1) for n in range(PER_PAGE)]
        self.items.update(items)
        return items, headers(number)

    def fetch(self, number: int) -> tuple[list[Any], Mapping[str, str]]:
        return self.page(number)

    def fetch_once(self, number: int) -> PageBody:
        if number == self.fail_page:
            raise ServerError("boom", http_status=500)
        blob = Blob()
        with self.lock:
            self.blobs.add(blob)

        def decode() -> tuple[list[Any], Mapping[str, str]]:
            assert blob is not None
            self.decoded.append(number)
            self.decoded_in.add(threading.current_thread().name)
            return self.page(number)

        return PageBody(decode)


@pytest.mark.parametrize("concurrency", [2, 4, 8])
def test_a_concurrent_walk_decodes_each_page_at_its_turn_and_holds_one_page(concurrency: int) -> None:
    store = Store()
    handed: list[int] = []
    for items, info in iter_pages(store.fetch, 1, PER_PAGE, concurrency=concurrency, fetch_once=store.fetch_once):
        handed.append(info.page)
        # nothing decoded ahead of the consumer: the pages after this one still wait as bytes
        assert store.decoded == handed[1:]
        # the page being handed out is the only decoded one alive (the walk let go of the last)
        assert set(store.items) == set(items) and len(items) == PER_PAGE
        # at most `concurrency` pages wait undecoded (in flight or fetched)
        assert len(store.blobs) <= concurrency
        del items
    assert handed == list(range(1, PAGES + 1))
    assert store.decoded_in == {threading.current_thread().name}  # decoded by the consumer, not a worker
    assert len(store.blobs) == 0


def test_a_sequential_walk_lets_go_of_each_page_before_reading_the_next() -> None:
    store = Store()
    peak = 0
    original = store.fetch

    def fetch(number: int) -> tuple[list[Any], Mapping[str, str]]:
        nonlocal peak
        peak = max(peak, len(store.items))  # what is still alive when the next page is asked for
        return original(number)

    for items, _info in iter_pages(fetch, 1, PER_PAGE):
        del items
    assert peak == 0


def test_a_decoded_page_lets_go_of_its_bytes_and_cannot_be_decoded_twice() -> None:
    store = Store()
    body = store.fetch_once(3)
    assert len(store.blobs) == 1
    items, _ = body.decode()
    assert len(store.blobs) == 0 and [item["id"] for item in items] == list(range(11, 16))
    with pytest.raises(RuntimeError):
        body.decode()


def test_the_pool_holds_no_more_undecoded_pages_than_its_bound() -> None:
    store = Store()
    pages = fetch_in_order(store.fetch_once, range(1, PAGES + 1), concurrency=3)
    for number, body in pages:
        assert len(store.blobs) <= 3
        del body
    assert len(store.blobs) == 0


def test_a_failure_after_bytes_only_pages_still_names_the_page_to_resume_from() -> None:
    store = Store(fail_page=7)
    handed: list[int] = []
    with pytest.raises(ServerError) as info:
        for _items, page_info in iter_pages(store.fetch, 1, PER_PAGE, concurrency=4, fetch_once=store.fetch_once):
            handed.append(page_info.page)
    assert handed == [1, 2, 3, 4, 5, 6]
    assert info.value.details["resume"] == {"page": 7}


def test_iter_items_decodes_no_page_ahead_of_the_consumer(
    connector: Registry, sandbox_http: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Through the registry and real HTTP: the workers' pages reach the consumer as bytes, and
    a page's JSON is decoded (in the consumer's thread) only once every item before it was taken."""
    decoded: list[str] = []
    real_decode = client_module.decode_body

    def counting(content: bytes | bytearray) -> Any:
        decoded.append(threading.current_thread().name)
        return real_decode(content)

    monkeypatch.setattr(client_module, "decode_body", counting)
    conn = sandbox_http.connection()
    per_page = 20
    streamed: list[int] = []
    for item in connector.iter_items("list-orders", {"per_page": per_page, "concurrency": 4}, conn):
        streamed.append(item["id"])
        page_of_item = (len(streamed) - 1) // per_page + 1
        assert len(decoded) == page_of_item  # this page and those before it, none ahead
    pages = len(streamed) // per_page + (len(streamed) % per_page > 0)
    assert len(decoded) == pages > 3
    assert set(decoded) == {threading.current_thread().name}
    monkeypatch.undo()
    collected = connector.invoke("list-orders", {"per_page": per_page, "all_pages": True, "concurrency": 4}, conn)
    assert streamed == [item["id"] for item in collected["items"]]


def test_a_client_that_overrides_request_reads_its_pages_through_it(sandbox_http: Sandbox) -> None:
    """A dry run's recording client funnels every call through its own ``request``; the pool's
    bytes-only fetch must not go around it (the page is then read at once, as before)."""

    class Counting(WooClient):
        calls = 0

        def request(self, method: str, path: str, **options: Any) -> Any:
            type(self).calls += 1
            return super().request(method, path, **options)

    client = Counting(Connection.from_dict(sandbox_http.connection()))
    try:
        body = client.fetch_page_later("/orders", {"orderby": "id", "order": "asc"}, 2, 5)
        assert Counting.calls == 1
        items, headers = body.decode()
    finally:
        client.close()
    assert len(items) == 5 and int(headers["X-WP-Total"]) > 10
    plain = WooClient(Connection.from_dict(sandbox_http.connection()))
    try:
        same, _ = plain.fetch_page_later("/orders", {"orderby": "id", "order": "asc"}, 2, 5).decode()
    finally:
        plain.close()
    assert same == items
