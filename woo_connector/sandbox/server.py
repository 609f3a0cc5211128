"""The public :class:`Sandbox`: a seeded store served on loopback over HTTP or HTTPS.

The work is split by layer: :mod:`.listener` owns sockets, TLS and host faults, :mod:`.site`
is WordPress + WooCommerce (auth, routing, headers), :mod:`.php` reads requests as PHP does,
:mod:`.discovery` serves the /wp-json/ documents, and :mod:`.routes` runs the resources. This
module starts and stops them and hands out keys and connections.

Nothing here logs or stores a secret: the Authorization header is not passed on to handlers and
the request log keeps query *names* only.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from typing import Any, Callable

from .churn import BULK_SIZE, Change, Churn
from .faults import Faults
from .hookshot import WORDPRESS_PORTS
from .listener import HTTPServer
from .php import parse_php_query
from .routes import Resolver
from .site import SITES, Site
from .wire import ApiKey

__all__ = ["Sandbox", "parse_php_query"]


class InFlight:
    """Counts requests in progress and remembers the peak; a context manager around each one."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.current = 0
        self.peak = 0

    def __enter__(self) -> "InFlight":
        with self._lock:
            self.current += 1
            self.peak = max(self.peak, self.current)
        return self

    def __exit__(self, *exc: Any) -> None:
        with self._lock:
            self.current -= 1

    def reset(self, value: int = 0) -> None:
        with self._lock:
            self.peak = max(value, self.current)

