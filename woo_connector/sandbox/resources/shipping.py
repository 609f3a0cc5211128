"""/shipping/zones, their methods, and /shipping_methods: the captured store's shipping setup.

Zones and zone methods start as the captured ones (documents/shipping.json: "Locations not
covered", Australia with flat rate / free shipping / local pickup, International) and are kept in
``store.settings["shipping"]`` so zones and methods added through the API persist. The captures
show the methods of zone 1 only; the other seeded zones start with none.
"""

from __future__ import annotations

from typing import Any

from woo_connector.sandbox.collection import links, rebase
from woo_connector.sandbox.documents import load, peek
from woo_connector.sandbox.wire import ApiError, Request, Response


def state(store: Any) -> dict[str, Any]:
    """The store's zones and zone methods, seeded from the captures on first use."""
    shipping = store.settings.get("shipping")
    if not isinstance(shipping, dict):
        doc = load("shipping")
        shipping = store.settings["shipping"] = {"zones": doc["zones"], "zone_methods": doc["zone_methods"]}
    return shipping


def _invalid_zone() -> ApiError:
    return ApiError(404, "woocommerce_rest_shipping_zone_invalid", "Resource does not exist.")


def _zone(store: Any, zone_id: Any) -> dict[str, Any]:
    for zone in state(store)["zones"]:
        if str(zone["id"]) == str(zone_id):
            return zone
    raise _invalid_zone()


def _zone_out(request: Request, zone: dict[str, Any]) -> dict[str, Any]:
    block = links(request, f"/shipping/zones/{zone['id']}", "/shipping/zones",
                  describedby=f"/shipping/zones/{zone['id']}/locations")
    return {**zone, "_links": block}


def list_zones(store: Any, request: Request) -> Response:
    zones = sorted(state(store)["zones"], key=lambda z: (z["order"], z["id"]))
    body = [_zone_out(request, zone) for zone in zones]
    return Response(200, body, {"X-WP-Total": str(len(body)), "X-WP-TotalPages": "1"})


def create_zone(store: Any, request: Request) -> Response:
    body = request.fields
    if not str(body.get("name") or "").strip():
        raise ApiError(400, "rest_missing_callback_param", "Missing parameter(s): name", {"params": ["name"]})
    zones = state(store)["zones"]
    zone = {"id": max(z["id"] for z in zones) + 1, "name": str(body["name"]), "order": int(body.get("order") or 0)}
    zones.append(zone)
    return Response(201, _zone_out(request, zone),
                    {"Location": f"{request.base_url}/wp-json/wc/v3/shipping/zones/{zone['id']}"})


def get_zone(store: Any, request: Request) -> Response:
    return Response(200, _zone_out(request, _zone(store, request.params["id"])))


def _method_out(request: Request, zone_id: Any, method: dict[str, Any]) -> dict[str, Any]:
    base = f"/shipping/zones/{zone_id}"
    block = links(request, f"{base}/methods/{method['instance_id']}", f"{base}/methods", describes=base)
    return {**rebase(method, request.base_url), "_links": block}


def list_zone_methods(store: Any, request: Request) -> Response:
    zone = _zone(store, request.params["zone_id"])
    methods = state(store)["zone_methods"].get(str(zone["id"]), [])
    body = [_method_out(request, zone["id"], m) for m in sorted(methods, key=lambda m: (m["order"], m["instance_id"]))]
    return Response(200, body, {"X-WP-Total": str(len(body)), "X-WP-TotalPages": "1"})


def add_zone_method(store: Any, request: Request) -> Response:
    """Add a method instance by ``method_id``, titled as the method is; settings start empty."""
    zone = _zone(store, request.params["zone_id"])
    body = request.fields
    kinds = {m["id"]: m for m in peek("shipping")["methods"]}
    if body.get("method_id") not in kinds:
        raise ApiError(400, "woocommerce_rest_shipping_zone_method_invalid", "Resource does not exist.")
    shipping = state(store)
    everything = [m for ms in shipping["zone_methods"].values() for m in ms]
    instance = max((m["instance_id"] for m in everything), default=0) + 1
    kind = kinds[body["method_id"]]
    method = {"id": instance, "instance_id": instance, "title": kind["title"], "order": int(body.get("order") or 0),
              "enabled": body.get("enabled", True) is not False, "method_id": kind["id"], "method_title": kind["title"],
              "method_description": f"<p>{kind['description']}</p>\n", "settings": {}}
    shipping["zone_methods"].setdefault(str(zone["id"]), []).append(method)
    return Response(200, _method_out(request, zone["id"], method))


def _method_kind_out(request: Request, kind: dict[str, Any]) -> dict[str, Any]:
    return {**kind, "_links": links(request, f"/shipping_methods/{kind['id']}", "/shipping_methods", allow=["GET"])}


def list_shipping_methods(store: Any, request: Request) -> Response:
    body = [_method_kind_out(request, kind) for kind in load("shipping")["methods"]]
    return Response(200, body, {"X-WP-Total": str(len(body)), "X-WP-TotalPages": "1"})


def get_shipping_method(store: Any, request: Request) -> Response:
    for kind in load("shipping")["methods"]:
        if kind["id"] == request.params["id"]:
            return Response(200, _method_kind_out(request, kind))
    raise ApiError(404, "woocommerce_rest_shipping_method_invalid", "Resource does not exist.")


ROUTES = [
    (r"/shipping/zones", {"GET": list_zones, "POST": create_zone}),
    (r"/shipping/zones/(?P<id>[\d]+)", {"GET": get_zone}),
    (r"/shipping/zones/(?P<zone_id>[\d]+)/methods", {"GET": list_zone_methods, "POST": add_zone_method}),
    (r"/shipping_methods", {"GET": list_shipping_methods}),
    (r"/shipping_methods/(?P<id>[\w-]+)", {"GET": get_shipping_method}),
]
