"""Shared fixtures: the connector, and the sandbox store over HTTP and HTTPS, started once per session.

Starting a store costs a seed run and (for HTTPS) a CA, so integration tests share two running
sandboxes; every test leaves them as it found them because faults, the site mode and the request
log are reset after each test that used them. ``standin_sandbox`` starts a sandbox in front of a
tiny fake store instead, for tests of the transport alone.
"""

from __future__ import annotations

import compileall
import random
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from woo_connector.registry import Registry, load
from woo_connector.sandbox import ApiError, ApiKey, Faults, Request, Response, Sandbox


def _leave_hypothesis_asserts_alone() -> None:
    """pytest rewrites the asserts of every installed package that ships a pytest plugin, not
    only of the tests; hypothesis is one (about 100 modules). With PYTHONDONTWRITEBYTECODE set
    nothing rewritten is cached, so each xdist worker spent over a second rewriting hypothesis
    while collecting tests/fuzz. Its asserts are its own invariants and raise just the same
    unrewritten; our tests' asserts are still rewritten. pytest has no public switch for this:
    if its hook changes shape, this does nothing and the suite is only slower."""
    for finder in sys.meta_path:
        marked = getattr(finder, "_must_rewrite", None)
        cache = getattr(finder, "_marked_for_rewrite_cache", None)
        if isinstance(marked, set) and isinstance(cache, dict) and "hypothesis" not in sys.modules:
            marked.difference_update({"hypothesis", "_hypothesis_globals", "_hypothesis_ftz_detector"})
            cache.clear()


_leave_hypothesis_asserts_alone()

REPO = Path(__file__).resolve().parent.parent


def pytest_configure(config: pytest.Config) -> None:
    """Byte-compile the connector and the bench once, before xdist starts its workers.

    Both workers and some twenty subprocesses (the CLI, MCP servers, the bench's store and memory
    children) import woo_connector. Where PYTHONDONTWRITEBYTECODE is set (many container images
    set it) none of them may write what it compiled, so each compiled the package again: about
    7 s of the suite's wall time on a fresh checkout. compileall writes the ``__pycache__`` files
    (ignored by git) that Python would have written itself, and skips what is up to date."""
    if hasattr(config, "workerinput"):  # an xdist worker: the controller has done it
        return
    for package in ("woo_connector", "bench"):
        compileall.compile_dir(REPO / package, quiet=1)


@pytest.fixture
def no_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """Retries still happen (and still fail against a broken store), without the jittered
    seconds between them: the client and the page pool back off by ``backoff_delay``; a
    Retry-After is still honoured. ``time.sleep`` stays real: the sandbox's slow knobs use it."""
    def no_wait(attempt: int, retry_after: float | None = None) -> float:
        return retry_after or 0.0

    monkeypatch.setattr("woo_connector.client.backoff_delay", no_wait)
    monkeypatch.setattr("woo_connector.page_pool.backoff_delay", no_wait)


@pytest.fixture(scope="session")
def _registry() -> Iterator[Registry]:
    """Loading parses and bundles every schema: once per session is plenty."""
    registry = load(validate_output=True)
    yield registry
    registry.close()


@pytest.fixture
def connector(_registry: Registry) -> Iterator[Registry]:
    """The one connector of the tests, output validation on; its client pool is emptied after each test."""
    _registry.close()
    yield _registry
    _registry.close()


SESSION_SEED = 42
SESSION_ORDERS = 300

_running: list[Sandbox] = []


def _session_sandbox(https: bool) -> Iterator[Sandbox]:
    sandbox = Sandbox(seed=SESSION_SEED, orders=SESSION_ORDERS, https=https).start()
    _running.append(sandbox)
    try:
        yield sandbox
    finally:
        _running.remove(sandbox)
        sandbox.stop()


@pytest.fixture(scope="session")
def sandbox_http() -> Iterator[Sandbox]:
    """The seeded store on http://127.0.0.1:<free port> (OAuth 1.0a only, as on a real store)."""
    yield from _session_sandbox(https=False)


