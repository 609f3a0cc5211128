"""The route table of the sandbox's /wp-json/wc/v3 namespace, and the one call that runs a route.

:func:`resolve` is the seam the transport was promised. :func:`dispatch` does the rest of what
WordPress does around a handler and is what the transport should call: it turns a raised
:class:`ApiError` into the captured error body, sets ``Allow`` from the route's methods (minus
those WordPress would drop after a failed permission check), adds the ``api.w.org`` discovery
``Link`` when a response has none, applies ``_fields``, and saves the store after writes.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qsl

from woo_connector.sandbox.collection import project
from woo_connector.sandbox.resources import (
    coupons, customers, data, notes, orders, payment_gateways, products, refunds, reference, reports, settings,
    shipping, system_status, taxes, taxonomies, variations, webhooks,
)
from woo_connector.sandbox.wire import ApiError, Handler, Request, Response

_MODULES = (orders, refunds, notes, products, variations, taxonomies, customers, coupons, webhooks, taxes, reference,
            settings, system_status, reports, payment_gateways, shipping, data)

TABLE: list[tuple[re.Pattern[str], dict[str, Handler]]] = [
    (re.compile(pattern), methods) for module in _MODULES for pattern, methods in module.ROUTES
]

WRITES = {"POST", "PUT", "PATCH", "DELETE"}


def no_route() -> ApiError:
    return ApiError(404, "rest_no_route", "No route was found matching the URL and request method.")


def match(route: str) -> tuple[dict[str, Handler], dict[str, str]] | None:
    path = route.rstrip("/") if route not in ("", "/") else ""
    for pattern, methods in TABLE:
        found = pattern.fullmatch(path)
        if found:
            return methods, found.groupdict()
    return None


def resolve(method: str, route: str) -> tuple[Handler, dict[str, str]]:
    """The handler for ``method`` on ``route`` (the path after /wp-json/wc/v3) and its path params."""
    found = match(route)
    if found is None:
        raise no_route()
    methods, params = found
    handler = methods.get(method.upper())
    if handler is None:
        raise no_route()
    return handler, params


def _decode_body(request: Request) -> None:
    """Accept a raw JSON or form body the way WordPress does; malformed JSON is a 400 (124, 252)."""
    body = request.body
    if not isinstance(body, (str, bytes)):
        return
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    content_type = next((v for k, v in request.headers.items() if k.lower() == "content-type"), "")
    if "application/x-www-form-urlencoded" in content_type:
        request.body = dict(parse_qsl(text, keep_blank_values=True))
        return
    if not text.strip():
        request.body = None
        return
    try:
        request.body = json.loads(text)
    except ValueError:
        raise ApiError(400, "rest_invalid_json", "Invalid JSON body passed.",
                       {"json_error_code": 4, "json_error_message": "Syntax error"}) from None


def dispatch(store: Any, request: Request) -> Response:
    """Run one request against ``store`` and return the response WordPress would send."""
    found = match(request.route)
    allow: str | None = None
    try:
        if found is None or request.method.upper() not in found[0]:
            raise no_route()
        methods, params = found
        allow = ", ".join(methods)
        request.params = params
        _decode_body(request)
        with store.lock:
            try:
                response = methods[request.method.upper()](store, request)
            finally:
                if request.method.upper() in WRITES:
                    store.save()
    except ApiError as err:
        allow = getattr(err, "allow", allow)
        response = Response(err.status, err.body(), {})
    headers = dict(response.headers)
    if allow is not None and "Allow" not in headers:
        headers["Allow"] = allow
    headers.setdefault("Link", f'<{request.base_url}/wp-json/>; rel="https://api.w.org/"')
    headers.setdefault("Content-Type", "application/json; charset=UTF-8")
    body = response.body
    fields = request.query.get("_fields")
    if fields and isinstance(fields, str) and response.status < 400:
        body = project(body, fields)
    return Response(response.status, body, headers)
