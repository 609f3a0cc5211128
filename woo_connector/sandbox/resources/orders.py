"""/orders: list, read, create, update, trash, batch and statuses, with the captured quirks.

Quirks kept on purpose because callers meet them on real stores: an unknown ``product_id``
still creates the order with an empty line (250); a bad or expired coupon answers 400 but
leaves a ``checkout-draft`` order behind that the default list shows (255, 256, 261); DELETE
without ``force`` moves the order to trash and a status write restores it (257-259); batch
calls answer 200 with per-item errors (060); every write bumps ``date_modified``.
"""

from __future__ import annotations

import random
import re
import string
from datetime import datetime
from typing import Any

from woo_connector.sandbox.collection import (
    already_trashed, echo_params,
    ParamErrors, bool_param, int_param, is_int_text, links, list_param, list_response, public, render,
)
from woo_connector.sandbox.resources import meta as meta_rows
from woo_connector.sandbox.resources import order_lines
from woo_connector.sandbox.resources.settings import prices_include_tax
from woo_connector.sandbox.state import stamp
from woo_connector.sandbox.resources.batch import run_batch
from woo_connector.sandbox.wire import ApiError, Request, Response

STATUSES = {
    "pending": "Pending payment",
    "processing": "Processing",
    "awaiting-shipment": "Awaiting shipment",
    "on-hold": "On hold",
    "completed": "Completed",
    "cancelled": "Cancelled",
    "refunded": "Refunded",
    "failed": "Failed",
    "checkout-draft": "Draft",
}
WRITE_STATUSES = ["auto-draft", "pending", "processing", "awaiting-shipment", "on-hold", "completed",
                  "cancelled", "refunded", "failed", "checkout-draft"]
LIST_STATUSES = ["any", "trash"] + WRITE_STATUSES
EDITABLE = {"pending", "on-hold", "auto-draft", "checkout-draft"}
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
GATEWAYS = {"bacs": "Direct bank transfer", "cheque": "Check payments", "cod": "Cash on delivery"}


def invalid_id(status: int = 404) -> ApiError:
    return ApiError(status, "woocommerce_rest_shop_order_invalid_id", "Invalid ID.")


def find(store: Any, oid: Any) -> dict[str, Any]:
    order = store.get("order", oid)
    if order is None:
        raise invalid_id()
    return order


def out(request: Request, order: dict[str, Any]) -> dict[str, Any]:
    extra = {"email_templates": f"/orders/{order['id']}/actions/email_templates"}
    if order.get("customer_id"):
        extra["customer"] = f"/customers/{order['customer_id']}"
    if order.get("parent_id"):
        extra["up"] = f"/orders/{order['parent_id']}"
    doc = dict(order)
    doc["meta_data"] = meta_rows.ordered(order["meta_data"])
    doc["line_items"] = [public(line) for line in order["line_items"]]
    doc["coupon_lines"] = [public(line) for line in order["coupon_lines"]]
    return render(doc, request, links(request, f"/orders/{order['id']}", "/orders", **extra))


def derive_flags(order: dict[str, Any]) -> None:
    status = order["status"]
    order["is_editable"] = status in EDITABLE
    order["needs_payment"] = status in ("pending", "failed") and float(order["total"]) > 0
    order["needs_processing"] = bool(order["line_items"])


def touch(store: Any, order: dict[str, Any]) -> None:
    """Every write moves ``date_modified`` forward, which incremental syncs depend on."""
    stamp(order, "date_modified", store.now())
    derive_flags(order)
    store.put("order", order)


# -- list ---------------------------------------------------------------------------------------


def _status_filter(errors: ParamErrors, raw: Any) -> list[str]:
    statuses = list_param(raw) or ["any"]
    for index, status in enumerate(statuses):
        if status not in LIST_STATUSES:
            errors.not_in_enum("status", LIST_STATUSES, f"status[{index}]")
    return statuses


def _link_params(request: Request, past_end: bool) -> list[tuple[str, str]]:
    query = request.query
    pairs = [(k, v) for k, v in echo_params(request, past_end) if k != "status" and not k.startswith("status[")]
    for index, status in enumerate(list_param(query.get("status")) or ["any"]):
        pairs.append((f"status[{index}]", status))
    if not past_end:
        if "dp" not in query:
            pairs.append(("dp", "2"))
        if "context" not in query:
            pairs.append(("context", "view"))
    return pairs