@pytest.fixture(scope="session")
def sandbox_https() -> Iterator[Sandbox]:
    """The seeded store on https://127.0.0.1:<free port>; its CA is at ``sandbox_https.ca_bundle``."""
    yield from _session_sandbox(https=True)


@pytest.fixture(autouse=True)
def _reset_sandboxes() -> Iterator[None]:
    """After each test: faults off, WooCommerce on, request log empty, on every running sandbox."""
    yield
    for sandbox in list(_running):
        sandbox.faults.reset()
        sandbox.mode = "woocommerce"
        sandbox.requests_log.clear()


@pytest.fixture
def http_faults(sandbox_http: Sandbox) -> Faults:
    """The HTTP sandbox's fault knobs (reset after the test)."""
    return sandbox_http.faults


@pytest.fixture
def https_faults(sandbox_https: Sandbox) -> Faults:
    """The HTTPS sandbox's fault knobs (reset after the test)."""
    return sandbox_https.faults


# -- a stand-in store for tests of the transport alone -----------------------------------------


class StandInStore:
    """Just enough store for the transport: keys, a lock, a save counter and a churn counter."""

    def __init__(self) -> None:
        self.seed = 7
        self.lock = threading.RLock()
        self.keys = {
            k.consumer_key: k
            for k in (
                ApiKey("ck_" + "1" * 40, "cs_" + "a" * 40, "read_write", 1, "administrator"),
                ApiKey("ck_" + "2" * 40, "cs_" + "b" * 40, "read", 1, "administrator"),
                ApiKey("ck_" + "3" * 40, "cs_" + "c" * 40, "read_write", 2, "shop_manager"),
            )
        }
        self.orders: list[dict[str, Any]] = [{"id": i, "status": "processing"} for i in range(1, 6)]
        self.saves = 0
        self.requests: list[Request] = []

    def save(self) -> None:
        self.saves += 1

    def churn(self, rng: random.Random) -> None:
        self.orders.append({"id": len(self.orders) + 1, "status": rng.choice(["pending", "processing"])})


def _list_orders(store: StandInStore, request: Request) -> Response:
    store.requests.append(request)
    return Response(200, list(store.orders), {"X-WP-Total": str(len(store.orders)), "X-WP-TotalPages": "1"})


def _create_order(store: StandInStore, request: Request) -> Response:
    store.requests.append(request)
    order = {"id": len(store.orders) + 1, **(request.body or {})}
    store.orders.append(order)
    return Response(201, order, {"Location": f"{request.base_url}/wp-json/wc/v3/orders/{order['id']}"})


def _get_order(store: StandInStore, request: Request) -> Response:
    store.requests.append(request)
    for order in store.orders:
        if order["id"] == int(request.params["id"]):
            return Response(200, order)
    raise ApiError(404, "woocommerce_rest_shop_order_invalid_id", "Invalid ID.")


def standin_resolve(method: str, route: str) -> tuple[Callable[..., Response], dict[str, str]]:
    """Two routes: /orders (GET, POST) and /orders/<id> (GET, PUT, PATCH, DELETE -> the getter)."""
    if route == "/orders" and method in ("GET", "POST"):
        return (_list_orders if method == "GET" else _create_order), {}
    parts = route.strip("/").split("/")
    if len(parts) == 2 and parts[0] == "orders" and parts[1].isdigit():
        if method in ("GET", "PUT", "PATCH", "DELETE"):
            return _get_order, {"id": parts[1]}
    raise ApiError(404, "rest_no_route", "No route was found matching the URL and request method.")


@pytest.fixture
def standin_sandbox() -> Iterator[Callable[..., Sandbox]]:
    """A factory: ``standin_sandbox(https=False, **kw)`` starts a sandbox over a StandInStore."""
    started: list[Sandbox] = []

    def start(**kwargs: Any) -> Sandbox:
        kwargs.setdefault("store", StandInStore())
        kwargs.setdefault("resolve", standin_resolve)
        sandbox = Sandbox(**kwargs).start()
        started.append(sandbox)
        return sandbox

    yield start
    for sandbox in started:
        sandbox.stop()
