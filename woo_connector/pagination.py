"""Paging, in one place: where a list is in its pages, the walk, and the envelope list tools return.

Positions are read from what WooCommerce says rather than guessed.

WordPress answers every collection with ``X-WP-Total``, ``X-WP-TotalPages`` and a ``Link`` header
carrying ``rel="next"``/``rel="prev"``. A page past the end is ``200 []`` with both totals 0 and a
``prev`` link to page 0 (captures 009, 010). A short page is not proof of the end (``_fields``,
``include`` and plugins can all shorten a page), so it is only used when a caching proxy has
stripped every one of those headers.

The walk (:func:`iter_pages`) is a generator of ``(items, PageInfo)``: callers stop when they
have enough and nothing more is fetched. Once the first page has told the total, a full pull
fetches the pages after it with a few workers (:mod:`woo_connector.page_pool`) and still hands
them out in page order. One walk, two faces: :func:`collect` turns it into the list envelope
(``invoke``), :mod:`woo_connector.list_stream` into pages and items one by one
(``Registry.iter_pages``/``iter_items``); both drop repeats by id and stop at ``max_items``. :func:`list_collection` is what list tools call.

A page that fails for good raises the usual error with ``details.resume``: the payload fields
(``page``, and the order the walk chose) from which calling again reads the rest.

Why concurrent walks pick their order: pages fetched side by side are read at different moments.
Newest first (WooCommerce's default), an order created meanwhile pushes every later page down,
and a page read *before* the push next to one read after it skips what was pushed across. In
ascending id (or creation date) order new records land after the last page and nothing moves,
so a concurrent walk the caller did not order asks for ``orderby=id&order=asc``; any other
order the caller chose is walked one page at a time, where a push only repeats an item (dropped
by id). A record trashed or deleted mid-walk moves the later ones up by one, in any paged walk.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import nullcontext
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

from .collector import larger_young_generation
from .errors import BadResponseError, WooConnectorError
from .query import store_query

if TYPE_CHECKING:
    from .client import WooClient

__all__ = [
    "PageBody", "PageInfo", "page_info", "iter_pages", "parse_link_header", "collect", "list_collection", "page_listener",
    "ListWalk", "WalkHook", "walk_pages", "walk_capture", "is_repeat", "DEFAULT_CONCURRENCY",
]

# The connector's own list options; everything else in a list payload is a WooCommerce filter.
CONNECTOR_OPTIONS = frozenset({"all_pages", "max_items", "page", "per_page", "concurrency"})
DEFAULT_PER_PAGE = 100
DEFAULT_CONCURRENCY = 4
"""Pages in flight in a full pull unless the payload says ``concurrency`` (schemas/defs/list_query.json
carries the same default). Measured in the README's "Streaming and big pulls" section."""
STABLE_ASCENDING = frozenset({"id", "date", "registered_date"})
"""Orders in which a record created meanwhile lands after the last page (with ``order=asc``)."""

_LINK = re.compile(r"<([^>]*)>([^<]*)")  # a target and its parameters, up to the next target
_REL = re.compile(r"""(?i)\brel\s*=\s*(?:"([^"]*)"|([^;,\s]+))""")


