"""The sandbox's HTTP side: a WordPress-shaped server on loopback in front of the resources.

It answers the way the captured WordPress 6.8.8 + WooCommerce 10.0.2 store does, in the order
WordPress does things: faults a host would add, then WooCommerce's key check, then the key's
read/write flag, then route matching (``rest_no_route``), then the JSON body check
(``rest_invalid_json``), then the route's handler under the store lock. Headers follow the
captures: the ``api.w.org`` Link unless the handler sets its own, ``Allow`` once a route matched
for a signed-in key, no-cache headers for a signed-in key and ``Vary: Origin`` otherwise.

Nothing here logs or stores a secret: the Authorization header is not passed on to handlers and
the request log keeps query *names* only.
"""

from __future__ import annotations

import json
import random
import re
import socket
import ssl
import sys
import threading
import time
import traceback
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable
from urllib.parse import unquote, unquote_plus

from .auth import AuthRequest, Authenticator, check_permissions
from .faults import Canned, Faults, decorate_json, proxy_error, rate_limited, redirect, server_error
from .wire import ApiError, ApiKey, Handler, Request, Response

Resolver = Callable[[str, str], "tuple[Handler, dict[str, str]]"]
Dispatcher = Callable[[Any, Request], Response]

NAMESPACE = "/wc/v3"
ROUTABLE = ("GET", "POST", "PUT", "PATCH", "DELETE")
WRITES = ("POST", "PUT", "PATCH", "DELETE")
SITES = ("woocommerce", "wordpress", "html")

BASE_HEADERS = {
    "Content-Type": "application/json; charset=UTF-8",
    "X-Robots-Tag": "noindex",
    "X-Content-Type-Options": "nosniff",
    "Access-Control-Expose-Headers": "X-WP-Total, X-WP-TotalPages, Link",
    "Access-Control-Allow-Headers": "Authorization, X-WP-Nonce, Content-Disposition, Content-MD5, Content-Type",
}
SIGNED_IN_HEADERS = {
    "Expires": "Wed, 11 Jan 1984 05:00:00 GMT",
    "Cache-Control": "no-cache, must-revalidate, max-age=0, no-store, private",
}
NO_ROUTE = (404, "rest_no_route", "No route was found matching the URL and request method.")


# -- PHP's reading of a request ---------------------------------------------------------------

_PHP_INT = re.compile(r"0|-?[1-9][0-9]{0,17}")


def _php_key(segment: str) -> int | str:
    return int(segment) if _PHP_INT.fullmatch(segment) else segment


def _split_php_name(name: str) -> tuple[str, list[str]]:
    """``a[b][]`` -> ("a", ["b", ""]); an unclosed ``[`` makes a plain name, as PHP does."""
    open_at = name.find("[")
    if open_at == 0:
        return "", []  # no variable name: PHP drops the pair
    if open_at == -1 or name.find("]", open_at) == -1:
        return name.replace(" ", "_").replace(".", "_").replace("[", "_", 1), []
    base, segments, pos = name[:open_at], [], open_at
    while pos < len(name) and name[pos] == "[":
        close = name.find("]", pos)
        if close == -1:
            break
        segments.append(name[pos + 1 : close])
        pos = close + 1
    return base.replace(" ", "_").replace(".", "_"), segments


def _as_php_value(value: Any) -> Any:
    """PHP arrays become lists when their keys are 0..n-1 in order, else dicts with str keys."""
    if not isinstance(value, dict):
        return value
    if list(value) == list(range(len(value))):
        return [_as_php_value(v) for v in value.values()]
    return {str(k): _as_php_value(v) for k, v in value.items()}


def parse_php_query(query: str) -> dict[str, Any]:
    """A query string as PHP's $_GET sees it: ``a[0]=x``/``a[]=x`` arrays, last repeat wins.

    ``a=x,y`` stays the string "x,y" (WordPress splits it later, per parameter), and a repeated
    plain name keeps only its last value, so a client that sends lists the requests way loses data
    exactly as it would against the real store.
    """
    root: dict[str, Any] = {}
    for part in query.split("&"):
        if not part:
            continue
        raw_name, _, raw_value = part.partition("=")
        name = unquote_plus(raw_name).lstrip(" ")
        if not name:
            continue
        base, segments = _split_php_name(name)
        if not base:
            continue
        container: dict[Any, Any] = root
        key: Any = base
        for segment in segments:
            inner = container.get(key)
            if not isinstance(inner, dict):
                inner = {}
                container[key] = inner
            container = inner
            if segment == "":
                ints = [k for k in container if isinstance(k, int)]
                key = max(ints) + 1 if ints else 0
            else:
                key = _php_key(segment)
        container[key] = unquote_plus(raw_value)
    return {name: _as_php_value(value) for name, value in root.items()}


