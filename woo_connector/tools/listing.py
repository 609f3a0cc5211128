"""The list envelope every list-* tool returns, read from the store's paging headers.

``all_pages`` and ``max_items`` are the connector's own options: everything else in the payload
is a WooCommerce filter passed through unchanged.
"""

from __future__ import annotations

from typing import Any, Mapping

from ..client import WooClient

CONNECTOR_OPTIONS = frozenset({"all_pages", "max_items", "page", "per_page"})
DEFAULT_PER_PAGE = 100


def store_params(args: Mapping[str, Any]) -> dict[str, Any]:
    """The WooCommerce query for a list payload: filters as given, `_fields` as a comma list."""
    params = {k: v for k, v in args.items() if k not in CONNECTOR_OPTIONS}
    fields = params.get("_fields")
    if isinstance(fields, list):
        params["_fields"] = ",".join(fields)
    return params


def list_collection(client: WooClient, path: str, args: Mapping[str, Any]) -> dict[str, Any]:
    """One page, or every page from ``page`` on (``all_pages``), capped at ``max_items``.

    When ``max_items`` cuts a page short, ``next_page`` names that same page again: resuming
    from it repeats a few items rather than skipping any, which is what a sync wants.

    While pages are followed the shop keeps writing: a new order pushes the newest-first list
    down, so the next page starts with an item already returned. Such repeats are dropped by
    id. (Items can also move the other way and be missed; ordering by id ascending avoids both.)
    """
    per_page = int(args.get("per_page", DEFAULT_PER_PAGE))
    start = int(args.get("page", 1))
    max_items = args.get("max_items")
    follow = bool(args.get("all_pages", False))
    params = store_params(args)

    items: list[Any] = []
    seen: set[Any] = set()
    last = None
    truncated = False
    for page_items, info in client.iter_pages(path, params, per_page=per_page, start_page=start):
        last = info
        page_items = [item for item in page_items if not _repeat(item, seen)]
        room = None if max_items is None else max_items - len(items)
        if room is not None and len(page_items) > room:
            items.extend(page_items[:room])
            truncated = True
            break
        items.extend(page_items)
        if not follow or (max_items is not None and len(items) >= max_items):
            break
    assert last is not None  # iter_pages always yields the first page

    if truncated:
        next_page: int | None = last.page
    else:
        next_page = last.next_page
    return {
        "items": items,
        "page": start,
        "per_page": per_page,
        "total": last.total,
        "total_pages": last.total_pages,
        "has_more": next_page is not None,
        "next_page": next_page,
    }


def _repeat(item: Any, seen: set[Any]) -> bool:
    """True for an item whose id an earlier page already returned; records the id otherwise."""
    if not isinstance(item, dict) or "id" not in item:
        return False
    if item["id"] in seen:
        return True
    seen.add(item["id"])
    return False
