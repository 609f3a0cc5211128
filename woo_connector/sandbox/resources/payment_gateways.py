"""/payment_gateways: the captured store's three offline gateways (bank transfer, cheque, COD).

The documents come from capture 183; ``enabled``, ``title``, ``description``, ``order`` and
setting values written through the API are kept in ``store.settings["payment_gateways"]``.
"""

from __future__ import annotations

from typing import Any

from woo_connector.sandbox.collection import links, rebase
from woo_connector.sandbox.documents import load
from woo_connector.sandbox.wire import ApiError, Request, Response

ITEM_ALLOW = ["GET", "POST", "PUT", "PATCH"]
WRITABLE = ("enabled", "title", "description", "order")


def _gateways(store: Any) -> list[dict[str, Any]]:
    changes = store.settings.get("payment_gateways", {})
    out = []
    for gateway in load("payment_gateways"):
        change = changes.get(gateway["id"], {})
        gateway.update({k: v for k, v in change.items() if k in WRITABLE})
        for name, value in change.get("settings", {}).items():
            if name in gateway["settings"]:
                gateway["settings"][name]["value"] = value
        out.append(gateway)
    return out


def _out(request: Request, gateway: dict[str, Any]) -> dict[str, Any]:
    block = links(request, f"/payment_gateways/{gateway['id']}", "/payment_gateways", allow=ITEM_ALLOW)
    return {**rebase(gateway, request.base_url), "_links": block}


def _find(store: Any, gateway_id: str) -> dict[str, Any]:
    for gateway in _gateways(store):
        if gateway["id"] == gateway_id:
            return gateway
    raise ApiError(404, "woocommerce_rest_payment_gateway_invalid", "Resource does not exist.")


def list_gateways(store: Any, request: Request) -> Response:
    body = [_out(request, g) for g in _gateways(store)]
    return Response(200, body, {"X-WP-Total": str(len(body)), "X-WP-TotalPages": "1"})


def get_gateway(store: Any, request: Request) -> Response:
    return Response(200, _out(request, _find(store, request.params["id"])))


def update_gateway(store: Any, request: Request) -> Response:
    gateway = _find(store, request.params["id"])
    body = request.fields
    change = store.settings.setdefault("payment_gateways", {}).setdefault(gateway["id"], {})
    for name in WRITABLE:
        if name in body:
            change[name] = bool(body[name]) if name == "enabled" else body[name]
    if isinstance(body.get("settings"), dict):
        known = {k: v for k, v in body["settings"].items() if k in gateway["settings"]}
        change.setdefault("settings", {}).update(known)
    return Response(200, _out(request, _find(store, gateway["id"])))


ROUTES = [
    (r"/payment_gateways", {"GET": list_gateways}),
    (r"/payment_gateways/(?P<id>[\w-]+)",
     {"GET": get_gateway, "POST": update_gateway, "PUT": update_gateway, "PATCH": update_gateway}),
]
