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
import os
import random
import socket
import ssl
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
import urllib3.exceptions as u3
from requests.adapters import HTTPAdapter
from requests.hooks import dispatch_hook
from requests.utils import get_environ_proxies

from . import redact
from .auth import make_auth
from .connection import Connection
from .errors import (
    BadResponseError,
    InvalidInputError,
    NetworkError,
    RateLimitedError,
    RedirectRefusedError,
    RequestTimeoutError,
    WooConnectorError,
)
from .pagination import PageBody, PageInfo, iter_pages
from .query import effective_method, php_pairs
from .resources import package_version
from .response import IDEMPOTENT, WooResponse, decode_body, error_from_status, not_wordpress, outcome_unknown

log = logging.getLogger("woo_connector.http")
redact.install_log_redaction()

CONNECT_TIMEOUT = 10.0
POOL_SIZE = 16  # connections kept per host: as many as the threads a host runs on one connection
READ_CHUNK = 1 << 16
LOOK_FOR_FIELDS = ("sku", "email", "number", "code", "name", "amount", "note", "customer_note", "reason")

Sleep = Callable[[float], None]


def backoff_delay(attempt: int, retry_after: float | None = None) -> float:
    """Seconds to wait before retry ``attempt`` (1-based): Retry-After if given, else jittered 2^n."""
    if retry_after is not None:
        return retry_after
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
        # The environment is read once here, not on every request (trust_env would re-read
        # proxies, netrc and CA variables per call); the connection's own fields win.
        self.session.trust_env = False
        self.session.verify = _verify_setting(conn)
        self.session.proxies = proxies_for(conn)
        if session is None:
            adapter = HTTPAdapter(pool_connections=4, pool_maxsize=POOL_SIZE)
            self.session.mount("https://", adapter)
            self.session.mount("http://", adapter)
        parts = urlsplit(conn.site_url)
        self._host = parts.hostname or "?"
        self._port = parts.port or (443 if parts.scheme == "https" else 80)
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
        retries: int | None = None,
    ) -> WooResponse:
        """Send one request (with the retries above) and return the decoded 2xx answer or raise.

        With ``require_json`` false, a 2xx body that is not JSON comes back as text.

        ``anonymous`` sends no credentials: WooCommerce answers a wrong key with 401 even on
        routes that need none, so the verify hook probes the namespace index without them.

        Retries and their waits stay inside the connection's ``call_budget``: a wait that would
        overrun it is not started, and the error comes back at once. ``retries`` overrides the
        client's ``max_retries`` for this call (the page pool retries pages itself, to shrink on 429).
        """
        method = method.upper()
        verb = effective_method(method, params)
        url = self.url_for(path)
        budget_end = time.monotonic() + self.conn.call_budget
        attempt = 0
        max_retries = self.max_retries if retries is None else retries
        while True:
            attempt += 1
            try:  # one attempt: read (a transport failure or redirect raises), then decoded
                answer = self._answer_once(method, verb, url, params, json, anonymous, budget_end)
                return self._decoded(method, verb, url, json, require_json, answer)
            except WooConnectorError as exc:
                if attempt > max_retries or not may_retry(verb, exc):
                    raise
                delay = backoff_delay(attempt, getattr(exc, "retry_after", None))
                if time.monotonic() + delay >= budget_end:
                    exc.details["call_budget"] = self.conn.call_budget
                    raise
                log.info(
                    "retrying %s %s after %s (attempt %d, waiting %.2fs)",
                    method, redact.redact_url(url), exc.code, attempt + 1, delay,
                )
                self._sleep(delay)

    def _answer_once(
        self,
        method: str,
        verb: str,
        url: str,
        params: Mapping[str, Any] | None,
        body: Any,
        anonymous: bool,
        budget_end: float,
    ) -> _Answer:
        """One attempt, read but not decoded: a transport failure or a redirect is raised here."""
        started = time.monotonic()
        deadline = min(started + self.conn.timeout, budget_end)
        limit = max(0.001, deadline - started)
        failure: WooConnectorError | None = None
        unsigned = url
        try:
            prep = self._prepare(method, url, params, body)
            unsigned = prep.url or url  # the URL before auth: it holds no credential of ours
            if not anonymous:
                prep.prepare_auth(self.auth, unsigned)
            session = self.session
            options = {"stream": True, "timeout": (min(CONNECT_TIMEOUT, limit), limit),
                       "verify": session.verify, "cert": session.cert, "proxies": session.proxies}
            resp = session.get_adapter(unsigned).send(prep, **options)
            if session.hooks.get("response"):  # a host's (or the demo's) hooks still see every answer
                resp = dispatch_hook("response", session.hooks, resp, **options)
            content = _read_body(resp, deadline)
        except (requests.exceptions.RequestException, u3.HTTPError, OSError, _DeadlinePassed) as exc:
            # Built outside the except block, so that no exception chain (__context__) carries
            # the URL with its query keys into a traceback.
            failure = self._transport_error(exc, method, verb, url, body)
        except (UnicodeError, RecursionError) as exc:
            # Nothing was sent: a lone surrogate cannot be encoded, a body nested too deep
            # cannot be serialised. The caller's input, not the store.
            failure = InvalidInputError(
                "The request could not be encoded: "
                + ("a text value holds a lone surrogate (not valid Unicode)." if isinstance(exc, UnicodeError)
                   else "the body is nested too deeply to serialise."),
                reason="unencodable", details={"sent": False},
            )
        if failure is not None:
            raise failure

        headers = resp.headers
        status = resp.status_code
        # What was sent, signature included, masked: errors and logs say what went out. Redacting
        # a signed URL costs more than the rest of the bookkeeping, so only they pay for it.
        shown = redact.redact_url(resp.url) if status >= 300 or log.isEnabledFor(logging.DEBUG) else ""
        log.debug("%s %s -> %s in %.0f ms", method, shown, status, (time.monotonic() - started) * 1000)
        if 300 <= status < 400:
            raise self._redirect_error(method, shown, resp)
        answer = _Answer(status, headers, resp.url, unsigned, shown, content)
        del resp, content  # the answer holds what is needed; nothing else keeps the body alive
        return answer

    def _decoded(self, method: str, verb: str, url: str, body: Any, require_json: bool,
                 answer: _Answer) -> WooResponse:
        """The answer's JSON, or the error its status and body say (raised)."""
        status, headers, shown = answer.status, answer.headers, answer.shown
        content = answer.take()
        try:
            data, warnings = decode_body(content)
        except ValueError:
            text = content.decode("utf-8", errors="replace")
            shown = shown or redact.redact_url(answer.url)
            html = "html" in headers.get("Content-Type", "").lower()
            if status >= 400:
                raise error_from_status(
                    status, text, method=verb, url=shown, headers=headers,
                    auth_method=self.auth_method, html=html, look_for=self._look_for(status, verb, url, body),
                ) from None
            if html:
                raise not_wordpress(status, f"{method} {shown}", html=True)
            if require_json:
                raise BadResponseError(
                    f"The store answered {method} {shown} with something that is not JSON (HTTP {status}).",
                    http_status=status,
                    reason="not_json",
                    details={"request": f"{method} {shown}"},
                ) from None
            data, warnings = redact.redact_text(text), []
        for warning in warnings:
            log.warning("%s %s: %s", method, shown or redact.redact_url(answer.url), warning)
        if status >= 400:
            raise error_from_status(
                status, data, method=verb, url=shown, headers=headers, auth_method=self.auth_method,
                look_for=self._look_for(status, verb, url, body),
            )
        result = WooResponse(status, dict(headers), data, _without_credentials(answer.unsigned), warnings)
        self.last_response = result
        return result

    def _prepare(self, method: str, url: str, params: Mapping[str, Any] | None, body: Any) -> requests.PreparedRequest:
        """The request as ``Session.request`` would prepare it, minus what a stateless key-signed
        call never uses: no cookie jar (nothing to keep between calls), no environment merge (the
        proxies and CA were read once, in ``__init__``), no redirect bookkeeping (we refuse
        redirects). The session's response hooks still run. Measured: about a sixth of the
        transport's CPU per call."""
        prep = requests.PreparedRequest()
        prep.prepare_method(method)
        prep.prepare_url(url, php_pairs(params))
        prep.prepare_headers(self.session.headers)
        prep.prepare_body([], [], body)
        return prep

    @staticmethod
    def _look_for(status: int, verb: str, url: str, body: Any) -> dict[str, Any] | None:
        return look_for(url, body) if status >= 500 and verb not in IDEMPOTENT else None

    def _transport_error(
        self, exc: BaseException, method: str, verb: str, url: str, body: Any
    ) -> WooConnectorError:
        """No answer: say whether the request could have reached the store, in one sentence."""
        where = f"{method} {redact.redact_url(url)}"
        cause, sent = _cause_of(exc)
        target = f"{self._host}:{self._port}"
        via = self.session.proxies.get(urlsplit(url).scheme)
        if via:
            target += f" (through the proxy {redact.redact_url(via)})"
        details: dict[str, Any] = {"request": where, "sent": sent, "host": self._host, "port": self._port}
        if not sent:
            if cause == "connect_timeout":
                return RequestTimeoutError(
                    f"Could not connect to {target} within {min(CONNECT_TIMEOUT, self.conn.timeout):g} s; "
                    "nothing was sent.",
                    reason=cause, details=details,
                )
            text = _CAUSE_TEXT.get(cause, cause)
            retryable = None
            if cause == "tls":
                text += (": for a self-signed store set ca_bundle to its CA's PEM file (or verify_ssl "
                         "false for a throw-away test store)")
                retryable = False if _certificate_refused(exc) else None
            return NetworkError(f"Could not connect to {target}: {text}; nothing was sent.",
                                reason=cause, details=details, retryable=retryable)
        timed_out = cause in ("read_timeout", "deadline")
        if verb not in IDEMPOTENT:
            details["look_for"] = look_for(url, body)
            what = (f"did not answer within {self.conn.timeout:g} s" if timed_out
                    else f"dropped the connection ({_CAUSE_TEXT.get(cause, cause)})")
            return outcome_unknown(f"The store at {target} {what} after {where} was sent.",
                                   reason=cause, details=details)
        if timed_out:
            return RequestTimeoutError(
                f"The store at {target} did not send its whole answer within {self.conn.timeout:g} s "
                "(connection option 'timeout').",
                reason=cause, details=details,
            )
        return NetworkError(f"The store at {target} {_CAUSE_TEXT.get(cause, cause)} before answering.",
                            reason=cause, details=details)

    def _redirect_error(self, method: str, shown: str, resp: requests.Response) -> RedirectRefusedError:
        location = resp.headers.get("Location", "")
        absolute = redact.redact_url(urljoin(resp.url, location)) if location else ""
        canonical = canonical_site_url(absolute) if absolute else None
        message = f"The store redirected {method} {shown} (HTTP {resp.status_code})"
        if absolute:
            message += f" to {absolute}"
        message += ". Redirects are not followed: they turn writes into reads and can carry the key elsewhere."
        if canonical:
            message += f" Set site_url to {canonical}."
        return RedirectRefusedError(
            message,
            location=absolute or None,
            http_status=resp.status_code,
            reason="redirect",
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
        self, path: str, params: Mapping[str, Any], page: int, per_page: int, *, retries: int | None = None
    ) -> tuple[list[Any], Mapping[str, str]]:
        """One page of a collection and the headers that describe the paging."""
        query = {**params, "page": page, "per_page": per_page}
        return _page_of(self.request("GET", path, params=query, retries=retries))

    def fetch_page_later(self, path: str, params: Mapping[str, Any], page: int, per_page: int) -> PageBody:
        """One attempt at a page (no retry: the page pool retries, to shrink on 429), kept as the
        bytes the store sent until :meth:`PageBody.decode`. Why: a worker fetching ahead of the
        consumer would otherwise hold a decoded page, 5-10x its JSON (issue 8, S3). A status
        that is not 2xx is still read and raised here, in the worker. A client that overrides
        :meth:`request` (a dry run's recording client) keeps its own path: its page is read now."""
        if type(self).request is not WooClient.request:
            answer = self.fetch_page(path, params, page, per_page, retries=0)
            return PageBody(lambda: answer)
        query = {**params, "page": page, "per_page": per_page}
        url, verb = self.url_for(path), effective_method("GET", query)
        budget_end = time.monotonic() + self.conn.call_budget
        later = self._answer_once("GET", verb, url, query, None, False, budget_end)
        if later.status >= 300:  # not a page: read (and its error raised) here, in the worker
            resp = self._decoded("GET", verb, url, None, True, later)
            return PageBody(lambda: _page_of(resp))
        return PageBody(lambda: _page_of(self._decoded("GET", verb, url, None, True, later)))

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


