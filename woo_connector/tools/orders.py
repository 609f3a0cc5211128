"""Orders: list, get, update (status, notes, meta_data and any writable field)."""

from __future__ import annotations

from typing import Any

from ..client import WooClient
from ..errors import WooConnectorError
from ..hookspecs import Register, hookimpl
from ..pagination import list_collection
from ..query import store_query
from ..store_shape import store_object
from ..sync.changes import list_changes, wants_cursor
from ..tax import with_order_amounts
from .amounts import order_flag, orders_with_amounts


def list_orders(client: WooClient, args: dict[str, Any]) -> dict[str, Any]:
    breakdown = order_flag(args)
    if wants_cursor(args):
        result = list_changes(client, "orders", args)
    else:
        result = list_collection(client, "/orders", args)
    if breakdown:
        result["items"] = orders_with_amounts(result["items"])
    return result


def get_order(client: WooClient, args: dict[str, Any]) -> dict[str, Any]:
    breakdown = order_flag(args)
    order = client.get(f"/orders/{args['id']}", store_query(args, only=("dp", "_fields", "context")))
    return with_order_amounts(store_object(order, "get-order")) if breakdown else order


def update_order(client: WooClient, args: dict[str, Any]) -> dict[str, Any]:
    """PUT the order's fields first, then add the note: a refused update adds no stray note.

    If the note fails after the fields were saved, the error says so (``details.order_updated``)
    so that a workflow does not repeat the update blindly.
    """
    order_id = args["id"]
    note = args.get("note")
    fields = {k: v for k, v in args.items() if k not in ("id", "note")}
    order = store_object(client.put(f"/orders/{order_id}", fields), "update-order") if fields else None
    if note is None:
        return order
    try:
        added = client.post(
            f"/orders/{order_id}/notes",
            {"note": note["note"], "customer_note": bool(note.get("customer_note", False))},
        )
    except WooConnectorError as exc:
        exc.details["order_updated"] = order is not None
        exc.details["order_id"] = order_id
        exc.message += (
            " The order's fields were saved; only the note was not added."
            if order is not None
            else " Nothing was changed."
        )
        exc.args = (exc.message,)
        raise
    if order is None:
        order = store_object(client.get(f"/orders/{order_id}"), "update-order")
    return {**order, "added_note": added}


@hookimpl
def register_tools(register: Register) -> None:
    register("list-orders", list_orders)
    register("get-order", get_order)
    register("update-order", update_order)