def query_names(query: str) -> tuple[str, ...]:
    """The parameter names as sent (``status[0]``), for the request log; never the values."""
    return tuple(unquote_plus(p.partition("=")[0]) for p in query.split("&") if p)


@dataclass
class ParsedBody:
    body: Any = None
    post: dict[str, Any] | None = None  # what PHP puts in $_POST (form bodies of POST requests)
    error: ApiError | None = None  # rest_invalid_json, reported only once a route matched


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def parse_body(method: str, content_type: str, raw: bytes) -> ParsedBody:
    """JSON and form bodies the way WordPress reads them; anything else is left unparsed."""
    media = content_type.split(";", 1)[0].strip().lower()
    if media == "application/x-www-form-urlencoded":
        form = parse_php_query(raw.decode("utf-8", "replace"))
        return ParsedBody(body=form or None, post=form if method == "POST" else {})
    if media != "application/json" or not raw:
        return ParsedBody(post={})
    code, message = 4, "Syntax error"
    try:
        text = raw.decode("utf-8")
        return ParsedBody(body=json.loads(text, parse_constant=_reject_constant), post={})
    except UnicodeDecodeError:
        code, message = 5, "Malformed UTF-8 characters, possibly incorrectly encoded"
    except ValueError as exc:
        if str(exc).startswith("Invalid control character"):
            code, message = 3, "Control character error, possibly incorrectly encoded"
    error = ApiError(400, "rest_invalid_json", "Invalid JSON body passed.",
                     {"json_error_code": code, "json_error_message": message})
    return ParsedBody(post={}, error=error)


def php_json(value: Any) -> bytes:
    """JSON as PHP's json_encode writes it: compact, \\u-escaped, slashes escaped."""
    return json.dumps(value, separators=(",", ":")).replace("/", "\\/").encode("ascii")


class HeaderView(dict):
    """Request headers for handlers: lower-case names, looked up case-insensitively."""

    def __getitem__(self, name: str) -> str:
        return super().__getitem__(name.lower())

    def get(self, name: str, default: Any = None) -> Any:  # type: ignore[override]
        return super().get(name.lower(), default)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and super().__contains__(name.lower())


# -- discovery documents (/wp-json/, /wp-json/wc/v3, the front page) --------------------------

_ITEM = r"(?P<id>[\d]+)"
_CRUD = [["GET"], ["POST", "PUT", "PATCH"], ["DELETE"]]
_BATCH = [["POST", "PUT", "PATCH"]]


def _index_routes() -> list[tuple[str, list[list[str]]]]:
    """A trimmed copy of capture 001's route table: the routes a connector uses, args left out."""
    routes: list[tuple[str, list[list[str]]]] = [(NAMESPACE, [["GET"]])]
    for name in ("products/brands", "coupons", "customers", "orders", "products/attributes", "products/categories",
                 "products/reviews", "products/shipping_classes", "products/tags", "products", "taxes", "webhooks"):
        base = f"{NAMESPACE}/{name}"
        routes += [(base, [["GET"], ["POST"]]), (f"{base}/{_ITEM}", _CRUD), (f"{base}/batch", _BATCH)]
    for parent, child in ((r"orders/(?P<order_id>[\d]+)", "notes"), (r"orders/(?P<order_id>[\d]+)", "refunds")):
        base = f"{NAMESPACE}/{parent}/{child}"
        routes += [(base, [["GET"], ["POST"]]), (f"{base}/{_ITEM}", [["GET"], ["DELETE"]])]
    variations = rf"{NAMESPACE}/products/(?P<product_id>[\d]+)/variations"
    routes += [(variations, [["GET"], ["POST"]]), (f"{variations}/{_ITEM}", _CRUD), (f"{variations}/batch", _BATCH)]
    for name in ("refunds", "reports", "reports/sales", "reports/top_sellers", "settings", "system_status",
                 "shipping_methods", "payment_gateways", "data", "data/countries", "data/currencies",
                 "data/currencies/current", "orders/statuses"):
        routes.append((f"{NAMESPACE}/{name}", [["GET"]]))
    routes += [(rf"{NAMESPACE}/settings/(?P<group_id>[\w-]+)", [["GET"]]),
               (f"{NAMESPACE}/shipping/zones", [["GET"], ["POST"]]),
               (f"{NAMESPACE}/shipping/zones/{_ITEM}", _CRUD),
               (rf"{NAMESPACE}/data/countries/(?P<location>[\w-]+)", [["GET"]])]
    return routes


