"""The page pool alone, with a fetch that records what is in flight: order, bound, shrink on
429/503 and growing back, Retry-After, the first failure in page order, early close."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from woo_connector.errors import NotFoundError, RateLimitedError, ServerError
from woo_connector.page_pool import GROW_AFTER, AdaptiveLimit, fetch_in_order


class Store:
    """Answers page n with [n]; counts requests in flight; fails pages as told."""

    def __init__(self, fail: dict[int, list[Exception]] | None = None) -> None:
        self.fail = fail or {}
        self.lock = threading.Lock()
        self.in_flight = self.peak = 0
        self.asked: list[int] = []
        self.gate = threading.Event()
        self.gate.set()

    def __call__(self, page: int) -> Any:
        with self.lock:
            self.asked.append(page)
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)
        try:
            self.gate.wait(5)
            threading.Event().wait(0.002)  # long enough for the others to start
            errors = self.fail.get(page)
            if errors:
                raise errors.pop(0)
            return [page]
        finally:
            with self.lock:
                self.in_flight -= 1


def test_pages_come_out_in_order_and_never_more_than_the_bound_at_once() -> None:
    store = Store()
    got = list(fetch_in_order(store, range(1, 41), concurrency=3))
    assert [page for page, _ in got] == list(range(1, 41))
    assert [answer for _, answer in got] == [[n] for n in range(1, 41)]
    assert 1 <= store.peak <= 3


def test_eight_is_the_ceiling_whatever_is_asked() -> None:
    assert AdaptiveLimit(50).ceiling == 8 and AdaptiveLimit(0).ceiling == 1


def test_a_throttle_halves_the_pool_and_clean_answers_grow_it_back() -> None:
    clock = [0.0]
    limit = AdaptiveLimit(8, clock=lambda: clock[0])
    limit.throttled(None)
    assert limit.current == 4
    limit.throttled(2.0)
    assert limit.current == 2 and limit.wait_time() == 2.0
    clock[0] = 1.5
    assert limit.wait_time() == 0.5
    for _ in range(GROW_AFTER - 1):
        limit.succeeded()
    assert limit.current == 2  # slowly: one more only after a run of clean answers
    limit.succeeded()
    assert limit.current == 3 and limit.lowest == 2


def test_429_and_503_shrink_the_pool_and_the_page_is_fetched_again() -> None:
    store = Store({3: [RateLimitedError("slow down", retry_after=0.0, http_status=429)],
                   5: [ServerError("maintenance", http_status=503)]})
    limit = AdaptiveLimit(4)
    naps: list[float] = []
    got = list(fetch_in_order(store, range(1, 11), concurrency=4, limit=limit, sleep=naps.append))
    assert [page for page, _ in got] == list(range(1, 11))
    assert store.asked.count(3) == 2 and store.asked.count(5) == 2
    assert limit.lowest <= 2


def test_retry_after_holds_new_requests() -> None:
    limit = AdaptiveLimit(2)
    limit.throttled(30.0)  # a store said: not before 30 s
    naps: list[float] = []
    store = Store()
    got = list(fetch_in_order(store, [1], concurrency=2, limit=limit, sleep=naps.append))
    assert got == [(1, [1])] and naps and naps[0] > 29


def test_the_first_failing_page_is_raised_after_every_page_before_it() -> None:
    store = Store({4: [NotFoundError("gone")]})
    got: list[int] = []
    with pytest.raises(NotFoundError):
        for page, _ in fetch_in_order(store, range(1, 11), concurrency=4):
            got.append(page)
    assert got == [1, 2, 3]


def test_a_page_that_keeps_failing_is_raised_after_the_retries() -> None:
    store = Store({2: [ServerError("boom", http_status=500) for _ in range(5)]})
    with pytest.raises(ServerError):
        list(fetch_in_order(store, range(1, 4), concurrency=2, retries=2, sleep=lambda s: None))
    assert store.asked.count(2) == 3


def test_closing_early_starts_nothing_more() -> None:
    store = Store()
    pages = fetch_in_order(store, range(1, 1001), concurrency=2)
    assert next(pages) == (1, [1])
    pages.close()
    asked = len(store.asked)
    assert asked <= 4
    threading.Event().wait(0.05)
    assert len(store.asked) == asked
