"""create-refund: refund an amount or order lines, with amounts worked out from the order itself.

Why the tool checks before it sends: the store answers a refund larger than what is left with
HTTP 500 "Invalid refund amount." (capture 284), which looks like an outage and tells nobody the
numbers. What is left is the order total minus the refunds already made (``refunds[].total``,
negative on the order). A refund that fits is sent once; it is never retried automatically.

Line refunds: WooCommerce wants each line's ``refund_total`` ex-tax and ``refund_tax`` per tax
rate id (captures 279, 280); given only quantities, the tool takes the line's share of its
total and of each rate's tax, to the cent. The last units of a line get exactly what is left of
it, so refunding a line unit by unit adds up to the line, never a cent more or less.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Mapping

from ..client import WooClient
from ..errors import InvalidInputError, InvalidRequestError
from ..hookspecs import Register, hookimpl
from ..store_shape import store_object
from ..tax import ZERO, cents, decimal, money


def _refunded_so_far(refunds: list[Mapping[str, Any]]) -> dict[int, dict[str, Any]]:
    """Per order line id: quantity, ex-tax total and tax per rate already refunded.

    Refund lines point at the order line through their ``_refunded_item_id`` meta (279);
    their quantities and totals are negative.
    """
    done: dict[int, dict[str, Any]] = {}
    for refund in refunds:
        for line in refund.get("line_items") or []:
            source = next((m.get("value") for m in line.get("meta_data") or [] if m.get("key") == "_refunded_item_id"), None)
            if source is None or not str(source).isdigit():
                continue
            entry = done.setdefault(int(source), {"quantity": 0, "total": ZERO, "taxes": {}})
            entry["quantity"] += abs(int(line.get("quantity") or 0))
            entry["total"] += abs(decimal(line.get("total")))
            for tax in line.get("taxes") or []:
                entry["taxes"][tax.get("id")] = entry["taxes"].get(tax.get("id"), ZERO) + abs(decimal(tax.get("total")))
    return done


def _share(whole: Decimal, already: Decimal, quantity: int, remaining_qty: int) -> Decimal:
    """``quantity`` of the ``remaining_qty`` units left of an amount: all of what is left for the last ones."""
    left = whole - already
    if quantity == remaining_qty:
        return left
    return cents(left * quantity / remaining_qty)


def refund_lines(order: Mapping[str, Any], refunds: list[Mapping[str, Any]], wanted: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The ``line_items`` of a refund request for ``wanted`` ({id, quantity}) lines of ``order``."""
    lines = {line.get("id"): line for line in order.get("line_items") or []}
    done = _refunded_so_far(refunds)
    out: list[dict[str, Any]] = []
    for i, spec in enumerate(wanted):
        pointer = f"/line_items/{i}"
        line = lines.get(spec["id"])
        if line is None:
            raise InvalidInputError(
                f"{pointer}/id: order {order.get('id')} has no line item {spec['id']}.",
                details={"pointer": f"{pointer}/id", "line_item_ids": sorted(lines)},
            )
        already = done.get(spec["id"], {"quantity": 0, "total": ZERO, "taxes": {}})
        remaining_qty = int(line.get("quantity") or 0) - already["quantity"]
        quantity = int(spec["quantity"])
        if quantity > remaining_qty:
            raise InvalidRequestError(
                f"{pointer}/quantity: {quantity} asked, but only {remaining_qty} of line {spec['id']} "
                f"({line.get('name')}) are left to refund.",
                details={"pointer": f"{pointer}/quantity", "remaining_quantity": remaining_qty},
            )
        taxes = [
            {"id": tax.get("id"), "refund_total": float(_share(decimal(tax.get("total")), already["taxes"].get(tax.get("id"), ZERO), quantity, remaining_qty))}
            for tax in line.get("taxes") or []
        ]
        out.append({
            "id": spec["id"],
            "quantity": quantity,
            "refund_total": float(_share(decimal(line.get("total")), already["total"], quantity, remaining_qty)),
            "refund_tax": taxes,
        })
    return out


def lines_amount(lines: list[Mapping[str, Any]]) -> Decimal:
    return sum(
        (decimal(line["refund_total"]) + sum((decimal(t["refund_total"]) for t in line["refund_tax"]), ZERO) for line in lines),
        ZERO,
    )


def create_refund(client: WooClient, args: dict[str, Any]) -> dict[str, Any]:
    order_id = args["order_id"]
    order = store_object(client.get(f"/orders/{order_id}"), "create-refund", needs=("total",))
    total = decimal(order.get("total"))
    refunded = sum((-decimal(r.get("total")) for r in order.get("refunds") or []), ZERO)
    remaining = total - refunded
    body: dict[str, Any] = {
        "reason": args.get("reason", ""),
        "api_refund": bool(args.get("api_refund", False)),
        "api_restock": bool(args.get("restock_items", True)),
    }
    if args.get("line_items"):
        previous = [] if not order.get("refunds") else _all_refunds(client, order_id)
        body["line_items"] = refund_lines(order, previous, args["line_items"])
    amount = decimal(args["amount"]) if "amount" in args else lines_amount(body.get("line_items", []))
    figures = {"amount": money(amount), "order_total": money(total), "refunded": money(refunded), "remaining": money(remaining)}
    if amount <= 0:
        raise InvalidInputError("amount: a refund must be more than 0.00.", details={"pointer": "/amount", **figures})
    if amount > remaining:
        raise InvalidRequestError(
            f"Refund of {money(amount)} refused before sending: order {order_id} totals {money(total)}, "
            f"{money(refunded)} is already refunded, so at most {money(remaining)} is left "
            "(the store itself would answer HTTP 500 \"Invalid refund amount.\").",
            details={"order_id": order_id, **figures},
        )
    body["amount"] = money(amount)
    if args.get("meta_data"):
        body["meta_data"] = args["meta_data"]
    refund = store_object(client.post(f"/orders/{order_id}/refunds", body), "create-refund")
    return {**refund, "order_id": order_id, "remaining_refundable": money(remaining - decimal(refund.get("amount", amount)))}


def _all_refunds(client: WooClient, order_id: int) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for page, _info in client.iter_pages(f"/orders/{order_id}/refunds", {}, per_page=100):
        out.extend(page)
    return out


@hookimpl
def register_tools(register: Register) -> None:
    register("create-refund", create_refund)
