"""Order refunds (/orders/{id}/refunds, /refunds): negative lines and the captured 500s.

A refund larger than what is left, or ``api_refund`` (the default) on a gateway that cannot
refund automatically, is an HTTP 500 whose ``data`` is the bare number 500 (065, 066), not the
usual ``{"status": ...}`` object: :class:`RefundError` reproduces that body.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from woo_connector.sandbox.collection import links, list_response, render, require_force
from woo_connector.sandbox.resources import orders
from woo_connector.sandbox.money import money
from woo_connector.sandbox.resources.taxes import rate_for, split_entered
from woo_connector.sandbox.state import stamp
from woo_connector.sandbox.wire import ApiError, Request, Response

AUTO_REFUND_GATEWAYS = {"stripe", "paypal"}


class RefundError(ApiError):
    """WooCommerce reports refund failures with ``"data": 500`` rather than an object."""

    def __init__(self, message: str) -> None:
        super().__init__(500, "woocommerce_rest_cannot_create_order_refund", message)

    def body(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "data": self.status}


def out(request: Request, refund: dict[str, Any], with_parent: bool = False) -> dict[str, Any]:
    oid = refund["_order_id"]
    doc = dict(refund)
    if with_parent:
        doc = {"id": refund["id"], "parent_id": oid, **{k: v for k, v in refund.items() if k != "id"}}
    doc["line_items"] = [render(line, request) for line in refund["line_items"]]
    return render(doc, request, links(request, f"/orders/{oid}/refunds/{refund['id']}", f"/orders/{oid}/refunds",
                                      allow=["GET", "DELETE"], up=f"/orders/{oid}"))


def refunded_total(store: Any, order: dict[str, Any]) -> Decimal:
    return sum((Decimal(r["amount"]) for r in store.all("refund") if r["_order_id"] == order["id"]), Decimal(0))


Split = tuple[Decimal, Decimal]
"""A refunded line's ex-tax amount and tax, as the client gave them (``refund_total``/``refund_tax``)."""


def make_refund(store: Any, order: dict[str, Any], amount: Decimal, reason: str,
                lines: list[tuple[dict[str, Any], int]] | None = None, when: Any = None,
                given: list[Split | None] | None = None) -> dict[str, Any]:
    """Record a refund on ``order`` (used by the endpoint and the seed) and update its summary."""
    refund: dict[str, Any] = {
        "id": store.next_id("post"), "date_created": None, "date_created_gmt": None, "amount": money(amount),
        "reason": reason, "refunded_by": 1, "refunded_payment": False, "meta_data": [], "line_items": [],
        "shipping_lines": [], "tax_lines": [], "fee_lines": [], "_order_id": order["id"],
    }
    stamp(refund, "date_created", when or store.now())
    tax_by_rate: dict[int, Decimal] = {}
    for index, (source, quantity) in enumerate(lines or []):
        split = given[index] if given and index < len(given) else None
        if split is not None:
            ex, tax = split
        else:
            ex, tax = split_entered(Decimal(source.get("_unit_incl", "0")) * quantity, source["tax_class"],
                                    bool(order.get("prices_include_tax", True)))
        rate = rate_for(source["tax_class"])
        line = {k: v for k, v in source.items()}
        line.update(id=store.next_id("item"), quantity=-quantity, subtotal=money(-ex), subtotal_tax=money(-tax),
                    total=money(-ex), total_tax=money(-tax), price=float(ex / quantity) if quantity else 0,
                    taxes=[{"id": rate["id"], "total": money(-tax), "subtotal": money(-tax)}],
                    meta_data=[{"id": store.next_id("meta"), "key": "_refunded_item_id", "value": str(source["id"]),
                                "display_key": "_refunded_item_id", "display_value": str(source["id"])}])
        refund["line_items"].append(line)
        tax_by_rate[rate["id"]] = tax_by_rate.get(rate["id"], Decimal(0)) + tax
    for rate_id, tax in tax_by_rate.items():
        rate = next(r for r in (rate_for(""), rate_for("gst-free")) if r["id"] == rate_id)
        refund["tax_lines"].append({"id": store.next_id("item"), "rate_code": rate["code"], "rate_id": rate_id,
                                    "label": rate["label"], "compound": False, "tax_total": money(-tax),
                                    "shipping_tax_total": "0.00", "rate_percent": rate["percent"], "meta_data": []})
    store.put("refund", refund)
    order["refunds"].insert(0, {"id": refund["id"], "reason": reason, "total": money(-amount)})
    return refund


