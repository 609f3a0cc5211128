"""WooClient: one pooled HTTP session per connection, and every rule of talking to a store.

Why a class of its own: a host invokes many tools with the same connection in one process, and
each must reuse the open TLS connection rather than pay a new handshake. ``client_for`` keeps
one client per connection fingerprint.

Retries: a request the store never processed (429, a connection that could not be opened) is
retried for every method; a read (GET/HEAD) is also retried on 502/503/504, resets and read
time-outs. A write that may have reached the store is never retried: WooCommerce has no
idempotency keys, so a retried create can create twice.

Redirects are never followed: a host redirecting http to https turns a POST into a GET (the
write is silently lost), and following a redirect to another host would hand it the key.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests

from . import redact
from .auth import make_auth
from .connection import Connection
from .errors import (
    BadResponseError,
    NetworkError,
    RedirectRefusedError,
    RequestTimeoutError,
    WooConnectorError,
)
from .pagination import PageInfo, iter_pages
from .query import php_pairs
from .resources import package_version
from .response import WooResponse, decode_json, error_from_status

log = logging.getLogger("woo_connector.http")

IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS"})
RETRY_READ_STATUSES = frozenset({502, 503, 504})
CONNECT_TIMEOUT = 10.0
MAX_RETRY_AFTER = 60.0

Sleep = Callable[[float], None]


def backoff_delay(attempt: int, retry_after: float | None = None) -> float:
    """Seconds to wait before retry ``attempt`` (1-based): Retry-After if given, else jittered 2^n."""
    if retry_after is not None:
        return min(retry_after, MAX_RETRY_AFTER)
    return min(8.0, 0.5 * (2 ** (attempt - 1))) * (0.5 + random.random() / 2)


class WooClient:
    """Talks to one store with one connection's key. Tools get one ready-made from the registry."""

    def __init__(
        self,
        conn: Connection,
        *,
        session: requests.Session | None = None,
        max_retries: int = 2,
        sleep: Sleep | None = None,
    ) -> None:
        self.conn = conn
        self.auth, self.auth_method = make_auth(conn)
        self.max_retries = max_retries
        # Looked up at call time, so tests that patch time.sleep reach pooled clients too.
        self._sleep: Sleep = sleep or (lambda seconds: time.sleep(seconds))
        self.session = session or requests.Session()
        self.session.headers["User-Agent"] = conn.user_agent or f"woo-connector/{package_version()}"
        self.session.headers["Accept"] = "application/json"
        self.session.verify = conn.ca_bundle or conn.verify_ssl
        self.session.trust_env = False
        self.last_response: WooResponse | None = None

    def __repr__(self) -> str:
        return f"WooClient(site_url={self.conn.site_url!r}, auth={self.auth_method!r})"

    def close(self) -> None:
        self.session.close()

    # -- URLs -------------------------------------------------------------------------------
    def url_for(self, path: str) -> str:
        """A URL on this store for an API path: relative to /wp-json/wc/v3, or /wp-json/... itself."""
        if path in ("", "/"):
            return self.conn.api_base
        if not path.startswith("/"):
            path = "/" + path
        if path == "/wp-json" or path.startswith("/wp-json/"):
            return self.conn.site_url + path
        return self.conn.api_base + path

    # -- requests ---------------------------------------------------------------------------
    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        require_json: bool = True,
        anonymous: bool = False,
    ) -> WooResponse:
        """Send one request (with the retries above) and return the decoded 2xx answer or raise.

        With ``require_json`` false, a 2xx body that is not JSON comes back as text.

        ``anonymous`` sends no credentials: WooCommerce answers a wrong key with 401 even on
        routes that need none, so the verify hook probes the namespace index without them.
        """
        method = method.upper()
        url = self.url_for(path)
        attempt = 0
        while True:
            attempt += 1
            try:
                return self._send_once(method, url, params, json, require_json, anonymous)
            except WooConnectorError as exc:
                if attempt > self.max_retries or not self._may_retry(method, exc):
                    raise
                delay = backoff_delay(attempt, getattr(exc, "retry_after", None))
                log.info(
                    "retrying %s %s after %s (attempt %d, waiting %.2fs)",
                    method, redact.redact_url(url), exc.code, attempt + 1, delay,
                )
                self._sleep(delay)

    @staticmethod
    def _may_retry(method: str, exc: WooConnectorError) -> bool:
        if not exc.retryable:
            return False
        if exc.code == "rate_limited":
            return True
        if exc.details.get("connect_failed"):
            return True
        if method not in IDEMPOTENT:
            return False
        if exc.code in ("network_error", "timeout"):
            return True
        return exc.code == "server_error" and exc.http_status in RETRY_READ_STATUSES

    def _send_once(
        self,
        method: str,
        url: str,
        params: Mapping[str, Any] | None,
        body: Any,
        require_json: bool,
        anonymous: bool = False,
    ) -> WooResponse:
        shown = redact.redact_url(url)
        started = time.monotonic()
        try:
            resp = self.session.request(
                method,
                url,
                params=php_pairs(params),
                json=body,
                auth=None if anonymous else self.auth,
                timeout=(min(CONNECT_TIMEOUT, self.conn.timeout), self.conn.timeout),
                allow_redirects=False,
            )
        except requests.exceptions.SSLError as exc:
            raise NetworkError(
                "TLS failed: the store's certificate is not trusted. For a self-signed store set "
                "ca_bundle to its CA's PEM file (or verify_ssl false for a throw-away test store). "
                + redact.redact_text(str(exc)),
                details={"reason": "tls", "request": f"{method} {shown}", "connect_failed": True},
            ) from None
        except requests.exceptions.ConnectTimeout:
            raise RequestTimeoutError(
                f"Could not connect to the store within {CONNECT_TIMEOUT:g} s.",
                details={"request": f"{method} {shown}", "connect_failed": True},
            ) from None
        except requests.exceptions.Timeout:
            raise RequestTimeoutError(
                f"The store did not answer within {self.conn.timeout:g} s (connection option 'timeout').",
                details={"request": f"{method} {shown}"},
            ) from None
        except requests.exceptions.ConnectionError as exc:
            text = redact.redact_text(str(exc))
            refused = any(s in text for s in ("Connection refused", "Name or service not known",
                                              "Failed to resolve", "nodename nor servname", "No route to host"))
            raise NetworkError(
                "Could not reach the store: " + text,
                details={"request": f"{method} {shown}", "connect_failed": refused},
            ) from None
        except requests.exceptions.RequestException as exc:
            raise NetworkError(
                "The request failed: " + redact.redact_text(str(exc)),
                details={"request": f"{method} {shown}"},
            ) from None

        shown = redact.redact_url(resp.url)
        log.debug("%s %s -> %s in %.0f ms", method, shown, resp.status_code,
                  (time.monotonic() - started) * 1000)
        headers = dict(resp.headers)
        if resp.is_redirect or 300 <= resp.status_code < 400:
            raise self._redirect_error(method, shown, resp)
        # WordPress always sends UTF-8; letting requests guess a charset is slow on big pages.
        text = resp.content.decode("utf-8", errors="replace")
        try:
            data, warnings = decode_json(text)
        except ValueError:
            if resp.status_code >= 400:
                raise error_from_status(
                    resp.status_code, None, method=method, url=shown, headers=headers,
                    auth_method=self.auth_method,
                ) from None
            if require_json:
                raise BadResponseError(
                    "The store answered with something that is not JSON"
                    + (" (an HTML page: is site_url a WordPress site with WooCommerce?)"
                       if "html" in resp.headers.get("Content-Type", "").lower() else "")
                    + f" (HTTP {resp.status_code}).",
                    http_status=resp.status_code,
                    details={"request": f"{method} {shown}"},
                ) from None
            data, warnings = text, []
        for warning in warnings:
            log.warning("%s %s: %s", method, shown, warning)
        if resp.status_code >= 400:
            raise error_from_status(
                resp.status_code, data, method=method, url=shown, headers=headers,
                auth_method=self.auth_method,
            )
        result = WooResponse(resp.status_code, headers, data, shown, warnings)
        self.last_response = result
        return result

    def _redirect_error(self, method: str, shown: str, resp: requests.Response) -> RedirectRefusedError:
        location = resp.headers.get("Location", "")
        absolute = urljoin(resp.url, location) if location else ""
        canonical = canonical_site_url(absolute) if absolute else None
        message = f"The store redirected {method} {shown} (HTTP {resp.status_code})"
        if absolute:
            message += f" to {redact.redact_url(absolute)}"
        message += ". Redirects are not followed: they turn writes into reads and can carry the key elsewhere."
        if canonical:
            message += f" Set site_url to {canonical}."
        return RedirectRefusedError(
            message,
            location=redact.redact_url(absolute) if absolute else None,
            http_status=resp.status_code,
            details={"canonical_site_url": canonical, "request": f"{method} {shown}"},
        )

    # -- convenience ------------------------------------------------------------------------
    def get(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        return self.request("GET", path, params=params).data

    def post(self, path: str, body: Any, params: Mapping[str, Any] | None = None) -> Any:
        return self.request("POST", path, params=params, json=body).data

    def put(self, path: str, body: Any, params: Mapping[str, Any] | None = None) -> Any:
        return self.request("PUT", path, params=params, json=body).data

    def delete(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        return self.request("DELETE", path, params=params).data

    # -- collections ------------------------------------------------------------------------
    def fetch_page(
        self, path: str, params: Mapping[str, Any], page: int, per_page: int
    ) -> tuple[list[Any], Mapping[str, str]]:
        """One page of a collection and the headers that describe the paging."""
        resp = self.request("GET", path, params={**params, "page": page, "per_page": per_page})
        if not isinstance(resp.data, list):
            raise BadResponseError(
                f"Expected a JSON list from {resp.url}, got {type(resp.data).__name__}.",
                http_status=resp.status,
            )
        return resp.data, resp.headers

    def iter_pages(
        self,
        path: str,
        params: Mapping[str, Any],
        *,
        per_page: int = 100,
        start_page: int = 1,
    ) -> Iterator[tuple[list[Any], PageInfo]]:
        """Pages one after another, lazily: callers can stop early and nothing more is fetched."""
        return iter_pages(lambda page: self.fetch_page(path, params, page, per_page), start_page, per_page)


def canonical_site_url(location: str) -> str | None:
    """The site URL a redirect points at, if it points into a WordPress REST path."""
    parts = urlsplit(location)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    marker = parts.path.find("/wp-json")
    base = parts.path[:marker] if marker != -1 else parts.path.rstrip("/")
    return f"{parts.scheme}://{parts.netloc}{base}"


class ClientPool:
    """One WooClient per connection, least recently used dropped first."""

    def __init__(self, size: int = 32) -> None:
        self._size = size
        self._clients: OrderedDict[tuple[Any, ...], WooClient] = OrderedDict()
        self._lock = threading.Lock()

    def client_for(self, conn: Connection) -> WooClient:
        key = conn.fingerprint
        with self._lock:
            client = self._clients.get(key)
            if client is not None:
                self._clients.move_to_end(key)
                return client
            client = WooClient(conn)
            self._clients[key] = client
            while len(self._clients) > self._size:
                _, old = self._clients.popitem(last=False)
                old.close()
            return client

    def clear(self) -> None:
        with self._lock:
            for client in self._clients.values():
                client.close()
            self._clients.clear()


__all__ = ["WooClient", "ClientPool", "backoff_delay", "canonical_site_url"]
