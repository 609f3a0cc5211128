"""Order notes: list them, add one.

WooCommerce answers ``/orders/{id}/notes`` with every note at once, newest first, and no paging
headers (capture 058): it ignores ``page`` and ``per_page``. Walking it like the paged lists
would read a 100-note order as "more to come" and then find page 2 equal to page 1, so the
list comes back in one request, in the list envelope every list-* tool uses, as one page.
``per_page`` then says the connector's usual page size: an order with more notes still gets
them all on that one page (``total`` counts them).
"""

from __future__ import annotations

from typing import Any

from ..client import WooClient
from ..errors import BadResponseError
from ..hookspecs import Register, hookimpl
from ..pagination import PageInfo, collect
from ..query import store_query

NOTES_PAGE = 100


def list_order_notes(client: WooClient, args: dict[str, Any]) -> dict[str, Any]:
    params = store_query(args, only=("type",))
    notes = client.get(f"/orders/{args['order_id']}/notes", params)
    if not isinstance(notes, list):
        raise BadResponseError(f"Expected a JSON list of notes, got {type(notes).__name__}.")
    whole = PageInfo(page=1, per_page=NOTES_PAGE, total=len(notes), total_pages=1, next_page=None)
    return collect([(notes, whole)], start=1, per_page=NOTES_PAGE)


def add_order_note(client: WooClient, args: dict[str, Any]) -> dict[str, Any]:
    body = {k: args[k] for k in ("note", "customer_note", "added_by_user") if k in args}
    return client.post(f"/orders/{args['order_id']}/notes", body)


@hookimpl
def register_tools(register: Register) -> None:
    register("list-order-notes", list_order_notes)
    register("add-order-note", add_order_note)