@dataclass
class _Answer:
    """What a decode needs of a response, without the response (its connection and buffers)."""

    status: int
    headers: Mapping[str, str] = field(repr=False)
    url: str = field(repr=False)  # as sent: an OAuth 1.0a URL carries the key and signature
    unsigned: str = field(repr=False)
    shown: str = ""
    content: bytes | bytearray = field(default=b"", repr=False)

    def take(self) -> bytes | bytearray:
        """The body, letting go of it here: the caller's copy is the only one left while the
        page is parsed. (WordPress always sends UTF-8: nothing guesses a charset.)"""
        content, self.content = self.content, b""
        return content


def _page_of(resp: WooResponse) -> tuple[list[Any], Mapping[str, str]]:
    if not isinstance(resp.data, list):
        raise BadResponseError(
            f"Expected a JSON list from {resp.url}, got {type(resp.data).__name__}.",
            http_status=resp.status,
        )
    return resp.data, resp.headers


def canonical_site_url(location: str) -> str | None:
    """The site URL a redirect points at, if it points into a WordPress REST path."""
    parts = urlsplit(location)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    marker = parts.path.find("/wp-json")
    base = parts.path[:marker] if marker != -1 else parts.path.rstrip("/")
    host = parts.netloc.rpartition("@")[2]
    return f"{parts.scheme}://{host}{base}"


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


