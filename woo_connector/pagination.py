"""Where a list is in its pages, read from what WooCommerce says rather than guessed.

WordPress answers every collection with ``X-WP-Total``, ``X-WP-TotalPages`` and a ``Link`` header
carrying ``rel="next"``/``rel="prev"``. A page past the end is ``200 []`` with both totals 0 and a
``prev`` link to page 0 (captures 009, 010). A short page is not proof of the end (``_fields``,
``include`` and plugins can all shorten a page), so it is only used when a caching proxy has
stripped every one of those headers.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from .errors import BadResponseError

__all__ = ["PageInfo", "page_info", "iter_pages", "parse_link_header", "page_listener"]

_LINK = re.compile(r"<([^>]*)>([^<]*)")  # a target and its parameters, up to the next target
_REL = re.compile(r"""(?i)\brel\s*=\s*(?:"([^"]*)"|([^;,\s]+))""")


@dataclass(frozen=True)
class PageInfo:
    page: int
    per_page: int
    total: int | None
    total_pages: int | None
    next_page: int | None
    prev_page: int | None

    @property
    def has_more(self) -> bool:
        return self.next_page is not None

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape tools return, ``has_more`` included."""
        return {
            "page": self.page,
            "per_page": self.per_page,
            "total": self.total,
            "total_pages": self.total_pages,
            "next_page": self.next_page,
            "prev_page": self.prev_page,
            "has_more": self.has_more,
        }


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

    if prev_url is not None:
        prev_page = _page_of(prev_url, default=page - 1)
    elif page > 1:
        prev_page = page - 1 if total_pages is None else min(page - 1, total_pages)
    else:
        prev_page = None
    if next_page is not None and next_page < 1:
        next_page = None
    if prev_page is not None and prev_page < 1:
        prev_page = None  # past the end WordPress links "prev" to page 0
    return PageInfo(page, per_page, total, total_pages, next_page, prev_page)


def iter_pages(
    fetch: Callable[[int], tuple[list[Any], Mapping[str, str]]],
    start_page: int,
    per_page: int,
    max_items: int | None = None,
) -> Iterator[tuple[list[Any], PageInfo]]:
    """Follow next_page until the end, ``max_items``, or a loop (BadResponseError, not a spin).

    A loop is a next page already fetched, or a page whose items repeat the previous page's
    (a store or proxy that ignores ``page``). An empty page ends the walk: it cannot make progress.
    The last page is cut to ``max_items``; its PageInfo still says whether more exist.
    """
    if max_items is not None and max_items <= 0:
        return
    page = start_page
    seen: set[int] = set()
    previous: list[Any] | None = None  # the previous page's ids
    remaining = max_items
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
        if remaining is not None and len(items) >= remaining:
            yield items[:remaining], info
            return
        yield items, info
        if remaining is not None:
            remaining -= len(items)
        if info.next_page is None or not items:
            return
        if info.next_page in seen:
            raise BadResponseError(
                f"Page {page} points back to page {info.next_page}, which was already read. "
                "Stopped instead of looping.",
                details={"page": page, "next_page": info.next_page},
            )
        previous, page = ids, info.next_page


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
