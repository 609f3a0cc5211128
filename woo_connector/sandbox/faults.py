"""Misbehaviours real hosts add in front of WooCommerce, switched on one at a time by tests.

A connector is judged by how it copes with what sits between it and WooCommerce: rate limiters,
flaky PHP workers, proxies that answer in HTML, plugins that print notices before the JSON, hosts
that redirect or drop the Authorization header. Every knob is off by default and may be changed
while the sandbox runs; counters ("the next N requests") are consumed atomically so that parallel
requests never both take the last one.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field, fields
from urllib.parse import urlsplit, urlunsplit

UTF8_BOM = b"\xef\xbb\xbf"

PHP_NOTICE = (
    b'<br />\n<b>Warning</b>:  Undefined array key "shipping_zone" in '
    b"<b>/var/www/html/wp-content/plugins/acme-shipping/acme-shipping.php</b> on line <b>118</b><br />\n"
)
"""What PHP 8 prints with display_errors on, before WordPress gets to send its JSON."""

_COUNTERS = ("rate_limit", "server_errors", "drop_connections", "html_error", "slow")


@dataclass
class Faults:
    """The knobs; see the module docstring. ``reset()`` turns them all off again."""

    latency: float = 0.0  # seconds added before every answer
    slow: int = 0  # the next N requests wait slow_seconds before the store handles them (then save)
    slow_seconds: float = 2.0
    drip_seconds: float = 0.0  # spread every answer's body over this many seconds (a trickling upstream)
    rate_limit: int = 0  # answer the next N requests with 429 + Retry-After
    rate_limit_every: int = 0  # answer every Nth request with 429 (0: off)
    retry_after: int = 1  # the Retry-After value (seconds) sent with each 429
    server_errors: int = 0  # answer the next N requests with server_error_status
    server_error_status: int = 500  # 500: WordPress' JSON critical error; 503: maintenance; 502/504: nginx
    drop_connections: int = 0  # close the socket without an answer for the next N requests
    bom: bool = False  # prefix a UTF-8 BOM to JSON bodies (a plugin file saved with one)
    php_notice: bool = False  # prefix a PHP warning in HTML before JSON bodies
    html_error: int = 0  # answer the next N requests with a proxy's HTML error page
    html_error_status: int = 502
    redirect: str | None = None  # "https": 301 to https://; "www": 301 to a www. host
    strip_authorization: bool = False  # the host drops the Authorization header before PHP sees it
    churn: int = 0  # simulated shop writes between list requests (after each list page served)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)
    _seen: int = field(default=0, repr=False, compare=False)

    def reset(self) -> None:
        """Turn every knob off and forget the request count."""
        for f in fields(self):
            if not f.name.startswith("_"):
                setattr(self, f.name, f.default)
        with self._lock:
            self._seen = 0

    def take(self, counter: str) -> bool:
        """Consume one unit of a "next N requests" knob; True when this request gets the fault."""
        if counter not in _COUNTERS:
            raise ValueError(f"{counter} is not a counted fault")
        with self._lock:
            remaining = getattr(self, counter)
            if remaining > 0:
                setattr(self, counter, remaining - 1)
                return True
        return False

    def rate_limited(self) -> bool:
        """Whether this request is refused with a 429: from the burst first, else every Nth."""
        if self.take("rate_limit"):
            return True
        with self._lock:
            self._seen += 1
            every = self.rate_limit_every
            return every > 0 and self._seen % every == 0


@dataclass
class Canned:
    """A fault's whole answer: status, headers and body bytes."""

    status: int
    headers: dict[str, str]
    body: bytes


def _json(status: int, payload: object, extra: dict[str, str] | None = None) -> Canned:
    headers = {"Content-Type": "application/json; charset=UTF-8", **(extra or {})}
    return Canned(status, headers, json.dumps(payload, separators=(",", ":")).encode())


def _html(status: int, page: str, extra: dict[str, str] | None = None) -> Canned:
    return Canned(status, {"Content-Type": "text/html; charset=UTF-8", **(extra or {})}, page.encode())


def rate_limited(retry_after: int) -> Canned:
    """A 429 as a rate-limiting plugin sends it through the REST API: JSON error, Retry-After."""
    body = {
        "code": "rest_too_many_requests",
        "message": f"Too many requests. Please wait {retry_after} seconds before trying again.",
        "data": {"status": 429},
    }
    return _json(429, body, {"Retry-After": str(retry_after)})


NGINX_REASONS = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Temporarily Unavailable",
                 504: "Gateway Time-out"}


def proxy_error(status: int) -> Canned:
    """The page nginx serves when PHP-FPM is down or slow: HTML, whatever the client asked for."""
    reason = NGINX_REASONS.get(status, "Error")
    page = (
        f"<html>\r\n<head><title>{status} {reason}</title></head>\r\n<body>\r\n"
        f"<center><h1>{status} {reason}</h1></center>\r\n<hr><center>nginx/1.22.1</center>\r\n"
        "</body>\r\n</html>\r\n"
    )
    return _html(status, page)


def server_error(status: int) -> Canned:
    """A 5xx as the layer that would really send it: WordPress for 500 and 503, nginx otherwise."""
    if status == 500:
        body = {
            "code": "internal_server_error",
            "message": "<p>There has been a critical error on this website.</p><p><a href=\"https://wordpress.org"
            "/documentation/article/faq-troubleshooting/\">Learn more about troubleshooting WordPress.</a></p>",
            "data": {"status": 500},
            "additional_errors": [],
        }
        return _json(500, body)
    if status == 503:
        page = (
            "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Maintenance</title></head><body>"
            "<h1>Briefly unavailable for scheduled maintenance. Check back in a minute.</h1></body></html>"
        )
        return _html(503, page, {"Retry-After": "600"})
    return proxy_error(status)


def redirect(kind: str, url: str) -> Canned:
    """The 301 a host sends for every path when it forces https or a www. host."""
    parts = urlsplit(url)
    if kind == "https":
        target = urlunsplit(("https", parts.netloc, parts.path, parts.query, ""))
    elif kind == "www":
        target = urlunsplit((parts.scheme, "www." + parts.netloc, parts.path, parts.query, ""))
    else:
        raise ValueError(f"redirect must be 'https' or 'www', not {kind!r}")
    page = (
        "<html>\r\n<head><title>301 Moved Permanently</title></head>\r\n<body>\r\n"
        "<center><h1>301 Moved Permanently</h1></center>\r\n<hr><center>nginx/1.22.1</center>\r\n"
        "</body>\r\n</html>\r\n"
    )
    return _html(301, page, {"Location": target})


def decorate_json(body: bytes, faults: Faults) -> bytes:
    """Put the BOM and/or the PHP notice in front of a JSON body, as a broken plugin would."""
    if faults.php_notice:
        body = PHP_NOTICE + body
    if faults.bom:
        body = UTF8_BOM + body
    return body