class PageBody:
    """A page fetched ahead of its turn, kept as the bytes the store sent until :meth:`decode`.

    Why: Python objects are 5-10x their JSON, so a worker that decoded the pages it fetched ahead
    would hold several whole pages the consumer has not reached (issue 8, S3). The walk decodes
    a page when it is its turn to be handed out, and the bytes are let go as it does.
    """

    __slots__ = ("_decode",)

    def __init__(self, decode: Callable[[], tuple[list[Any], Mapping[str, str]]]) -> None:
        self._decode: Callable[[], tuple[list[Any], Mapping[str, str]]] | None = decode

    def decode(self) -> tuple[list[Any], Mapping[str, str]]:
        """The page's items and headers; a second call is a bug (the bytes are gone)."""
        decode, self._decode = self._decode, None
        if decode is None:
            raise RuntimeError("PageBody.decode called twice")
        return decode()


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
    *,
    concurrency: int = 1,
    want: int | None = None,
    fetch_once: Callable[[int], PageBody] | None = None,
) -> Iterator[tuple[list[Any], PageInfo]]:
    """Follow next_page until the end or a loop (BadResponseError, not a spin).

    A loop is a next page already fetched, or a page whose items repeat the previous page's
    (a store or proxy that ignores ``page``). An empty page ends the walk: it cannot make progress.

    With ``concurrency`` above 1 the pages the first one announced (``X-WP-TotalPages``; no more
    than ``want`` items need) are fetched by :func:`page_pool.fetch_in_order` with ``fetch_once``
    (one attempt: the pool retries, to shrink on 429); what follows them, if the list grew, is
    followed one page at a time. A page that fails for good gets ``details.resume`` = its page.

    Memory: the pool's workers keep the pages they fetch ahead as bytes (:class:`PageBody`); a
    page is decoded when it is handed out, and the walk lets go of each page before it reads
    the next, so one decoded page is alive at a time (what the caller keeps is its business).
    """
    guard = _Guard(per_page)
    page = start_page
    items, info = guard.read(page, _resumable(fetch, page))
    end, first_count = info.next_page is None or not items, len(items)
    yield items, info
    del items
    if end:
        return
    page = guard.next_of(info)
    if concurrency > 1 and info.total_pages is not None and page == start_page + 1 <= info.total_pages:
        from .page_pool import fetch_in_order  # the pool needs the client module, which needs this one

        last = info.total_pages
        if want is not None:
            last = min(last, start_page + max(1, math.ceil((want - first_count) / per_page)))
        later = fetch_once or (lambda number: _eager(fetch, number))
        planned = fetch_in_order(later, range(page, last + 1), concurrency=concurrency)
        expected = page
        try:
            for number, body in planned:
                expected = number
                items, info = guard.read(number, body.decode())
                del body
                end = info.next_page is None or not items
                yield items, info
                del items
                expected = number + 1
                if end:
                    return
        except WooConnectorError as exc:
            exc.details.setdefault("resume", {"page": expected})
            raise
        finally:
            planned.close()
        page = guard.next_of(info)
    while True:
        items, info = guard.read(page, _resumable(fetch, page))
        end = info.next_page is None or not items
        yield items, info
        del items
        if end:
            return
        page = guard.next_of(info)


def _eager(fetch: Callable[[int], tuple[list[Any], Mapping[str, str]]], page: int) -> PageBody:
    """A page read at once, for a walk given no ``fetch_once`` (nothing to keep as bytes)."""
    answer = fetch(page)
    return PageBody(lambda: answer)


class _Guard:
    """What every page of a walk goes through, concurrent or not: Agent Mode's listener (progress,
    cancellation) once per page in page order, and the loop checks."""

    def __init__(self, per_page: int) -> None:
        self.per_page = per_page
        self.seen: set[int] = set()
        self.previous: list[Any] | None = None  # the previous page's ids

    def read(self, page: int, answer: tuple[list[Any], Mapping[str, str]]) -> tuple[list[Any], PageInfo]:
        self.seen.add(page)
        items, headers = answer
        items = list(items)
        info = page_info(headers, page, self.per_page, count=len(items))
        listener = page_listener.get()
        if listener is not None:
            listener(info, len(items))  # may raise to stop the walk (a cancelled MCP call)
        ids = _ids(items)
        if self.previous is not None and ids is not None and ids == self.previous:
            raise BadResponseError(
                f"Page {page} repeats page {page - 1} item for item: the store (or a cache in "
                "front of it) seems to ignore the page parameter. Stopped instead of looping.",
                details={"page": page},
            )
        self.previous = ids
        return items, info

    def next_of(self, info: PageInfo) -> int:
        assert info.next_page is not None
        if info.next_page in self.seen:
            raise BadResponseError(
                f"Page {info.page} points back to page {info.next_page}, which was already read. "
                "Stopped instead of looping.",
                details={"page": info.page, "next_page": info.next_page},
            )
        return info.next_page


def _resumable(
    fetch: Callable[[int], tuple[list[Any], Mapping[str, str]]], page: int
) -> tuple[list[Any], Mapping[str, str]]:
    try:
        return fetch(page)
    except WooConnectorError as exc:
        exc.details.setdefault("resume", {"page": page})
        raise


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
    check = collected_items.get()
    with larger_young_generation() if follow else nullcontext():
        for page_items, info in pages:
            last = info
            fresh = [item for item in page_items if not is_repeat(item, seen)]
            room = None if max_items is None else max_items - len(items)
            if room is not None and len(fresh) > room:
                fresh = fresh[:room]
                truncated = True
            if check is not None:
                check(fresh)
            items.extend(fresh)
            if truncated:
                break
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