def list_orders(store: Any, request: Request) -> Response:
    errors = ParamErrors()
    query = request.query
    statuses = _status_filter(errors, query.get("status"))
    customer = int_param(errors, query, "customer", None)
    product = int_param(errors, query, "product", None)
    int_param(errors, query, "dp", 2)

    def selected() -> list[dict[str, Any]]:
        docs = list(store.all("order"))
        if "any" in statuses:
            docs = [d for d in docs if d["status"] not in ("trash", "auto-draft")]
        else:
            docs = [d for d in docs if d["status"] in statuses]
        if customer is not None and not errors.params:
            docs = [d for d in docs if d["customer_id"] == customer]
        if product is not None and not errors.params:
            docs = [d for d in docs if any(product in (l["product_id"], l["variation_id"]) for l in d["line_items"])]
        return docs

    def text(d: dict[str, Any]) -> list[Any]:
        return [d["id"], *d["billing"].values(), *d["shipping"].values(), *(l["name"] for l in d["line_items"])]

    # out() reads the order and the base URL only, so its encoding may be cached (list_cache)
    return list_response(store, request, selected, lambda d: out(request, d), search=text, dates=True,
                         link_params=_link_params, errors=errors, cached="order")


# -- writes -------------------------------------------------------------------------------------


def validate_body(body: dict[str, Any], creating: bool) -> None:
    errors = ParamErrors()
    if "status" in body and body["status"] not in WRITE_STATUSES:
        errors.not_in_enum("status", WRITE_STATUSES)
    if "customer_id" in body and not is_int_text(body["customer_id"]):
        errors.not_type("customer_id", "integer")
    billing = body.get("billing")
    if isinstance(billing, dict) and billing.get("email") not in (None, "") and not EMAIL.match(str(billing["email"])):
        errors.add("billing", "rest_invalid_email", "Invalid email address.")
    for index, line in enumerate(body.get("line_items") or []):
        if isinstance(line, dict) and "quantity" in line and not is_int_text(line["quantity"]):
            name = f"line_items[{index}][quantity]"
            errors.add("line_items", "rest_invalid_type", f"{name} is not of type integer.", {"param": name})
    errors.raise_if_any()


def blank_order(store: Any, oid: int, created: datetime) -> dict[str, Any]:
    order: dict[str, Any] = {
        "id": oid, "parent_id": 0, "status": "pending", "currency": "AUD", "version": "10.0.2",
        "prices_include_tax": prices_include_tax(store), "date_created": None, "date_modified": None,
        "discount_total": "0.00", "discount_tax": "0.00", "shipping_total": "0.00", "shipping_tax": "0.00",
        "cart_tax": "0.00", "total": "0.00", "total_tax": "0.00", "customer_id": 0,
        "order_key": "wc_order_" + "".join(random.Random(oid * 7919 + store.seed).choices(string.ascii_letters + string.digits, k=13)),
        "billing": order_lines.empty_address(True), "shipping": order_lines.empty_address(False),
        "payment_method": "", "payment_method_title": "", "transaction_id": "", "customer_ip_address": "",
        "customer_user_agent": "", "created_via": "rest-api", "customer_note": "", "date_completed": None,
        "date_paid": None, "cart_hash": "", "number": str(oid), "meta_data": [], "line_items": [],
        "tax_lines": [], "shipping_lines": [], "fee_lines": [], "coupon_lines": [], "refunds": [],
        "payment_url": "", "is_editable": True, "needs_payment": False, "needs_processing": False,
        "date_created_gmt": None, "date_modified_gmt": None, "date_completed_gmt": None, "date_paid_gmt": None,
        "currency_symbol": "$",
    }
    stamp(order, "date_created", created)
    stamp(order, "date_modified", created)
    stamp(order, "date_completed", None)
    stamp(order, "date_paid", None)
    order["payment_url"] = order_lines.payment_url(order)
    return order


def add_note(store: Any, order: dict[str, Any], text: str, customer_note: bool = False, author: str = "WooCommerce") -> dict[str, Any]:
    note = {"id": store.next_id("comment"), "author": author, "date_created": None, "date_created_gmt": None,
            "note": text, "customer_note": customer_note, "_order_id": order["id"]}
    stamp(note, "date_created", store.now())
    return store.put("note", note)


