"""The contenders, each behind the same three calls: get one order, stream every order, keep them all.

* ``raw Session``: what a careful developer writes by hand: one keep-alive ``requests.Session``,
  ``.json()`` on each answer. Over HTTP it signs with ``requests_oauthlib.OAuth1`` (HMAC-SHA256,
  query placement, as WooCommerce documents); over HTTPS it sends Basic. The CA is passed per
  call (``verify=``) because a ``REQUESTS_CA_BUNDLE`` in the environment beats ``Session.verify``.
* ``raw Session, N threads``: the same with a thread pool over pages, the reference for what
  concurrency can buy (full pulls only).
* ``official woocommerce``: PyPI ``woocommerce`` (the bench extra); it calls ``requests.request``,
  so every call opens a new connection (and a new TLS handshake over HTTPS).
* ``woo-connector``: ``woo_connector.load().invoke(...)`` with input validation on; ``strict
  output`` adds output validation; streaming uses ``Registry.iter_items`` and concurrency the
  list tools' ``concurrency`` input, each only where this checkout has them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import requests

RAW = "raw Session"
OFFICIAL = "official woocommerce"
CONNECTOR = "woo-connector"
CONNECTOR_STRICT = "woo-connector, strict output"
API_PATH = "/wp-json/wc/v3"


class Unavailable(Exception):
    """This contender cannot run in this checkout or environment; the message says why."""


def walk_pages(fetch: Callable[[int], tuple[list[Any], int]]) -> Iterator[dict[str, Any]]:
    """Items of page 1, 2, ... until the total the store announced (or an empty page)."""
    page, pages = 1, 1
    while page <= pages:
        items, pages = fetch(page)
        yield from items
        if not items:
            return
        page += 1


def raw_threads_name(workers: int) -> str:
    return f"{RAW}, {workers} threads"


def connector_concurrency_name(workers: int) -> str:
    return f"{CONNECTOR}, concurrency={workers}"


class RawSession:
    """A keep-alive Session and ``.json()``: the 1.00 every ratio is measured against."""

    def __init__(self, conn: dict[str, Any]) -> None:
        self.base = conn["site_url"] + API_PATH
        self.verify: Any = conn.get("ca_bundle") or True
        self.conn = conn
        self.session = self._session()

    def _session(self) -> requests.Session:
        session = requests.Session()
        if self.conn["site_url"].startswith("https://"):
            session.auth = (self.conn["consumer_key"], self.conn["consumer_secret"])
        else:
            from requests_oauthlib import OAuth1

            session.auth = OAuth1(self.conn["consumer_key"], self.conn["consumer_secret"],
                                  signature_method="HMAC-SHA256", signature_type="query")
        return session

    def get_order(self, order_id: int) -> dict[str, Any]:
        resp = self.session.get(f"{self.base}/orders/{order_id}", verify=self.verify, timeout=30)
        resp.raise_for_status()
        return resp.json()

    def page(self, session: requests.Session, page: int, per_page: int) -> tuple[list[Any], int]:
        resp = session.get(f"{self.base}/orders", params={"per_page": per_page, "page": page},
                           verify=self.verify, timeout=30)
        resp.raise_for_status()
        return resp.json(), int(resp.headers.get("X-WP-TotalPages", "1"))

    def iter_items(self, per_page: int) -> Iterator[dict[str, Any]]:
        return walk_pages(lambda page: self.page(self.session, page, per_page))

    def keep(self, per_page: int) -> list[dict[str, Any]]:
        return list(self.iter_items(per_page))

    def close(self) -> None:
        self.session.close()


class RawThreads(RawSession):
    """Page 1 tells the total; the rest are fetched by a pool, one Session per thread, in order."""

    def __init__(self, conn: dict[str, Any], workers: int) -> None:
        super().__init__(conn)
        self.workers = workers
        self._local = threading.local()
        self._sessions: list[requests.Session] = []
        self._lock = threading.Lock()

    def _thread_session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = self._session()
            with self._lock:
                self._sessions.append(session)
        return session

    def keep(self, per_page: int) -> list[dict[str, Any]]:
        items, pages = self.page(self.session, 1, per_page)
        with ThreadPoolExecutor(self.workers) as pool:
            rest = pool.map(lambda p: self.page(self._thread_session(), p, per_page)[0], range(2, pages + 1))
            for page_items in rest:
                items.extend(page_items)
        return items

    def close(self) -> None:
        super().close()
        for session in self._sessions:
            session.close()


class Official:
    """``woocommerce.API``: a new connection per call, by design of the library."""

    def __init__(self, conn: dict[str, Any]) -> None:
        try:
            from woocommerce import API
        except ImportError:
            raise Unavailable("not installed: pip install -e '.[bench]'") from None
        self.api = API(conn["site_url"], conn["consumer_key"], conn["consumer_secret"], version="wc/v3",
                       verify_ssl=conn.get("ca_bundle") or True, timeout=30)

    def get_order(self, order_id: int) -> dict[str, Any]:
        resp = self.api.get(f"orders/{order_id}")
        resp.raise_for_status()
        return resp.json()

    def page(self, page: int, per_page: int) -> tuple[list[Any], int]:
        resp = self.api.get("orders", params={"per_page": per_page, "page": page})
        resp.raise_for_status()
        return resp.json(), int(resp.headers.get("X-WP-TotalPages", "1"))

    def iter_items(self, per_page: int) -> Iterator[dict[str, Any]]:
        return walk_pages(lambda page: self.page(page, per_page))

    def keep(self, per_page: int) -> list[dict[str, Any]]:
        return list(self.iter_items(per_page))

    def close(self) -> None:
        pass


class Connector:
    """The registry a host holds; ``concurrency`` None leaves the tool's default alone."""

    def __init__(self, conn: dict[str, Any], *, strict: bool = False, concurrency: int | None = None) -> None:
        self.conn = conn
        self.registry = shared_registry(strict=strict)
        self.concurrency = concurrency
        if concurrency is not None and not has_concurrency(self.registry):
            raise Unavailable("n/a: list-orders has no concurrency input in this checkout")

    def get_order(self, order_id: int) -> dict[str, Any]:
        return self.registry.invoke("get-order", {"id": order_id}, self.conn)

    def _payload(self, per_page: int) -> dict[str, Any]:
        payload: dict[str, Any] = {"per_page": per_page, "all_pages": True}
        if self.concurrency is not None:
            payload["concurrency"] = self.concurrency
        return payload

    def iter_items(self, per_page: int) -> Iterator[dict[str, Any]]:
        iter_items = getattr(self.registry, "iter_items", None)
        if iter_items is None:
            raise Unavailable("n/a: Registry.iter_items does not exist in this checkout")
        return iter(iter_items("list-orders", self._payload(per_page), self.conn))

    def keep(self, per_page: int) -> list[dict[str, Any]]:
        return self.registry.invoke("list-orders", self._payload(per_page), self.conn)["items"]

    def close(self) -> None:
        self.registry.close()