@dataclass(frozen=True)
class ListWalk:
    """One list call as the walk sees it: the store's query and the connector's paging options."""

    path: str
    params: dict[str, Any] = field(repr=False)
    start: int = 1
    per_page: int = DEFAULT_PER_PAGE
    all_pages: bool = False
    max_items: int | None = None
    concurrency: int = 1
    chosen_order: dict[str, str] = field(default_factory=dict)
    """``orderby``/``order`` the connector added so that a concurrent walk sees no page shift."""

    @classmethod
    def of(cls, path: str, args: Mapping[str, Any]) -> "ListWalk":
        per_page = int(args.get("per_page", DEFAULT_PER_PAGE))
        all_pages = bool(args.get("all_pages", False))
        params = store_query(args, omit=CONNECTOR_OPTIONS)
        concurrency = int(args.get("concurrency", DEFAULT_CONCURRENCY)) if all_pages else 1
        chosen: dict[str, str] = {}
        if concurrency > 1 and "offset" in args:
            concurrency = 1  # offset overrides page at the store: the pages are not ours to plan
        elif concurrency > 1 and "orderby" not in args and "order" not in args:
            chosen = {"orderby": "id", "order": "asc"}
            params = {**params, **chosen}
        elif concurrency > 1 and not (args.get("order") == "asc" and args.get("orderby") in STABLE_ASCENDING):
            concurrency = 1  # an order the caller chose that can shift: one page at a time
        return cls(path, params, int(args.get("page", 1)), per_page, all_pages, args.get("max_items"),
                   concurrency, chosen)

    @property
    def follow(self) -> bool:
        return self.all_pages or self.max_items is not None


def walk_pages(client: WooClient, walk: ListWalk) -> Iterator[tuple[list[Any], PageInfo]]:
    """The walk every face of a list call shares; an error's ``details.resume`` is the payload
    fields to call again with (the page, and the order the walk chose)."""
    pages = iter_pages(
        lambda page: client.fetch_page(walk.path, walk.params, page, walk.per_page),
        walk.start,
        walk.per_page,
        concurrency=walk.concurrency,
        want=walk.max_items,
        fetch_once=lambda page: client.fetch_page_later(walk.path, walk.params, page, walk.per_page),
    )
    try:
        yield from pages
    except WooConnectorError as exc:
        resume = exc.details.get("resume")
        if isinstance(resume, dict):
            resume.update(walk.chosen_order)
        raise
    finally:
        pages.close()


def list_collection(client: WooClient, path: str, args: Mapping[str, Any]) -> dict[str, Any]:
    """What every list tool does: the payload's filters to the store, the pages back as one envelope.

    Under ``Registry.iter_items`` (``walk_capture`` set) nothing is fetched here: the walk is
    handed to the stream, and each page it reads comes back through here (``hook.page``) so
    that whatever the tool does to its items (amounts, variations) is done to every page."""
    walk = ListWalk.of(path, args)
    hook = walk_capture.get()
    if hook is not None:
        if hook.page is not None:
            return dict(hook.page)
        hook.captured.append((client, walk))
        return {"items": [], "page": walk.start, "per_page": walk.per_page, "total": None,
                "total_pages": None, "has_more": False, "next_page": None}
    return collect(
        walk_pages(client, walk),
        start=walk.start,
        per_page=walk.per_page,
        all_pages=walk.all_pages,
        max_items=walk.max_items,
    )


def is_repeat(item: Any, seen: set[Any]) -> bool:
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


collected_items: ContextVar[Callable[[list[Any]], None] | None] = ContextVar("collected_items", default=None)
"""Told of the items each page adds to a :func:`collect` envelope, before the next page is
waited for. Strict output sets it (``early_output.EarlyItems``) to check a long list while the
rest of it is still arriving."""


page_listener: ContextVar[Callable[[PageInfo, int], None] | None] = ContextVar("page_listener", default=None)
"""Told of each page a walk reads (its PageInfo and item count). Agent Mode sets it around a
call to send MCP progress notifications and to stop a cancelled walk between pages; unset, a
walk costs one lookup per page."""


@dataclass
class WalkHook:
    """What ``Registry.iter_items`` sets around a list tool's function: ``captured`` receives the
    tool's client and walk instead of a fetch; with ``page`` set, that envelope is the answer."""

    captured: list[tuple[Any, ListWalk]] = field(default_factory=list)
    page: dict[str, Any] | None = None


walk_capture: ContextVar[WalkHook | None] = ContextVar("walk_capture", default=None)
"""Set by ``Registry.iter_items`` (:mod:`woo_connector.list_stream`): any list tool that calls
:func:`list_collection` (a tool pack's too) streams, its own item processing included."""
