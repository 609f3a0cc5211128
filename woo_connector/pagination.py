"""Paging, in one place: where a list is in its pages, the walk, and the envelope list tools return.

Positions are read from what WooCommerce says rather than guessed.

WordPress answers every collection with ``X-WP-Total``, ``X-WP-TotalPages`` and a ``Link`` header
carrying ``rel="next"``/``rel="prev"``. A page past the end is ``200 []`` with both totals 0 and a
``prev`` link to page 0 (captures 009, 010). A short page is not proof of the end (``_fields``,
``include`` and plugins can all shorten a page), so it is only used when a caching proxy has
stripped every one of those headers.

The walk (:func:`iter_pages`) is a generator of ``(items, PageInfo)``: callers stop when they
have enough and nothing more is fetched. :func:`collect` turns a walk into the list envelope
(id dedupe, ``max_items``, the resume point); :func:`list_collection` is what list tools call.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

from .errors import BadResponseError
from .query import store_query

if TYPE_CHECKING:
    from .client import WooClient

__all__ = ["PageInfo", "page_info", "iter_pages", "parse_link_header", "collect", "list_collection", "page_listener"]

# The connector's own list options; everything else in a list payload is a WooCommerce filter.
CONNECTOR_OPTIONS = frozenset({"all_pages", "max_items", "page", "per_page"})
DEFAULT_PER_PAGE = 100

_LINK = re.compile(r"<([^>]*)>([^<]*)")  # a target and its parameters, up to the next target
_REL = re.compile(r"""(?i)\brel\s*=\s*(?:"([^"]*)"|([^;,\s]+))""")


@dataclass(frozen=True)
class PageInfo:
    page: int
    per_page: int
    total: int | None
    total_pages: int | None
    next_page: int | None

    @property
    def has_more(self) -> bool:
        return self.next_page is not None


def parse_link_header(value: str) -> dict[str, str]:
    """Map each rel (next, prev, https://api.w.org/...) to its URL; the first one of a rel wins."""
    links: dict[str, str] = {}
    for match in _LINK.finditer(value or ""):
        url, params = match.group(1).strip(), match.group(2)
        for rel_match in _REL.finditer(params):
            for rel in (rel_match.group(1) or rel_match.group(2) or "").split():
                links.setdefault(rel.lower(), url)
    return links


def page_info(
    headers: Mapping[str, str], page: int, per_page: int, count: int | None = None
) -> PageInfo:
    """Read one page's position; ``count`` (items on the page) is only used with no headers at all."""
    lowered = {str(k).lower(): v for k, v in headers.items()}
    total = _int_header(lowered.get("x-wp-total"))
    total_pages = _int_header(lowered.get("x-wp-totalpages"))
    links = parse_link_header(str(lowered.get("link", "")))
    next_url, prev_url = links.get("next"), links.get("prev") or links.get("previous")

    if next_url is not None:
        next_page = _page_of(next_url, default=page + 1)
    elif total_pages is not None:
        next_page = page + 1 if page < total_pages else None
    elif prev_url is not None:
        next_page = None  # the Link header is there and names no next page
    elif count is not None and count < per_page:
        next_page = None
    else:
        next_page = page + 1
    if next_page is not None and next_page < 1:
        next_page = None
    return PageInfo(page, per_page, total, total_pages, next_page)


def iter_pages(
    fetch: Callable[[int], tuple[list[Any], Mapping[str, str]]],
    start_page: int,
    per_page: int,
) -> Iterator[tuple[list[Any], PageInfo]]:
    """Follow next_page until the end or a loop (BadResponseError, not a spin).

    A loop is a next page already fetched, or a page whose items repeat the previous page's
    (a store or proxy that ignores ``page``). An empty page ends the walk: it cannot make progress.
    """
    page = start_page
    seen: set[int] = set()
    previous: list[Any] | None = None  # the previous page's ids
    while True:
        seen.add(page)
        items, headers = fetch(page)
        items = list(items)
        info = page_info(headers, page, per_page, count=len(items))
        listener = page_listener.get()
        if listener is not None:
            listener(info, len(items))  # may raise to stop the walk (a cancelled MCP call)
        ids = _ids(items)
        if previous is not None and ids is not None and ids == previous:
            raise BadResponseError(
                f"Page {page} repeats page {page - 1} item for item: the store (or a cache in "
                "front of it) seems to ignore the page parameter. Stopped instead of looping.",
                details={"page": page},
            )
        yield items, info
        if info.next_page is None or not items:
            return
        if info.next_page in seen:
            raise BadResponseError(
                f"Page {page} points back to page {info.next_page}, which was already read. "
                "Stopped instead of looping.",
                details={"page": page, "next_page": info.next_page},
            )
        previous, page = ids, info.next_page