_REGISTRIES: dict[bool, Any] = {}


def shared_registry(*, strict: bool) -> Any:
    """One registry per output mode for every connector row, as a host loads the connector once
    (loading bundles every schema, about 0.2 s: the bench's own test made ten)."""
    if strict not in _REGISTRIES:
        import woo_connector

        _REGISTRIES[strict] = woo_connector.load(validate_output=strict)
    return _REGISTRIES[strict]


def has_concurrency(registry: Any) -> bool:
    """Whether list-orders takes a ``concurrency`` input (issue 8, landing in parallel)."""
    return "concurrency" in registry.describe("list-orders")["inputSchema"].get("properties", {})


def has_iter_items() -> bool:
    from woo_connector.registry import Registry

    return callable(getattr(Registry, "iter_items", None))


def make(name: str, conn: dict[str, Any], workers: int = 4) -> Any:
    """A contender by its display name; raises Unavailable when it cannot run here."""
    if name == RAW:
        return RawSession(conn)
    threads = _count_in(name, RAW + ", ", " threads")
    if threads is not None:
        return RawThreads(conn, threads)
    if name == OFFICIAL:
        return Official(conn)
    if name == CONNECTOR:
        return Connector(conn)
    if name == CONNECTOR_STRICT:
        return Connector(conn, strict=True)
    concurrency = _count_in(name, CONNECTOR + ", concurrency=", "")
    if concurrency is not None:
        return Connector(conn, concurrency=concurrency)
    raise ValueError(f"unknown contender {name!r}")


def _count_in(name: str, prefix: str, suffix: str) -> int | None:
    """The worker count of a name made by :func:`raw_threads_name` / :func:`connector_concurrency_name`."""
    middle = name[len(prefix):len(name) - len(suffix)] if name.startswith(prefix) and name.endswith(suffix) else ""
    return int(middle) if middle.isdigit() else None