def _order_refunds(store: Any, order_id: int) -> list[dict[str, Any]]:
    return [r for r in store.all("refund") if r["_order_id"] == order_id]


def list_refunds(store: Any, request: Request) -> Response:
    order = orders.find(store, request.params["id"])
    return list_response(store, request, _order_refunds(store, order["id"]), lambda r: out(request, r), dates=True)


def list_all_refunds(store: Any, request: Request) -> Response:
    return list_response(store, request, list(store.all("refund")), lambda r: out(request, r, True), dates=True)


def _find(store: Any, request: Request) -> tuple[dict[str, Any], dict[str, Any]]:
    order = orders.find(store, request.params["id"])
    refund = store.get("refund", request.params["refund_id"])
    if refund is None or refund["_order_id"] != order["id"]:
        raise ApiError(404, "woocommerce_rest_shop_order_refund_invalid_id", "Invalid ID.")
    return order, refund


def get_refund(store: Any, request: Request) -> Response:
    _order, refund = _find(store, request)
    return Response(200, out(request, refund))


def delete_refund(store: Any, request: Request) -> Response:
    order, refund = _find(store, request)
    require_force(request, "Refunds")
    body = out(request, refund)
    store.delete("refund", refund["id"])
    # neither the restock nor the order's date_modified is undone or moved (282, 283)
    order["refunds"] = [r for r in order["refunds"] if r["id"] != refund["id"]]
    store.touch("order", order["id"])
    return Response(200, body)


def restock(store: Any, lines: list[tuple[dict[str, Any], int]]) -> None:
    """``api_restock`` (default true): refunded quantities go back to stock-managed products."""
    for source, quantity in lines:
        pid = source.get("variation_id") or source.get("product_id")
        product = store.get("product", pid)
        if product is not None and product.get("manage_stock") and product.get("stock_quantity") is not None:
            product["stock_quantity"] = int(product["stock_quantity"]) + quantity
            store.touch("product", product["id"])


def create_refund(store: Any, request: Request) -> Response:
    order = orders.find(store, request.params["id"])
    body = request.fields
    lines: list[tuple[dict[str, Any], int]] = []
    given: list[Split | None] = []
    line_total = Decimal(0)
    for spec in body.get("line_items") or []:
        source = next((l for l in order["line_items"] if isinstance(spec, dict) and l["id"] == int(spec.get("id", 0))), None)
        if source is not None:
            quantity = int(spec.get("quantity", 1) or 1)
            lines.append((source, quantity))
            ex = Decimal(str(spec.get("refund_total") or 0))
            tax = sum((Decimal(str(t.get("refund_total") or 0)) for t in spec.get("refund_tax") or []
                       if isinstance(t, dict)), Decimal(0))
            given.append((ex, tax) if "refund_total" in spec else None)
            line_total += ex + tax
    # without an amount, WooCommerce works it out from the lines (279: "50.95")
    amount = Decimal(str(body.get("amount") or line_total or 0))
    remaining = Decimal(order["total"]) - refunded_total(store, order)
    if amount <= 0 or amount > remaining:
        raise RefundError("Invalid refund amount.")
    api_refund = body.get("api_refund", True)
    if api_refund not in (False, "false", "0", 0) and order["payment_method"] not in AUTO_REFUND_GATEWAYS:
        raise RefundError("The payment gateway for this order does not support automatic refunds.")
    refund = make_refund(store, order, amount, str(body.get("reason") or ""), lines, given=given)
    if body.get("api_restock", True) not in (False, "false", "0", 0):
        restock(store, lines)
    # the order's totals and lines stay as they were; only refunds[] and date_modified move (280)
    if amount == remaining:
        orders.set_status(store, order, "refunded")
    orders.touch(store, order)
    return Response(201, out(request, refund))


ROUTES = [
    (r"/orders/(?P<id>[\d]+)/refunds", {"GET": list_refunds, "POST": create_refund}),
    (r"/orders/(?P<id>[\d]+)/refunds/(?P<refund_id>[\d]+)", {"GET": get_refund, "DELETE": delete_refund}),
    (r"/refunds", {"GET": list_all_refunds}),
]