def may_retry(verb: str, exc: WooConnectorError) -> bool:
    """The retry policy, by class and facts: never a write that may have reached the store."""
    if not exc.retryable:
        return False
    if isinstance(exc, RateLimitedError) or exc.details.get("sent") is False:
        return True  # the store refused before doing anything, or never saw the request
    return verb in IDEMPOTENT


def look_for(url: str, body: Any) -> dict[str, Any]:
    """What identifies a write whose outcome is unknown: the route and its identifying fields."""
    found: dict[str, Any] = {"route": urlsplit(url).path}
    if isinstance(body, Mapping):
        for name in LOOK_FOR_FIELDS:
            value = body.get(name)
            if isinstance(value, (str, int, float)) and not isinstance(value, bool) and value != "":
                found[name] = redact.redact_text(value) if isinstance(value, str) else value
    return found


def _without_credentials(unsigned: str) -> str:
    """The URL of a successful call as its answer carries it: the one asked for, before auth.

    Redacted all the same (a path or query could hold a key by mistake), unless it has none of
    the characters any credential pattern of redact_url needs: no @ (user:password), no = or %
    (a parameter's value), no _ (consumer_/oauth_ names, ck_/cs_ keys), no query at all.
    """
    if not any(ch in unsigned for ch in "@=%_?"):
        return unsigned
    return redact.redact_url(unsigned)


