"""Order notes (/orders/{id}/notes): private notes the store writes on status changes, and
customer notes a caller adds. The list is a plain array without paging headers (058)."""

from __future__ import annotations

from typing import Any

from woo_connector.sandbox.collection import links, render, require_force
from woo_connector.sandbox.resources import orders
from woo_connector.sandbox.wire import ApiError, Request, Response


def out(request: Request, note: dict[str, Any]) -> dict[str, Any]:
    oid = note["_order_id"]
    return render(note, request, links(request, f"/orders/{oid}/notes/{note['id']}", f"/orders/{oid}/notes",
                                       allow=["GET", "DELETE"], up=f"/orders/{oid}"))


def list_notes(store: Any, request: Request) -> Response:
    order = orders.find(store, request.params["id"])
    kind = request.query.get("type", "any")
    notes = [n for n in store.all("note") if n["_order_id"] == order["id"]]
    if kind == "customer":
        notes = [n for n in notes if n["customer_note"]]
    elif kind == "internal":
        notes = [n for n in notes if not n["customer_note"]]
    notes.sort(key=lambda n: (n["date_created_gmt"], n["id"]), reverse=True)
    return Response(200, [out(request, n) for n in notes])


def create_note(store: Any, request: Request) -> Response:
    order = orders.find(store, request.params["id"])
    body = request.fields
    if not body.get("note"):
        raise ApiError(400, "rest_missing_callback_param", "Missing parameter(s): note", {"params": ["note"]})
    customer = body.get("customer_note") in (True, "true", "1", 1)
    author = "admin" if body.get("added_by_user") in (True, "true", "1", 1) else "WooCommerce"
    note = orders.add_note(store, order, str(body["note"]), customer, author)
    return Response(201, out(request, note))


def _find(store: Any, request: Request) -> dict[str, Any]:
    order = orders.find(store, request.params["id"])
    note = store.get("note", request.params["note_id"])
    if note is None or note["_order_id"] != order["id"]:
        raise ApiError(404, "woocommerce_rest_order_invalid_id", "Invalid resource ID.")
    return note


def get_note(store: Any, request: Request) -> Response:
    return Response(200, out(request, _find(store, request)))


def delete_note(store: Any, request: Request) -> Response:
    note = _find(store, request)
    require_force(request, "Order notes")
    body = out(request, note)
    store.delete("note", note["id"])
    return Response(200, body)


ROUTES = [
    (r"/orders/(?P<id>[\d]+)/notes", {"GET": list_notes, "POST": create_note}),
    (r"/orders/(?P<id>[\d]+)/notes/(?P<note_id>[\d]+)", {"GET": get_note, "DELETE": delete_note}),
]