def _route_entry(base_url: str, route: str, endpoints: list[list[str]]) -> dict[str, Any]:
    methods = [m for group in endpoints for m in group]
    args: dict[str, Any] = {}
    if route == NAMESPACE:
        args = {"namespace": {"default": "wc/v3", "required": False}, "context": {"default": "view", "required": False}}
    entry: dict[str, Any] = {
        "namespace": "wc/v3",
        "methods": methods,
        "endpoints": [{"methods": group, "args": dict(args)} for group in endpoints],
    }
    if "(?P<" not in route:
        entry["_links"] = {"self": [{"href": f"{base_url}/wp-json{route}"}]}
    return entry


def namespace_index(base_url: str) -> dict[str, Any]:
    """GET /wp-json/wc/v3 (capture 001), unauthenticated."""
    routes = {route: _route_entry(base_url, route, endpoints) for route, endpoints in _index_routes()}
    return {"namespace": "wc/v3", "routes": routes, "_links": {"up": [{"href": f"{base_url}/wp-json/"}]}}


def root_document(base_url: str, woocommerce: bool) -> dict[str, Any]:
    """GET /wp-json/ (capture 002), trimmed; without WooCommerce its namespaces are missing."""
    namespaces = ["oembed/1.0", "wp/v2", "wp-site-health/v1", "wp-block-editor/v1"]
    routes: dict[str, Any] = {
        "/": {"namespace": "", "methods": ["GET"],
              "endpoints": [{"methods": ["GET"], "args": {"context": {"default": "view", "required": False}}}],
              "_links": {"self": [{"href": f"{base_url}/wp-json/"}]}},
    }
    if woocommerce:
        namespaces[1:1] = ["wc/v3", "wc/v1", "wc/store", "wc/store/v1", "wc/v2"]
        routes.update(namespace_index(base_url)["routes"])
    return {
        "name": "WooCommerce Sandbox",
        "description": "A woo-connector sandbox store on loopback",
        "url": base_url,
        "home": base_url,
        "gmt_offset": 11,
        "timezone_string": "Australia/Sydney",
        "page_for_posts": 0,
        "page_on_front": 0,
        "show_on_front": "posts",
        "namespaces": namespaces,
        "authentication": {"application-passwords": {"endpoints": {
            "authorization": f"{base_url}/wp-admin/authorize-application.php"}}},
        "routes": routes,
        "site_logo": 0,
        "site_icon": 0,
        "site_icon_url": "",
        "_links": {"help": [{"href": "https://developer.wordpress.org/rest-api/"}]},
    }


def api_link(base_url: str) -> str:
    """The header WordPress adds to every answer so clients can discover the REST API."""
    return f'<{base_url}/wp-json/>; rel="https://api.w.org/"'


def front_page(base_url: str, wordpress: bool) -> bytes:
    """The site's home page: WordPress' markers when it is WordPress, a plain page when not."""
    head = "<title>WooCommerce Sandbox</title>"
    if wordpress:
        head += (f'\n<link rel="https://api.w.org/" href="{base_url}/wp-json/" />'
                 '\n<meta name="generator" content="WordPress 6.8.8" />'
                 '\n<meta name="generator" content="WooCommerce 10.0.2" />')
    return (f"<!DOCTYPE html>\n<html lang=\"en-AU\">\n<head>\n<meta charset=\"UTF-8\" />\n{head}\n</head>\n"
            "<body class=\"home\"><h1>WooCommerce Sandbox</h1><p>Just another shop.</p></body>\n</html>\n").encode()


