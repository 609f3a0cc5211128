"""Fetching a list's pages with a few worker threads, handing them back in the store's order.

A full pull spends most of its time waiting for the store (PHP renders a 100-order page in tens
of milliseconds, the network adds its own). Once the first page has told the total, the pages
still to come are known, so a few can be in flight at once. Three rules keep that polite and
correct:

* **Order.** Pages come out in page order whatever order they arrive in; at most ``limit`` pages
  are fetched ahead of the consumer (in flight or waiting), and none is started while the
  consumer works on the page it was handed, so memory stays a few pages however long the list.
  What waits is what ``fetch`` returned: the walk's fetch returns the bytes the store sent
  (:class:`woo_connector.pagination.PageBody`), decoded only when a page's turn comes.
* **Back-pressure.** A 429 or a 503 halves the number of requests in flight, nothing new is sent
  before its ``Retry-After``, and the pool grows back by one after a run of clean answers. The
  page that was refused is fetched again (the retry policy is the client's: :func:`may_retry`).
* **Failure.** The first page that fails for good is raised after every page before it has
  been handed out, so the caller knows exactly where the walk stopped (``details.resume``).

The pool never holds more connections than the client keeps per host (``client.POOL_SIZE``).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Generic, TypeVar

from .client import POOL_SIZE, backoff_delay, may_retry
from .errors import RateLimitedError, WooConnectorError

T = TypeVar("T")

MAX_CONCURRENCY = 8
GROW_AFTER = 4  # clean answers in a row before the pool takes one more worker back
THROTTLE_STATUSES = (429, 503)


def is_throttle(exc: BaseException) -> bool:
    """A store (or its host) asking us to slow down: 429, or 503 (busy or in maintenance)."""
    return isinstance(exc, RateLimitedError) or (
        isinstance(exc, WooConnectorError) and exc.http_status in THROTTLE_STATUSES
    )


class AdaptiveLimit:
    """How many pages may be in flight now: halved on a throttle, grown back one at a time."""

    def __init__(self, ceiling: int, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.ceiling = max(1, min(int(ceiling), MAX_CONCURRENCY, POOL_SIZE))
        self.current = self.ceiling
        self.lowest = self.ceiling  # the smallest it has been: what tests and logs look at
        self._clean = 0
        self._hold_until = 0.0
        self._clock = clock
        self._lock = threading.Lock()

    def throttled(self, retry_after: float | None) -> None:
        with self._lock:
            self.current = max(1, self.current // 2)
            self.lowest = min(self.lowest, self.current)
            self._clean = 0
            if retry_after:
                self._hold_until = max(self._hold_until, self._clock() + float(retry_after))

    def succeeded(self) -> None:
        with self._lock:
            self._clean += 1
            if self.current < self.ceiling and self._clean >= GROW_AFTER:
                self.current += 1
                self._clean = 0

    def wait_time(self) -> float:
        """Seconds before a new request may start (a Retry-After still running)."""
        with self._lock:
            return max(0.0, self._hold_until - self._clock())


class _Attempts(Generic[T]):
    """One page's fetch in a worker, retried as the client would, reporting throttles to the limit."""

    def __init__(self, fetch: Callable[[int], T], limit: AdaptiveLimit, retries: int,
                 sleep: Callable[[float], None], stop: threading.Event) -> None:
        self.fetch, self.limit, self.retries, self.sleep, self.stop = fetch, limit, retries, sleep, stop

    def __call__(self, page: int) -> T:
        attempt = 0
        while True:
            attempt += 1
            try:
                result = self.fetch(page)
            except WooConnectorError as exc:
                if attempt > self.retries or not may_retry("GET", exc) or self.stop.is_set():
                    raise
                retry_after = getattr(exc, "retry_after", None)
                if is_throttle(exc):
                    self.limit.throttled(retry_after)
                self.sleep(backoff_delay(attempt, retry_after))
                continue
            self.limit.succeeded()
            return result


def fetch_in_order(
    fetch: Callable[[int], T],
    pages: Iterable[int],
    *,
    concurrency: int,
    retries: int = 2,
    sleep: Callable[[float], None] = time.sleep,
    limit: AdaptiveLimit | None = None,
) -> Iterator[tuple[int, T]]:
    """``(page, fetch(page))`` for each page, in the order given, with up to ``concurrency`` in flight.

    ``fetch`` makes one attempt (the retries happen here, so that throttles shrink the pool). A
    page that fails for good is raised once every page before it was yielded; closing the
    generator early cancels what was not started and leaves nothing running that matters.
    """
    limit = limit or AdaptiveLimit(concurrency)
    stop = threading.Event()
    attempts = _Attempts(fetch, limit, retries, sleep, stop)
    todo = iter(pages)
    pending: list[tuple[int, Future[T]]] = []
    executor = ThreadPoolExecutor(max_workers=limit.ceiling, thread_name_prefix="woo-pages")
    exhausted = False
    try:
        while True:
            while not exhausted and len(pending) < limit.current:
                hold = limit.wait_time()
                if hold > 0 and pending:
                    break  # let what is in flight land first; the hold is checked again after
                if hold > 0:
                    sleep(hold)
                page = next(todo, None)
                if page is None:
                    exhausted = True
                    break
                pending.append((page, executor.submit(attempts, page)))
            if not pending:
                return
            page, future = pending.pop(0)
            result = future.result()  # raises the page's error after every earlier page
            del future
            yield page, result
            del result  # handed out: the consumer holds it now, or nobody does
    finally:
        stop.set()
        executor.shutdown(wait=False, cancel_futures=True)


__all__ = ["AdaptiveLimit", "fetch_in_order", "is_throttle", "MAX_CONCURRENCY"]