def proxies_for(conn: Connection) -> dict[str, str]:
    """The connection's ``proxy``, else HTTPS_PROXY/HTTP_PROXY/NO_PROXY for its site, read once."""
    if conn.proxy:
        return {"http": conn.proxy, "https": conn.proxy}
    return dict(get_environ_proxies(conn.site_url))


def _verify_setting(conn: Connection) -> bool | str:
    """ca_bundle beats REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE, which beat the default trust store."""
    if not conn.verify_ssl:
        return False
    return conn.ca_bundle or os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or True


class _DeadlinePassed(Exception):
    """The answer was still arriving when the request's time ran out."""


def _read_body(resp: requests.Response, deadline: float) -> bytearray:
    """The whole body before ``deadline``: each read waits at most the time left, so a store
    trickling bytes cannot stretch ``timeout`` (a per-read limit in requests) into minutes.

    Gathered in one growing buffer, not a list of chunks joined at the end: with several page
    workers finishing at once, chunks plus the joined copy held each page twice."""
    raw = resp.raw
    body = bytearray()
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise _DeadlinePassed()
            sock = getattr(getattr(raw, "_connection", None), "sock", None)
            if sock is not None:
                sock.settimeout(left)
            chunk = raw.read1(READ_CHUNK, decode_content=True)
            if not chunk:
                break
            body += chunk
    except BaseException:
        resp.close()
        raise
    raw.release_conn()
    return body


