"""/webhooks: a requested status is ignored on create (always active, 168) but honoured on
update (169); topics and delivery URLs are checked with the store's own messages (170, 171)."""

from __future__ import annotations

import re
from typing import Any

from woo_connector.sandbox.collection import links, list_response, render, require_force
from woo_connector.sandbox.state import stamp
from woo_connector.sandbox.wire import ApiError, Request, Response

HOOKS = {
    "order.created": ["woocommerce_new_order"],
    "order.updated": ["woocommerce_update_order", "woocommerce_order_refunded"],
    "order.deleted": ["wp_trash_post"],
    "order.restored": ["untrashed_post"],
    "product.created": ["woocommerce_process_product_meta", "woocommerce_new_product", "woocommerce_new_product_variation"],
    "product.updated": ["woocommerce_process_product_meta", "woocommerce_update_product", "woocommerce_update_product_variation"],
    "product.deleted": ["wp_trash_post"],
    "product.restored": ["untrashed_post"],
    "customer.created": ["user_register", "woocommerce_created_customer", "woocommerce_new_customer"],
    "customer.updated": ["profile_update", "woocommerce_update_customer"],
    "customer.deleted": ["delete_user"],
    "coupon.created": ["woocommerce_process_shop_coupon_meta", "woocommerce_new_coupon"],
    "coupon.updated": ["woocommerce_process_shop_coupon_meta", "woocommerce_update_coupon"],
    "coupon.deleted": ["wp_trash_post"],
    "coupon.restored": ["untrashed_post"],
    "action.woocommerce_add_to_cart": ["woocommerce_add_to_cart"],
}
STATUSES = ["active", "paused", "disabled"]


def find(store: Any, wid: Any) -> dict[str, Any]:
    doc = store.get("webhook", wid)
    if doc is None:
        raise ApiError(404, "woocommerce_rest_webhook_invalid_id", "Invalid ID.")
    return doc


def out(request: Request, doc: dict[str, Any]) -> dict[str, Any]:
    return render(doc, request, links(request, f"/webhooks/{doc['id']}", "/webhooks"))


def new_webhook(store: Any, wid: int, name: str, topic: str, url: str, created: Any, status: str = "active") -> dict[str, Any]:
    resource, event = topic.split(".", 1)
    doc = {"id": wid, "name": name, "status": status, "topic": topic, "resource": resource, "event": event,
           "hooks": HOOKS.get(topic, []), "delivery_url": url, "date_created": None, "date_created_gmt": None,
           "date_modified": None, "date_modified_gmt": None, "_secret": ""}
    stamp(doc, "date_created", created)
    stamp(doc, "date_modified", None)
    return doc


def _check(body: dict[str, Any], creating: bool) -> None:
    if creating or "topic" in body:
        if body.get("topic") not in HOOKS:
            raise ApiError(400, "woocommerce_rest_shop_webhook_invalid_topic", "Webhook topic is required and must be valid.")
    if creating or "delivery_url" in body:
        if not re.match(r"^https?://", str(body.get("delivery_url") or "")):
            raise ApiError(400, "woocommerce_rest_shop_webhook_invalid_delivery_url",
                           "Webhook delivery URL must be a valid URL starting with http:// or https://.")


def list_webhooks(store: Any, request: Request) -> Response:
    docs = list(store.all("webhook"))
    status = request.query.get("status") or "all"
    if status != "all":
        docs = [w for w in docs if w["status"] == status]
    return list_response(store, request, docs, lambda w: out(request, w), dates=True,
                         search=lambda w: [w["name"], w["delivery_url"]])


def create_webhook(store: Any, request: Request) -> Response:
    body = request.fields
    _check(body, creating=True)
    doc = new_webhook(store, store.next_id("webhook"), str(body.get("name") or ""), body["topic"],
                      str(body["delivery_url"]), store.now())
    doc["_secret"] = str(body.get("secret") or "")
    store.put("webhook", doc)
    store.hookshot.ping(doc)  # sent before the answer goes out (306), once the store lock is free
    return Response(201, out(request, doc),
                    {"Location": f"{request.base_url}/wp-json/wc/v3/webhooks/{doc['id']}"})


def get_webhook(store: Any, request: Request) -> Response:
    return Response(200, out(request, find(store, request.params["id"])))


def update_webhook(store: Any, request: Request) -> Response:
    doc = find(store, request.params["id"])
    body = request.fields
    _check(body, creating=False)
    if "status" in body and body["status"] in STATUSES:
        doc["status"] = body["status"]
    if "name" in body:
        doc["name"] = str(body["name"])
    if "delivery_url" in body:
        doc["delivery_url"] = str(body["delivery_url"])
    if "topic" in body:
        doc.update(topic=body["topic"], resource=body["topic"].split(".")[0], event=body["topic"].split(".", 1)[1],
                   hooks=HOOKS[body["topic"]])
    if "secret" in body:
        doc["_secret"] = str(body["secret"])
    stamp(doc, "date_modified", store.now())
    return Response(200, out(request, store.put("webhook", doc)))


def delete_webhook(store: Any, request: Request) -> Response:
    doc = find(store, request.params["id"])
    require_force(request, "Webhooks")
    body = out(request, doc)
    store.delete("webhook", doc["id"])
    return Response(200, body)


ROUTES = [
    (r"/webhooks", {"GET": list_webhooks, "POST": create_webhook}),
    (r"/webhooks/(?P<id>[\d]+)", {"GET": get_webhook, "POST": update_webhook, "PUT": update_webhook,
                                   "PATCH": update_webhook, "DELETE": delete_webhook}),
]