def set_status(store: Any, order: dict[str, Any], status: str, note: bool = True) -> None:
    previous = order["status"]
    if status == previous:
        return
    now = store.now()
    if status in ("processing", "completed") and order["date_paid"] is None:
        stamp(order, "date_paid", now)
    if status == "completed":
        stamp(order, "date_completed", now)
    order["status"] = status
    if note and previous in STATUSES and status in STATUSES:
        add_note(store, order, f"Order status changed from {STATUSES[previous]} to {STATUSES[status]}.")


def _resolve_product(store: Any, spec: dict[str, Any]) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    product = None
    if spec.get("variation_id"):
        product = store.get("product", spec["variation_id"])
    if product is None and spec.get("product_id"):
        product = store.get("product", spec["product_id"])
    if product is None and spec.get("sku"):
        product = next((p for p in store.all("product") if p.get("sku") == spec["sku"]), None)
    if product is not None and product.get("type") == "variation":
        return product, store.get("product", product["parent_id"])
    return product, None


def _coupon_error(store: Any, code: str) -> ApiError | None:
    coupon = next((c for c in store.all("coupon") if c["code"] == code.lower() and c["status"] == "publish"), None)
    if coupon is None:
        return ApiError(400, "woocommerce_rest_invalid_coupon",
                        f"Coupon &quot;{code}&quot; cannot be applied because it does not exist.")
    expires = coupon.get("date_expires_gmt")
    if expires and expires < (store.now().strftime("%Y-%m-%dT%H:%M:%S")):
        return ApiError(400, "woocommerce_rest_invalid_coupon", f"Coupon &quot;{code}&quot; has expired.")
    return None


def apply_body(store: Any, order: dict[str, Any], body: dict[str, Any]) -> None:
    """Write the fields a request sets; raises coupon errors after the lines are in place."""
    if "customer_id" in body:
        cid = int(body["customer_id"])
        if cid and store.get("customer", cid) is None:
            raise ApiError(400, "woocommerce_rest_invalid_customer_id", "Customer ID is invalid.")
        order["customer_id"] = cid
    for part in ("billing", "shipping"):
        if isinstance(body.get(part), dict):
            for key, value in body[part].items():
                if key in order[part]:
                    order[part][key] = "" if value is None else str(value)
    for key in ("payment_method", "payment_method_title", "transaction_id", "customer_note", "currency",
                "customer_ip_address", "customer_user_agent"):
        if key in body and body[key] is not None:
            order[key] = str(body[key])
    if body.get("payment_method") and "payment_method_title" not in body:
        order["payment_method_title"] = GATEWAYS.get(order["payment_method"], order["payment_method"])
    if "parent_id" in body and is_int_text(body["parent_id"]):
        order["parent_id"] = int(body["parent_id"])
    if "meta_data" in body:
        order["meta_data"] = meta_rows.apply(store, order["meta_data"], body["meta_data"])
    for spec in body.get("line_items") or []:
        if not isinstance(spec, dict):
            continue
        existing = next((l for l in order["line_items"] if spec.get("id") and l["id"] == int(spec["id"])), None)
        quantity = int(spec.get("quantity", existing["quantity"] if existing else 1))
        if existing is not None:
            if quantity <= 0:
                order["line_items"].remove(existing)
            else:
                existing["quantity"] = quantity
            continue
        product, parent = _resolve_product(store, spec)
        line = order_lines.line_item(store, product, quantity, parent=parent)
        if spec.get("name"):
            line["name"] = str(spec["name"])
        order["line_items"].append(line)
    for spec in body.get("shipping_lines") or []:
        if isinstance(spec, dict):
            order["shipping_lines"].append(order_lines.shipping_line(
                store, spec.get("total", "0"), spec.get("method_id", "flat_rate"), spec.get("method_title", "Flat rate")))
    for spec in body.get("fee_lines") or []:
        if isinstance(spec, dict):
            order["fee_lines"].append(order_lines.fee_line(
                store, spec.get("name", ""), spec.get("total", "0"), spec.get("tax_status", "taxable"), spec.get("tax_class", "")))
    failure = None
    for spec in body.get("coupon_lines") or []:
        if not isinstance(spec, dict) or not spec.get("code"):
            continue
        failure = _coupon_error(store, str(spec["code"]))
        if failure is not None:
            break
        coupon = next(c for c in store.all("coupon") if c["code"] == str(spec["code"]).lower())
        order["coupon_lines"].append(order_lines.coupon_line(store, coupon))
    order_lines.recalculate(store, order)
    if failure is not None:
        raise failure
    if body.get("set_paid") is True or str(body.get("set_paid")).lower() == "true":
        set_status(store, order, "processing")
    if "status" in body:
        target = body["status"]
        if order["status"] == "trash":
            order.pop("_previous_status", None)
        set_status(store, order, target)