def collect(
    pages: Iterable[tuple[list[Any], PageInfo]],
    *,
    start: int,
    per_page: int,
    all_pages: bool = False,
    max_items: int | None = None,
) -> dict[str, Any]:
    """The list envelope from a walk: one page, every page (``all_pages``), or up to ``max_items``.

    ``max_items`` follows pages until it is reached (with or without ``all_pages``): asking for
    250 items never silently returns a page of 100 while more exist. When it cuts a page short,
    ``next_page`` names that same page again: resuming from it repeats a few items rather than
    skipping any, which is what a sync wants.

    While pages are followed the shop keeps writing: a new order pushes the newest-first list
    down, so the next page starts with an item already returned. Such repeats are dropped by
    id. (Items can also move the other way and be missed; ordering by id ascending avoids both.)
    """
    follow = all_pages or max_items is not None
    items: list[Any] = []
    seen: set[Any] = set()
    last: PageInfo | None = None
    truncated = False
    for page_items, info in pages:
        last = info
        fresh = [item for item in page_items if not _repeat(item, seen)]
        room = None if max_items is None else max_items - len(items)
        if room is not None and len(fresh) > room:
            items.extend(fresh[:room])
            truncated = True
            break
        items.extend(fresh)
        if not follow or (max_items is not None and len(items) >= max_items):
            break
    if last is None:
        raise BadResponseError("The page walk ended before its first page.")
    next_page = last.page if truncated else last.next_page
    return {
        "items": items,
        "page": start,
        "per_page": per_page,
        "total": last.total,
        "total_pages": last.total_pages,
        "has_more": next_page is not None,
        "next_page": next_page,
    }


def list_collection(client: WooClient, path: str, args: Mapping[str, Any]) -> dict[str, Any]:
    """What every list tool does: the payload's filters to the store, the pages back as one envelope."""
    per_page = int(args.get("per_page", DEFAULT_PER_PAGE))
    start = int(args.get("page", 1))
    params = store_query(args, omit=CONNECTOR_OPTIONS)
    return collect(
        client.iter_pages(path, params, per_page=per_page, start_page=start),
        start=start,
        per_page=per_page,
        all_pages=bool(args.get("all_pages", False)),
        max_items=args.get("max_items"),
    )


def _repeat(item: Any, seen: set[Any]) -> bool:
    """True for an item whose id an earlier page already returned; records the id otherwise."""
    if not isinstance(item, Mapping) or "id" not in item:
        return False
    if item["id"] in seen:
        return True
    seen.add(item["id"])
    return False


def _ids(items: list[Any]) -> list[Any] | None:
    """The page's ids, or None when items carry none (``_fields`` without id): identical
    projections such as ``[{"status": "processing"}] * 100`` on two pages are no loop."""
    if items and all(isinstance(item, Mapping) and "id" in item for item in items):
        return [item["id"] for item in items]
    return None


def _int_header(value: Any) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def _page_of(url: str, *, default: int) -> int:
    for name, value in parse_qsl(urlsplit(url).query):
        if name == "page":
            try:
                return int(value)
            except ValueError:
                return default
    return default


page_listener: ContextVar[Callable[[PageInfo, int], None] | None] = ContextVar("page_listener", default=None)
"""Told of each page a walk reads (its PageInfo and item count). Agent Mode sets it around a
call to send MCP progress notifications and to stop a cancelled walk between pages; unset, a
walk costs one lookup per page."""
