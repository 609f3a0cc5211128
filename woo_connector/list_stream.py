"""A list tool's call as a stream of pages a host can checkpoint after: pages or a cursor sync.

``Registry.iter_pages`` and ``Registry.iter_items`` are two faces of one stream. Each
:class:`StreamPage` carries the items it adds (repeats already dropped), the ids the store
deleted (cursor syncs only) and ``checkpoint``: the payload fields from which calling again
continues right after this page (``{"page": n}`` in a page walk, with the order the walk chose;
``{"cursor": "..."}`` in a sync, where the last page's is the next run's cursor). A host that
writes a page's items out and then stores its checkpoint never loses or repeats a page, even
if it is killed between two pages.

Which walk a tool makes, and what it does to the items it lists (order amounts, a product's
variations), is the tool's own business; a tool pack's list calls ``list_collection`` too. So
the stream asks the tool: its function runs once with ``walk_capture`` set and hands over the
walk instead of fetching anything, and then once per page read, with that page as the answer
of ``list_collection``, so every page gets the tool's own processing, as ``invoke``'s items do.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from .client import WooClient
from .errors import InvalidInputError
from .pagination import ListWalk, PageInfo, WalkHook, is_repeat, walk_capture, walk_pages

Progress = Callable[[int, int | None], None]
PageCheck = Callable[[dict[str, Any]], None]
"""Output validation of one page: the envelope the tool answered for it."""


@dataclass(frozen=True)
class StreamPage:
    """One page of a stream: what it adds, what was deleted, and where to continue after it."""

    items: list[Any]
    deleted: list[int] = field(default_factory=list)
    checkpoint: dict[str, Any] | None = None
    info: PageInfo | None = field(default=None, repr=False)


ToolFunction = Callable[[WooClient, dict[str, Any]], Any]


class ToolPages:
    """A list tool's function, asked for its walk once and then to process each page read."""

    def __init__(self, function: ToolFunction, client: WooClient, args: dict[str, Any], tool: str) -> None:
        self.function, self.client, self.tool = function, client, tool
        self.args = {**args, "all_pages": True}
        hook = WalkHook()
        self._run(hook)
        if not hook.captured:
            raise InvalidInputError(
                f"{tool} does not page through a collection (list_collection): it cannot stream.",
                details={"tool": tool},
            )
        self.walk_client, self.walk = hook.captured[0]

    def _run(self, hook: WalkHook) -> Any:
        token = walk_capture.set(hook)
        try:
            return self.function(self.client, dict(self.args))
        finally:
            walk_capture.reset(token)

    def processed(self, items: list[Any], info: PageInfo | None) -> dict[str, Any]:
        """The tool's answer had this page been the whole list: its items, processed."""
        envelope = {"items": items, "page": info.page if info else 1,
                    "per_page": info.per_page if info else max(1, len(items)),
                    "total": info.total if info else len(items),
                    "total_pages": info.total_pages if info else None,
                    "has_more": info.has_more if info else False,
                    "next_page": info.next_page if info else None}
        return self._run(WalkHook(page=envelope))


def page_stream(
    function: ToolFunction,
    client: WooClient,
    args: dict[str, Any],
    tool: str,
    *,
    on_progress: Progress | None = None,
    check_page: PageCheck | None = None,
) -> Iterator[StreamPage]:
    """The pages of a list call; a payload with ``cursor``/``since`` streams the sync instead."""
    from .sync.changes import RESOURCES, SYNC_KEYS, wants_cursor  # the sync loads only when asked

    if wants_cursor(args):
        pages = ToolPages(function, client, {k: v for k, v in args.items() if k not in SYNC_KEYS}, tool)
        resource = pages.walk.path.strip("/")
        if resource not in RESOURCES:
            raise InvalidInputError(f"{tool} has no cursor sync.", details={"tool": tool})
        return _change_pages(pages, resource, args, on_progress, check_page)
    return _walk_pages(ToolPages(function, client, args, tool), on_progress, check_page)


def _walk_pages(pages: ToolPages, on_progress: Progress | None, check_page: PageCheck | None) -> Iterator[StreamPage]:
    """The shared walk, repeats dropped by id, cut at ``max_items``; progress after each page
    (total from the first page's ``X-WP-Total``) and once more at the end with done == total."""
    walk = pages.walk
    seen: set[Any] = set()
    done, total, first = 0, None, True
    max_items = walk.max_items
    for page_items, info in walk_pages(pages.walk_client, walk):
        if first:
            total = info.total if max_items is None or info.total is None else min(info.total, max_items)
            first = False
        fresh: list[Any] = []
        for item in page_items:
            if max_items is not None and done + len(fresh) >= max_items:
                break
            if not is_repeat(item, seen):
                fresh.append(item)
        done += len(fresh)
        cut = max_items is not None and done >= max_items
        following = info.page if cut and len(fresh) < len(page_items) else info.next_page
        checkpoint = {"page": following, **walk.chosen_order} if following is not None else None
        answer = pages.processed(fresh, info)
        if check_page is not None:
            check_page(answer)
        if on_progress is not None:
            on_progress(done, total)
        yield StreamPage(list(answer["items"]), [], checkpoint, info)
        del page_items, fresh, answer  # let go of this page before the walk decodes the next
        if cut:
            break
    if on_progress is not None and total != done:
        on_progress(done, done)


def _change_pages(pages: ToolPages, resource: str, args: Mapping[str, Any], on_progress: Progress | None,
                  check_page: PageCheck | None) -> Iterator[StreamPage]:
    """A cursor sync's pages (:func:`woo_connector.sync.changes.iter_changes`), as stream pages."""
    from .sync.changes import iter_changes

    done = 0
    for page in iter_changes(pages.walk_client, resource, args):
        answer = {**pages.processed(list(page.items), None), "next_cursor": page.cursor,
                  "deleted": sorted(set(page.deleted))}
        if check_page is not None:
            check_page(answer)
        done += len(page.items)
        if on_progress is not None:
            on_progress(done, None)
        yield StreamPage(list(answer["items"]), list(page.deleted), {"cursor": page.cursor})
    if on_progress is not None:
        on_progress(done, done)


def items_of(pages: Iterator[StreamPage], on_page: Callable[[StreamPage], None] | None = None) -> Iterator[Any]:
    """Items one by one; ``on_page`` runs once a page's last item was taken (its checkpoint is
    then safe to store: the host has handled every item before it)."""
    try:
        for page in pages:
            yield from page.items
            if on_page is not None:
                on_page(page)
            del page  # not alive while the next page is read: one decoded page at a time
    finally:
        close = getattr(pages, "close", None)
        if close is not None:
            close()


__all__ = ["StreamPage", "ToolPages", "page_stream", "items_of"]