def create(store: Any, body: dict[str, Any]) -> dict[str, Any]:
    validate_body(body, creating=True)
    order = blank_order(store, store.next_id("post"), store.now())
    try:
        apply_body(store, order, body)
    except ApiError as err:
        if err.code == "woocommerce_rest_invalid_coupon":
            order["status"] = "checkout-draft"
            touch(store, order)
            err.data["new_draft_order_id"] = order["id"]
        raise
    touch(store, order)
    return order


def update(store: Any, order: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    validate_body(body, creating=False)
    apply_body(store, order, body)
    touch(store, order)
    return order


def create_order(store: Any, request: Request) -> Response:
    order = create(store, request.fields)
    return Response(201, out(request, order), {"Location": f"{request.base_url}/wp-json/wc/v3/orders/{order['id']}"})


def get_order(store: Any, request: Request) -> Response:
    return Response(200, out(request, find(store, request.params["id"])))


def update_order(store: Any, request: Request) -> Response:
    return Response(200, out(request, update(store, find(store, request.params["id"]), request.fields)))


def delete_order(store: Any, request: Request) -> Response:
    order = find(store, request.params["id"])
    body = out(request, order)
    if bool_param(request.query, "force") or request.fields.get("force") is True:
        store.delete("order", order["id"])
        for note in [n for n in store.all("note") if n["_order_id"] == order["id"]]:
            store.delete("note", note["id"])
        return Response(200, body)
    if order["status"] == "trash":
        raise already_trashed("shop_order")
    order["_previous_status"] = order["status"]
    order["status"] = "trash"
    touch(store, order)
    return Response(200, body)  # the order as it was before the trash (301)


def batch_orders(store: Any, request: Request) -> Response:
    def remove(order: dict[str, Any]) -> dict[str, Any]:
        shown = out(request, order)
        store.delete("order", order["id"])
        return shown

    return Response(200, run_batch(
        request.fields,
        create=lambda spec: out(request, create(store, spec)),
        find=lambda oid: store.get("order", oid),
        update=lambda order, changes: out(request, update(store, order, changes)),
        delete=remove,
        invalid_id=lambda: invalid_id(400),
    ))


def list_statuses(store: Any, request: Request) -> Response:
    return Response(200, [{"slug": slug, "name": name} for slug, name in STATUSES.items()])


def churn(store: Any, rng: random.Random) -> None:
    """A shop's background write: mostly status moves on open orders, sometimes a new order."""
    open_orders = [o for o in store.all("order") if o["status"] in ("pending", "processing", "on-hold", "awaiting-shipment")]
    if open_orders and rng.random() < 0.6:
        order = rng.choice(open_orders)
        nxt = {"pending": "processing", "processing": "awaiting-shipment", "on-hold": "processing",
               "awaiting-shipment": "completed"}[order["status"]]
        set_status(store, order, nxt)
        touch(store, order)
        return
    products = [p for p in store.all("product") if p["type"] == "simple" and p["status"] == "publish"]
    customers = list(store.all("customer"))
    customer = rng.choice(customers) if customers else None
    spec: dict[str, Any] = {
        "customer_id": customer["id"] if customer else 0,
        "billing": dict(customer["billing"]) if customer else {},
        "line_items": [{"product_id": rng.choice(products)["id"], "quantity": rng.randint(1, 3)}] if products else [],
        "shipping_lines": [{"method_id": "flat_rate", "method_title": "Flat rate", "total": "9.05"}],
        "payment_method": "cod", "set_paid": rng.random() < 0.7,
    }
    create(store, spec)


ROUTES = [
    (r"/orders", {"GET": list_orders, "POST": create_order}),
    (r"/orders/batch", {"POST": batch_orders, "PUT": batch_orders, "PATCH": batch_orders}),
    (r"/orders/statuses", {"GET": list_statuses}),
    (r"/orders/(?P<id>[\d]+)", {"GET": get_order, "POST": update_order, "PUT": update_order,
                                 "PATCH": update_order, "DELETE": delete_order}),
]