def not_found_page() -> bytes:
    return (b"<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head>"
            b"<body><h1>Not Found</h1><p>The requested URL was not found on this server.</p></body></html>\n")


# -- the site ---------------------------------------------------------------------------------


@dataclass
class Incoming:
    """One HTTP request as the site sees it, before any PHP-style parsing."""

    method: str
    raw_path: str
    raw_query: str
    headers: dict[str, str]
    body: bytes
    https: bool
    base_url: str

    @property
    def request_uri(self) -> str:
        return self.raw_path + ("?" + self.raw_query if self.raw_query else "")


def anonymous_refusal(method: str, route: str, params: dict[str, str]) -> ApiError:
    """What wc_rest_check_*_permissions answers a visitor who is not signed in (capture 189, 003)."""
    if route.endswith("/batch"):
        code, message = "cannot_batch", "Sorry, you are not allowed to batch manipulate this resource."
    elif "id" not in params:
        code, message = (("cannot_view", "Sorry, you cannot list resources.") if method == "GET"
                         else ("cannot_create", "Sorry, you are not allowed to create resources."))
    elif method == "GET":
        code, message = "cannot_view", "Sorry, you cannot view this resource."
    elif method == "DELETE":
        code, message = "cannot_delete", "Sorry, you are not allowed to delete this resource."
    else:
        code, message = "cannot_edit", "Sorry, you are not allowed to edit this resource."
    return ApiError(401, f"woocommerce_rest_{code}", message)


