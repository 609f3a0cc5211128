"""The route table of the sandbox's /wp-json/wc/v3 namespace, and the sandbox's one request pipeline.

:func:`resolve` finds a route's handler; :func:`dispatch` is the only place that runs one, for
the HTTP site (:mod:`.site`, after authentication) and for tests calling the store directly
alike: it matches the route, sets ``Allow`` from the route's methods (minus those WordPress
would drop after a failed permission check), turns a raised :class:`ApiError` into the
captured error body, saves the store after writes, queues the webhooks a write fires, adds the
``api.w.org`` discovery ``Link`` when a response has none and applies ``_fields``.
"""

from __future__ import annotations

import json
import re
from typing import Any, Callable
from urllib.parse import parse_qsl

from woo_connector.sandbox.collection import project
from woo_connector.sandbox.resources import (
    coupons, customers, data, notes, orders, payment_gateways, products, refunds, reports, settings,
    shipping, system_status, taxes, taxonomies, variations, webhooks,
)
from woo_connector.sandbox.wire import ApiError, Handler, Request, Response

_MODULES = (orders, refunds, notes, products, variations, taxonomies, customers, coupons, webhooks, taxes,
            settings, system_status, reports, payment_gateways, shipping, data)


def namespace_index(store: Any, request: Request) -> Response:
    """The wc/v3 index from the route table itself, so it stays true as routes are added."""
    api = f"{request.base_url}/wp-json"
    table = {}
    for pattern, methods in TABLE:
        route = "/wc/v3" + pattern.pattern
        table[route] = {"namespace": "wc/v3", "methods": list(methods),
                        "endpoints": [{"methods": [m], "args": {}} for m in methods]}
    return Response(200, {"namespace": "wc/v3", "routes": table, "_links": {"up": [{"href": f"{api}/"}]}})


TABLE: list[tuple[re.Pattern[str], dict[str, Handler]]] = [
    (re.compile(pattern), methods) for module in _MODULES for pattern, methods in module.ROUTES
] + [(re.compile(""), {"GET": namespace_index})]

WRITES = {"POST", "PUT", "PATCH", "DELETE"}

Resolver = Callable[[str, str], "tuple[Handler, dict[str, str]]"]
"""Finds the handler of a method on a route, or raises ``rest_no_route``."""
Refusal = Callable[[str, str, dict[str, str]], "ApiError | None"]
"""A permission check run once the route matched: the error to answer with, or None."""


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


ROUTABLE = ("GET", "POST", "PUT", "PATCH", "DELETE")

RESOURCES = {"orders": "order", "products": "product", "customers": "customer", "coupons": "coupon"}
"""Route prefix -> webhook resource; a variation's events are its product's."""
_RENDER: dict[str, Callable[[Request, dict[str, Any]], dict[str, Any]]] = {
    "order": orders.out, "product": products.out, "customer": customers.out, "coupon": coupons.out}


def queue_webhooks(store: Any, request: Request, response: Response) -> None:
    """Queue the webhook actions a successful write fires (delivered when the queue runs)."""
    parts = request.route.strip("/").split("/")
    resource = RESOURCES.get(parts[0])
    if resource is None or getattr(store, "hookshot", None) is None or not any(hook.get("status") == "active" for hook in store.all("webhook")):
        return
    hooks = list(store.all("webhook"))
    body = response.body
    if parts[-1] == "batch" and isinstance(body, dict):
        for part, event in (("create", "created"), ("update", "updated"), ("delete", "deleted")):
            for item in body.get(part) or []:
                if isinstance(item, dict) and item.get("id") and "error" not in item:
                    store.hookshot.enqueue(hooks, resource, event, int(item["id"]))
        return
    if len(parts) == 1:
        if isinstance(body, dict) and isinstance(body.get("id"), int):
            store.hookshot.enqueue(hooks, resource, "created", body["id"])
        return
    if not parts[1].isdigit():
        return
    # a refund or a variation is an update of its order or product (hooks: woocommerce_order_refunded)
    event = "deleted" if request.method.upper() == "DELETE" and len(parts) == 2 else "updated"
    store.hookshot.enqueue(hooks, resource, event, int(parts[1]))


def render_record(store: Any, resource: str, record_id: int) -> dict[str, Any] | None:
    """A record's current JSON as the REST API shows it, for a webhook payload."""
    doc = store.get(resource, record_id)
    if doc is None:
        return None
    request = Request("GET", f"/{resource}s/{record_id}", {}, None, {}, store.hookshot.home_url.rstrip("/"))
    return _RENDER[resource](request, doc)


def allowed(route: str, resolver: Resolver = resolve) -> str | None:
    """The methods ``route`` serves, as WordPress lists them in ``Allow`` for a signed-in key."""
    methods = []
    for candidate in ROUTABLE:
        try:
            resolver(candidate, route)
        except ApiError:
            continue
        methods.append(candidate)
    return ", ".join(methods) or None


def dispatch(store: Any, request: Request, resolver: Resolver = resolve,
             refuse: Refusal | None = None, body_error: ApiError | None = None) -> Response:
    """Run one request against ``store``: the sandbox's only request pipeline after authentication.

    In WordPress' order: match the route (``rest_no_route``), report a body that did not parse,
    ask ``refuse`` (the permission callback for a visitor), then run the handler under the store
    lock and save after a write, even a failed one. It sets ``Allow`` (unless the error says
    otherwise: an invalid id drops it, captures 084 and 150), the discovery ``Link`` and applies
    ``_fields``; the transport only adds its own headers.
    """
    allow: str | None = None
    method = request.method.upper()
    try:
        handler, params = resolver(method, request.route)
        allow = allowed(request.route, resolver)
        request.params = dict(params)
        if body_error is not None:
            raise body_error
        if refuse is not None:
            refusal = refuse(method, request.route, request.params)
            if refusal is not None:
                allow = None
                raise refusal
        _decode_body(request)
        with store.lock:
            try:
                response = handler(store, request)
                if method in WRITES and response.status < 400:
                    queue_webhooks(store, request, response)
            finally:
                if method in WRITES:
                    store.save()
        hookshot = getattr(store, "hookshot", None)
        if hookshot is not None:
            hookshot.send_pings()  # outside the lock, before the answer (306 arrived before 305's 201)
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
