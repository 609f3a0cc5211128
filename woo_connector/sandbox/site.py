"""WordPress + WooCommerce minus PHP: one parsed HTTP request in, one canned answer out.

It answers the way the captured WordPress 6.8.8 + WooCommerce 10.0.2 store does, in the order
WordPress does things: WooCommerce's key check, then the key's read/write flag, then route
matching, the JSON body check and the route's handler, all in :func:`.routes.dispatch` (the one
pipeline). Headers follow the captures: the ``api.w.org`` Link unless the
handler sets its own, ``Allow`` once a route matched for a signed-in key, no-cache headers for a
signed-in key and ``Vary: Origin`` otherwise. No sockets here: the listener feeds it.
"""

from __future__ import annotations

import random
import sys
import time
import traceback
from dataclasses import dataclass
from typing import Any, Callable
from urllib.parse import unquote

from .auth import AuthRequest, Authenticator, check_permissions
from .discovery import NAMESPACE, api_link, front_page, namespace_index, not_found_page, root_document
from .faults import Canned, Faults, decorate_json, server_error
from .php import HeaderView, parse_body, parse_php_query, php_json
from .routes import ROUTABLE, Resolver, dispatch
from .wire import ApiError, ApiKey, Request

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
                 clock: Callable[[], float] = time.time) -> None:
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
        # WordPress honours ?_method= and X-HTTP-Method-Override on any verb (285, 286), and the
        # key's permission is checked against the overridden method (287)
        override = incoming.headers.get("x-http-method-override") or query.get("_method")
        method = override.upper() if isinstance(override, str) and override.upper() in ROUTABLE else http_method
        envelope = "_envelope" in query
        parsed = parse_body(method, incoming.headers.get("content-type", ""), incoming.body)
        key: ApiKey | None = None
        if self.mode == "woocommerce":
            result = self.authenticator.authenticate(AuthRequest(
                method=http_method, https=incoming.https, request_uri=incoming.request_uri, get=query,
                post=parsed.post or {}, authorization=incoming.headers.get("authorization"),
            ))
            if result.error is not None:
                return self._error(incoming, result.error, None, envelope)
            key = result.key
            if key is not None:
                refused = check_permissions(key, method)
                if refused is not None:
                    return self._error(incoming, refused, key, envelope)
        if method == "GET" and route == "/":
            return self._json(incoming, 200, root_document(incoming.base_url, self.mode == "woocommerce"),
                              key, {"Allow": "GET"}, envelope)
        if method == "GET" and route == NAMESPACE and self.mode == "woocommerce":
            return self._json(incoming, 200, namespace_index(incoming.base_url), key, {"Allow": "GET"}, envelope)
        if self.mode != "woocommerce" or not route.startswith(NAMESPACE + "/"):
            return self._error(incoming, ApiError(*NO_ROUTE), key, envelope)
        request = Request(
            method=method, route=route[len(NAMESPACE):], query=query, body=parsed.body,
            headers=HeaderView({k.lower(): v for k, v in incoming.headers.items() if k.lower() != "authorization"}),
            base_url=incoming.base_url, key=key, raw_query=incoming.raw_query,
            encoded_ok=not envelope and "_fields" not in query,
        )
        refuse = None if key is not None else anonymous_refusal  # permission callbacks refuse visitors
        try:
            response = self.dispatch(self.store, request, self.resolve, refuse, parsed.error)
        except Exception:  # a bug in a handler: answer as WordPress' fatal-error handler does
            traceback.print_exc(file=sys.stderr)
            return server_error(500)
        if method == "GET" and response.status == 200 and isinstance(response.body, list):
            self._churn()
        own = dict(response.headers)
        if key is None:
            own.pop("Allow", None)  # WordPress lists methods for a signed-in key only
        return self._json(incoming, response.status, response.body, key, own, envelope)

    def _churn(self) -> None:
        for _ in range(max(0, int(self.faults.churn))):
            self.store.churn(self._churn_rng)

    def _json(self, incoming: Incoming, status: int, body: Any, key: ApiKey | None,
              own: dict[str, str], envelope: bool = False) -> Canned:
        headers = dict(BASE_HEADERS)
        headers["Link"] = api_link(incoming.base_url)
        if envelope:
            # ?_envelope: always 200, the answer's status and own headers move into the body (288,
            # 289); totals become numbers there and the real headers carry none of them
            inner = {k: (int(v) if k in ("X-WP-Total", "X-WP-TotalPages") else v) for k, v in own.items()
                     if v and (k not in ("Content-Type", "Link") or (k == "Link" and "api.w.org" not in v))}
            status, body = 200, {"body": body, "status": status, "headers": inner}
        else:
            headers.update({k: v for k, v in own.items() if v})
        headers.update(SIGNED_IN_HEADERS if key is not None else {"Vary": "Origin"})
        return Canned(status, headers, decorate_json(php_json(body), self.faults))

    def _error(self, incoming: Incoming, error: ApiError, key: ApiKey | None, envelope: bool = False) -> Canned:
        return self._json(incoming, error.status, error.body(), key, {}, envelope)