class Site:
    """WordPress + WooCommerce minus PHP: turns an :class:`Incoming` into a :class:`Canned` answer.

    ``mode`` is "woocommerce" (the store), "wordpress" (WooCommerce deactivated: wc/v3 routes
    answer ``rest_no_route``) or "html" (not WordPress at all: /wp-json is a 404 page).
    """

    def __init__(self, store: Any, resolve: Resolver, home_url: str, faults: Faults, mode: str = "woocommerce",
                 clock: Callable[[], float] = time.time, dispatch: Dispatcher | None = None) -> None:
        self.store = store
        self.resolve = resolve
        self.dispatch = dispatch
        self.faults = faults
        self.mode = mode
        self.home_url = home_url
        self.authenticator = Authenticator(store.keys, home_url, clock)
        self._churn_rng = random.Random(getattr(store, "seed", 0))

    def answer(self, incoming: Incoming) -> Canned:
        if self.mode not in SITES:
            raise ValueError(f"site mode must be one of {SITES}")
        path = unquote(incoming.raw_path)
        query = parse_php_query(incoming.raw_query)
        if self.mode == "html":
            if path.startswith("/wp-json"):
                return Canned(404, {"Content-Type": "text/html; charset=UTF-8"}, not_found_page())
            return Canned(200, {"Content-Type": "text/html; charset=UTF-8"}, front_page(incoming.base_url, False))
        if path == "/wp-json" or path.startswith("/wp-json/"):
            route = path[len("/wp-json"):]
        elif path in ("/", "/index.php") and isinstance(query.get("rest_route"), str):
            route = query.pop("rest_route")
        else:
            headers = {"Content-Type": "text/html; charset=UTF-8", "Link": api_link(incoming.base_url)}
            return Canned(200, headers, front_page(incoming.base_url, True))
        return self._rest(incoming, route.rstrip("/") or "/", query)

    def _rest(self, incoming: Incoming, route: str, query: dict[str, Any]) -> Canned:
        http_method = "GET" if incoming.method == "HEAD" else incoming.method
        method = http_method
        override = incoming.headers.get("x-http-method-override") or query.get("_method")
        if http_method == "POST" and isinstance(override, str) and override:
            method = override.upper()
        parsed = parse_body(http_method, incoming.headers.get("content-type", ""), incoming.body)
        key: ApiKey | None = None
        if self.mode == "woocommerce":
            result = self.authenticator.authenticate(AuthRequest(
                method=http_method, https=incoming.https, request_uri=incoming.request_uri, get=query,
                post=parsed.post or {}, authorization=incoming.headers.get("authorization"),
            ))
            if result.error is not None:
                return self._error(incoming, result.error, None)
            key = result.key
            if key is not None:
                refused = check_permissions(key, method)
                if refused is not None:
                    return self._error(incoming, refused, key)
        if method == "GET" and route == "/":
            return self._json(incoming, 200, root_document(incoming.base_url, self.mode == "woocommerce"),
                              key, {"Allow": "GET"})
        if method == "GET" and route == NAMESPACE and self.mode == "woocommerce":
            return self._json(incoming, 200, namespace_index(incoming.base_url), key, {"Allow": "GET"})
        if self.mode != "woocommerce" or not route.startswith(NAMESPACE + "/"):
            return self._error(incoming, ApiError(*NO_ROUTE), key)
        sub_route = route[len(NAMESPACE):]
        try:
            handler, params = self.resolve(method, sub_route)
        except ApiError as error:
            return self._error(incoming, error, key)
        allow = self._allow(sub_route) if key is not None else None
        if parsed.error is not None:
            return self._error(incoming, parsed.error, key, allow)
        request = Request(
            method=method, route=sub_route, query=query, body=parsed.body,
            headers=HeaderView({k.lower(): v for k, v in incoming.headers.items() if k.lower() != "authorization"}),
            base_url=incoming.base_url, key=key, raw_query=incoming.raw_query, params=dict(params),
        )
        if key is None:  # WooCommerce's permission callbacks refuse anyone not signed in
            return self._error(incoming, anonymous_refusal(method, sub_route, params), None)
        try:
            response = self._run(handler, request)
        except ApiError as error:
            return self._error(incoming, error, key, allow)
        except Exception:  # a bug in a handler: answer as WordPress' fatal-error handler does
            traceback.print_exc(file=sys.stderr)
            return server_error(500)
        if method == "GET" and response.status == 200 and isinstance(response.body, list):
            self._churn()
        # the resources' dispatcher decides Allow itself (an invalid id drops it, captures 084, 150)
        defaults = {"Allow": allow} if allow and self.dispatch is None else {}
        return self._json(incoming, response.status, response.body, key, defaults, response.headers)

    def _run(self, handler: Handler, request: Request) -> Response:
        """The resources' own dispatcher when there is one (it applies _fields), else the handler."""
        if self.dispatch is not None:
            return self.dispatch(self.store, request)
        with self.store.lock:
            response = handler(self.store, request)
            if request.method in WRITES:
                self.store.save()
        return response

    def _allow(self, sub_route: str) -> str | None:
        """The methods the matched route serves, as WordPress lists them for a signed-in user."""
        allowed = []
        for candidate in ROUTABLE:
            try:
                self.resolve(candidate, sub_route)
            except ApiError:
                continue
            allowed.append(candidate)
        return ", ".join(allowed) or None

    def _churn(self) -> None:
        for _ in range(max(0, int(self.faults.churn))):
            self.store.churn(self._churn_rng)

    def _json(self, incoming: Incoming, status: int, body: Any, key: ApiKey | None,
              defaults: dict[str, str], own: dict[str, str] | None = None) -> Canned:
        headers = dict(BASE_HEADERS)
        headers["Link"] = api_link(incoming.base_url)
        headers.update({k: v for k, v in defaults.items() if v})
        headers.update(own or {})
        headers.update(SIGNED_IN_HEADERS if key is not None else {"Vary": "Origin"})
        return Canned(status, headers, decorate_json(php_json(body), self.faults))

    def _error(self, incoming: Incoming, error: ApiError, key: ApiKey | None, allow: str | None = None) -> Canned:
        return self._json(incoming, error.status, error.body(), key, {"Allow": allow} if allow else {})


# -- the socket side --------------------------------------------------------------------------


