"""/coupons: codes are stored lower-case (155), a duplicate code is refused (156)."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from woo_connector.sandbox.collection import (
    ParamErrors, already_trashed, bool_param, id_list, links, list_response, render,
)
from woo_connector.sandbox.resources import meta as meta_rows
from woo_connector.sandbox.money import money
from woo_connector.sandbox.state import STORE_OFFSET, stamp
from woo_connector.sandbox.wire import ApiError, Request, Response

DISCOUNT_TYPES = ["percent", "fixed_cart", "fixed_product"]


def blank_coupon(cid: int, code: str, created: Any) -> dict[str, Any]:
    doc = {"id": cid, "code": code.lower(), "amount": "0.00", "status": "publish", "date_created": None,
           "date_created_gmt": None, "date_modified": None, "date_modified_gmt": None, "discount_type": "fixed_cart",
           "description": "", "date_expires": None, "date_expires_gmt": None, "usage_count": 0,
           "individual_use": False, "product_ids": [], "excluded_product_ids": [], "usage_limit": None,
           "usage_limit_per_user": None, "limit_usage_to_x_items": None, "free_shipping": False,
           "product_categories": [], "excluded_product_categories": [], "exclude_sale_items": False,
           "minimum_amount": "0.00", "maximum_amount": "0.00", "email_restrictions": [], "used_by": [],
           "meta_data": []}
    stamp(doc, "date_created", created)
    stamp(doc, "date_modified", created)
    return doc


def find(store: Any, cid: Any) -> dict[str, Any]:
    doc = store.get("coupon", cid)
    if doc is None:
        raise ApiError(404, "woocommerce_rest_shop_coupon_invalid_id", "Invalid ID.")
    return doc


def out(request: Request, doc: dict[str, Any]) -> dict[str, Any]:
    return render(doc, request, links(request, f"/coupons/{doc['id']}", "/coupons"))


def validate(body: dict[str, Any]) -> None:
    errors = ParamErrors()
    if "discount_type" in body and body["discount_type"] not in DISCOUNT_TYPES:
        errors.not_in_enum("discount_type", DISCOUNT_TYPES)
    if "amount" in body and not isinstance(body["amount"], str):
        errors.not_type("amount", "string")
    errors.raise_if_any()


def apply(store: Any, doc: dict[str, Any], body: dict[str, Any]) -> None:
    if "code" in body:
        code = str(body["code"]).lower()
        if any(c["code"] == code and c["id"] != doc["id"] for c in store.all("coupon")):
            raise ApiError(400, "woocommerce_rest_coupon_code_already_exists", "The coupon code already exists")
        doc["code"] = code
    for key in ("amount", "minimum_amount", "maximum_amount"):
        if key in body:
            doc[key] = money(body[key])
    for key in ("discount_type", "description", "individual_use", "usage_limit", "usage_limit_per_user",
                "limit_usage_to_x_items", "free_shipping", "exclude_sale_items", "email_restrictions", "status"):
        if key in body:
            doc[key] = body[key]
    for key in ("product_ids", "excluded_product_ids", "product_categories", "excluded_product_categories"):
        if key in body:
            doc[key] = id_list(body[key])
    if "date_expires" in body or "date_expires_gmt" in body:
        raw = body.get("date_expires_gmt") or body.get("date_expires")
        moment = None
        if raw:
            moment = datetime.strptime(str(raw)[:19], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=timezone.utc)
            if not body.get("date_expires_gmt"):
                moment -= STORE_OFFSET
        stamp(doc, "date_expires", moment)
    if "meta_data" in body:
        doc["meta_data"] = meta_rows.apply(store, doc["meta_data"], body["meta_data"])
    stamp(doc, "date_modified", store.now())


def list_coupons(store: Any, request: Request) -> Response:
    status = request.query.get("status") or "any"
    docs = [c for c in store.all("coupon") if (c["status"] == status if status != "any" else c["status"] != "trash")]
    if request.query.get("code"):  # a code lookup never sees the trash (298)
        docs = [c for c in docs if c["status"] != "trash"]
        docs = [c for c in docs if c["code"] == str(request.query["code"]).lower()]
    return list_response(store, request, docs, lambda c: out(request, c), dates=True,
                         search=lambda c: [c["code"], c["description"]])


def create_coupon(store: Any, request: Request) -> Response:
    body = request.fields
    if not body.get("code"):
        raise ApiError(400, "rest_missing_callback_param", "Missing parameter(s): code", {"params": ["code"]})
    validate(body)
    doc = blank_coupon(store.next_id("post"), str(body["code"]), store.now())
    apply(store, doc, body)
    return Response(201, out(request, store.put("coupon", doc)),
                    {"Location": f"{request.base_url}/wp-json/wc/v3/coupons/{doc['id']}"})


def get_coupon(store: Any, request: Request) -> Response:
    return Response(200, out(request, find(store, request.params["id"])))


def update_coupon(store: Any, request: Request) -> Response:
    doc = find(store, request.params["id"])
    body = request.fields
    validate(body)
    apply(store, doc, body)
    return Response(200, out(request, store.put("coupon", doc)))


def delete_coupon(store: Any, request: Request) -> Response:
    doc = find(store, request.params["id"])
    if bool_param(request.query, "force"):
        body = out(request, doc)
        store.delete("coupon", doc["id"])
        return Response(200, body)
    if doc["status"] == "trash":
        raise already_trashed("shop_coupon")
    body = out(request, doc)  # the coupon as it was before the trash (295)
    doc["_previous_status"], doc["status"] = doc["status"], "trash"
    stamp(doc, "date_modified", store.now())
    store.put("coupon", doc)
    return Response(200, body)


ROUTES = [
    (r"/coupons", {"GET": list_coupons, "POST": create_coupon}),
    (r"/coupons/(?P<id>[\d]+)", {"GET": get_coupon, "POST": update_coupon, "PUT": update_coupon,
                                  "PATCH": update_coupon, "DELETE": delete_coupon}),
]