_CAUSE_TEXT = {
    "dns": "the host name was not found",
    "refused": "the connection was refused (nothing listens on that port)",
    "unreachable": "the network cannot reach it",
    "tls": "the TLS handshake failed (the certificate is not trusted or the port does not speak TLS)",
    "proxy": "the proxy refused or could not open the tunnel",
    "reset": "closed the connection",
    "read_timeout": "did not answer in time",
    "deadline": "did not send its whole answer in time",
}


def _chain(exc: BaseException) -> list[BaseException]:
    """The exception and what it wraps, outermost first (requests → urllib3 → ssl/socket)."""
    seen: set[int] = set()
    node: BaseException | None = exc
    chain: list[BaseException] = []
    while node is not None and id(node) not in seen:
        seen.add(id(node))
        chain.append(node)
        node = getattr(node, "reason", None) if isinstance(getattr(node, "reason", None), BaseException) else (
            node.args[0] if node.args and isinstance(node.args[0], BaseException) else (node.__cause__ or node.__context__)
        )
    return chain


def _certificate_refused(exc: BaseException) -> bool:
    """A certificate that did not verify: unlike a handshake cut short, trying again cannot help."""
    return any(isinstance(err, ssl.SSLCertVerificationError) for err in _chain(exc))


def _cause_of(exc: BaseException) -> tuple[str, bool]:
    """The root cause of a transport failure and whether the request may have been sent."""
    chain = _chain(exc)
    for err in chain:
        if isinstance(err, _DeadlinePassed):
            return "deadline", True
        if isinstance(err, (requests.exceptions.ProxyError, u3.ProxyError)):
            return "proxy", False
        if isinstance(err, u3.NameResolutionError) or isinstance(err, socket.gaierror):
            return "dns", False
        if isinstance(err, ConnectionRefusedError):
            return "refused", False
        if isinstance(err, (requests.exceptions.SSLError, u3.SSLError)):
            return "tls", False
        if isinstance(err, u3.NewConnectionError):  # a subclass of ConnectTimeoutError: first
            text = str(err).lower()
            if "timed out" in text:
                return "connect_timeout", False
            return ("refused" if "refused" in text else "unreachable"), False
        if isinstance(err, (requests.exceptions.ConnectTimeout, u3.ConnectTimeoutError)):
            return "connect_timeout", False
    for err in chain:
        if isinstance(err, (requests.exceptions.ReadTimeout, u3.ReadTimeoutError, TimeoutError, socket.timeout)):
            return "read_timeout", True
    return "reset", True


__all__ = ["WooClient", "ClientPool", "backoff_delay", "canonical_site_url", "may_retry", "look_for", "proxies_for"]