class _RequestHandler(BaseHTTPRequestHandler):
    """HTTP/1.1 with keep-alive, so a pooled client really reuses its connection."""

    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes; with Nagle on, the body waits for the
    # client's delayed ACK (40 ms on Linux) and every keep-alive request pays it.
    disable_nagle_algorithm = True
    timeout = 30  # an idle keep-alive connection is closed after this many seconds
    server: "_HTTPServer"

    def setup(self) -> None:
        super().setup()
        if isinstance(self.connection, ssl.SSLSocket):
            self.connection.do_handshake()

    def version_string(self) -> str:
        return "nginx/1.22.1"  # the captured store's front server

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
        """Silent: an access log would print consumer keys and OAuth signatures from URLs."""

    def do_GET(self) -> None:
        self._serve()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = do_GET

    def _read_body(self) -> bytes:
        """Content-Length or chunked (what requests sends for a generator body), as nginx accepts both."""
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass  # trailers
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _serve(self) -> None:
        sandbox = self.server.sandbox
        faults = sandbox.faults
        raw_path, _, raw_query = self.path.partition("?")
        raw_query = raw_query.partition("#")[0]
        body = self._read_body()
        names = query_names(raw_query)
        if faults.take("drop_connections"):
            sandbox._log(self.command, raw_path, names, 0)
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        if faults.latency > 0:
            time.sleep(faults.latency)
        host = self.headers.get("Host") or sandbox.url.partition("://")[2]
        base_url = f"{sandbox.scheme}://{host}"
        if faults.redirect:
            canned = redirect(faults.redirect, base_url + self.path)
        elif faults.rate_limited():
            canned = rate_limited(faults.retry_after)
        elif faults.take("server_errors"):
            canned = server_error(faults.server_error_status)
        elif faults.take("html_error"):
            canned = proxy_error(faults.html_error_status)
        else:
            headers = {k: v for k, v in self.headers.items()}
            if faults.strip_authorization:
                headers = {k: v for k, v in headers.items() if k.lower() != "authorization"}
            incoming = Incoming(self.command, raw_path, raw_query, {k.lower(): v for k, v in headers.items()},
                                body, sandbox.https, base_url)
            canned = sandbox.site.answer(incoming)
        sandbox._log(self.command, raw_path, names, canned.status)
        self._send(canned)

    def _send(self, canned: Canned) -> None:
        self.send_response(canned.status)
        for name, value in canned.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(canned.body)))
        if not self.close_connection:
            self.send_header("Connection", "keep-alive")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(canned.body)


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], sandbox: "Sandbox", tls: ssl.SSLContext | None) -> None:
        super().__init__(address, _RequestHandler)
        self.sandbox = sandbox
        self.open_connections: set[socket.socket] = set()
        self._conn_lock = threading.Lock()
        if tls is not None:
            self.socket = tls.wrap_socket(self.socket, server_side=True, do_handshake_on_connect=False)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._conn_lock:
            self.open_connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._conn_lock:
            self.open_connections.discard(request)
        super().shutdown_request(request)

    def close_all(self) -> None:
        """Hang up on idle keep-alive clients so they see a closed pool, not a hung one."""
        with self._conn_lock:
            connections, self.open_connections = list(self.open_connections), set()
        for conn in connections:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients that hang up or refuse our certificate are expected; anything else is printed."""
        error = sys.exc_info()[1]
        if isinstance(error, (ConnectionError, ssl.SSLError, TimeoutError, socket.timeout)):
            return
        super().handle_error(request, client_address)



# -- the public object ------------------------------------------------------------------------


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
        self._tls: Any = None
        self._server: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.site: Site | None = None

    # -- lifecycle --------------------------------------------------------------------------

    def start(self) -> "Sandbox":
        if self._server is not None:
            return self
        if self._store is None:
            from .store import Store

            self._store = Store.open(self.db, self.seed, self.orders) if self.db else Store.create(self.seed, self.orders)
        resolve, dispatch = self._resolve, None
        if resolve is None:
            from .routes import dispatch, resolve
        context = None
        if self.https:
            from .tls import LoopbackTLS

            self._tls = LoopbackTLS()
            context = self._tls.server_context()
        self._server = _HTTPServer((self.host, self.port), self, context)
        self.port = self._server.server_address[1]
        self.site = Site(self._store, resolve, self.url, self.faults, self._site_mode, self._clock, dispatch)
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.1},
                                        name=f"woo-sandbox-{self.port}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
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

    def _log(self, method: str, path: str, names: tuple[str, ...], status: int) -> None:
        self.requests_log.append((method, path, names, status))

    def __repr__(self) -> str:
        state = "running" if self._server is not None else "stopped"
        return f"Sandbox({self.url if self._server else self.scheme + '://' + self.host}, {state})"