class Sandbox:
    """A WooCommerce store on 127.0.0.1 for demos, workflow builders and integration tests.

    ``start()`` serves in a daemon thread and returns self; ``stop()`` (or leaving the ``with``
    block) hangs up on every client and removes the TLS material. ``faults`` and ``mode`` may be
    changed while it runs; ``site`` is the running WordPress emulation (its ``authenticator``
    holds the used OAuth nonces). ``resolve`` replaces the route table (tests of the transport
    alone); ``clock`` is the time OAuth timestamps are checked against.
    """

    def __init__(
        self,
        seed: int = 42,
        orders: int = 300,
        https: bool = False,
        host: str = "127.0.0.1",
        port: int = 0,
        db: str | None = None,
        store: Any = None,
        faults: Faults | None = None,
        *,
        mode: str = "woocommerce",
        resolve: Resolver | None = None,
        clock: Callable[[], float] = time.time,
        log_size: int = 1000,
        webhook_ports: tuple[int, ...] = WORDPRESS_PORTS,
        prices_include_tax: bool = True,
    ) -> None:
        if mode not in SITES:
            raise ValueError(f"mode must be one of {SITES}")
        self.seed, self.orders, self.https, self.host, self.port, self.db = seed, orders, https, host, port, db
        self.faults = faults if faults is not None else Faults()
        self.requests_log: deque[tuple[str, str, tuple[str, ...], int]] = deque(maxlen=log_size)
        self._store = store
        self._site_mode = mode
        self._resolve = resolve
        self._clock = clock
        self.prices_include_tax = prices_include_tax
        """The store kind when the sandbox seeds its own store: True is the captured AU store
        (prices with 10% GST), False a US-style store (prices without tax, tax added)."""
        self.in_flight_counter = InFlight()
        self.change_log: list[Change] = []
        """What :meth:`churn` changed, in order: (resource, id, date_modified_gmt, kind)."""
        self._churn: Churn | None = None
        self.webhook_ports = tuple(webhook_ports)
        """Loopback ports webhooks may be delivered to besides the store's own (WordPress: 80, 443, 8080)."""
        self._tls: Any = None
        self._server: HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.site: Site | None = None

    # -- lifecycle --------------------------------------------------------------------------

    def start(self) -> "Sandbox":
        if self._server is not None:
            return self
        if self._store is None:
            from .store import Store

            self._store = (Store.open(self.db, self.seed, self.orders, self.prices_include_tax) if self.db
                           else Store.create(self.seed, self.orders, self.prices_include_tax))
        from .routes import resolve as route_table

        resolve = self._resolve or route_table
        context = None
        if self.https:
            from .tls import LoopbackTLS

            self._tls = LoopbackTLS()
            context = self._tls.server_context()
        try:
            self._server = HTTPServer((self.host, self.port), self, context)
        except BaseException:
            if self._tls is not None:  # the CA must not outlive a sandbox that never started
                self._tls.cleanup()
                self._tls = None
            raise
        self.port = self._server.server_address[1]
        hookshot = getattr(self._store, "hookshot", None)  # a stand-in store (transport tests) has none
        if hookshot is not None:
            if not hookshot.home_url:  # the first sandbox over a store is its home
                hookshot.home_url = self.url
            if self.ca_bundle and not hookshot.ca_bundle:
                hookshot.ca_bundle = self.ca_bundle
            hookshot.allowed_ports = self.webhook_ports
        self.site = Site(self._store, resolve, self.url, self.faults, self._site_mode, self._clock)
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.1},
                                        name=f"woo-sandbox-{self.port}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._churn is not None:
            self._churn.stop()
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.close_all()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        if self._tls is not None:
            self._tls.cleanup()
        save = getattr(self._store, "save", None)
        if callable(save):
            save()

    def __enter__(self) -> "Sandbox":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    # -- what clients need -------------------------------------------------------------------

    @property
    def scheme(self) -> str:
        return "https" if self.https else "http"

    @property
    def url(self) -> str:
        """The site URL, e.g. ``http://127.0.0.1:54321`` (the port is known once started)."""
        return f"{self.scheme}://{self.host}:{self.port}"

    @property
    def store(self) -> Any:
        return self._store

    @property
    def ca_bundle(self) -> str | None:
        """Path to the generated CA's PEM (https only); pass it as the connection's ca_bundle."""
        return self._tls.ca_bundle if self._tls is not None else None

    @property
    def mode(self) -> str:
        """"woocommerce", "wordpress" (WooCommerce off) or "html" (not WordPress); settable live."""
        return self.site.mode if self.site is not None else self._site_mode

    @mode.setter
    def mode(self, value: str) -> None:
        if value not in SITES:
            raise ValueError(f"mode must be one of {SITES}")
        self._site_mode = value
        if self.site is not None:
            self.site.mode = value

    def key(self, kind: str = "rw") -> ApiKey:
        """The store's key of a kind: "rw" (administrator, read_write), "ro" (read), "shop_manager"."""
        keys = list(self._store.keys.values()) if self._store is not None else []
        match = {
            "rw": lambda k: k.permissions == "read_write" and k.role == "administrator",
            "ro": lambda k: k.permissions == "read",
            "shop_manager": lambda k: k.role == "shop_manager",
        }.get(kind)
        if match is None:
            raise ValueError("kind must be 'rw', 'ro' or 'shop_manager'")
        for key in keys:
            if match(key):
                return key
        raise LookupError(f"the store has no {kind} key")

    def connection(self, kind: str = "rw") -> dict[str, Any]:
        """A ready connection JSON for the host: site_url, key, secret (+ ca_bundle over https)."""
        if self._server is None:
            raise RuntimeError("start the sandbox first: the port is not known yet")
        key = self.key(kind)
        conn: dict[str, Any] = {
            "site_url": self.url,
            "consumer_key": key.consumer_key,
            "consumer_secret": key.consumer_secret,
        }
        if self.https:
            conn["verify_ssl"] = True
            conn["ca_bundle"] = self.ca_bundle
        return conn

    def churn(self, rate: float = 20.0, *, duration: float = 10.0, limit: int = 5000, bulk_every: int = 50,
              bulk_size: int = BULK_SIZE, deletes: bool = True, trash: bool = True) -> Churn:
        """Start a background writer (``rate`` changes/s, a bulk edit of ``bulk_size`` orders in one
        second every ``bulk_every`` steps, trash and deletes) that logs to :attr:`change_log`.

        It ends after ``duration`` seconds or ``limit`` changes, on :meth:`Churn.stop` or with the
        sandbox; one churn runs at a time (starting another stops the first)."""
        if self._store is None:
            raise RuntimeError("start the sandbox first")
        if self._churn is not None:
            self._churn.stop()
        self._churn = Churn(self._store, self.change_log, rate=rate, duration=duration, limit=limit,
                            bulk_every=bulk_every, bulk_size=bulk_size, deletes=deletes, trash=trash,
                            seed=self.seed).start()
        return self._churn

    @property
    def in_flight(self) -> int:
        """Requests being answered right now."""
        return self.in_flight_counter.current

    @property
    def max_in_flight(self) -> int:
        """The most requests answered at once since start (or the last reset): a client's real
        concurrency, for tests of its bound. Assign 0 to reset."""
        return self.in_flight_counter.peak

    @max_in_flight.setter
    def max_in_flight(self, value: int) -> None:
        self.in_flight_counter.reset(value)

    def deliver_webhooks(self) -> int:
        """Run the store's webhook queue (WooCommerce's Action Scheduler); returns deliveries made."""
        from .routes import render_record

        with self._store.lock:
            hooks = {int(doc["id"]): dict(doc) for doc in self._store.all("webhook")}
            store = self._store
        return store.hookshot.deliver(hooks, lambda resource, rid: self._render(render_record, resource, rid))

    def _render(self, render: Any, resource: str, rid: int) -> Any:
        with self._store.lock:
            return render(self._store, resource, rid)

    def _log(self, method: str, path: str, names: tuple[str, ...], status: int) -> None:
        self.requests_log.append((method, path, names, status))

    def __repr__(self) -> str:
        state = "running" if self._server is not None else "stopped"
        return f"Sandbox({self.url if self._server else self.scheme + '://' + self.host}, {state})"
