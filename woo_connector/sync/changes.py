"""Every change since a cursor, for one resource, as pages a host can checkpoint after.

:func:`iter_changes` is the walk (a generator: the streaming interface plugs it in page by page);
:func:`list_changes` is what the list tools return when given ``cursor`` or ``since``. A run has
up to three stages, each resumable on its own:

- ``items``: the window's records (see :mod:`.window`). Customers have no modified filter on the
  store (WooCommerce issue 31482; ``modified_after`` is silently ignored, capture 273), so their
  window is chosen client-side from a walk of ``id,date_modified_gmt`` (one cheap request per
  100 customers) and the chosen ones are fetched with ``include`` in chunks of 100.
- ``trash``: ids trashed inside the window (``status=trash``), for resources that have a trash.
- ``reconcile``: of the ``known_ids`` the host passed, those the store no longer has
  (permanently deleted or trashed), one ``include`` request per 100 ids.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from ..client import WooClient
from ..errors import WooConnectorError
from ..pagination import CONNECTOR_OPTIONS
from ..query import store_query
from .cursor import Cursor, start_cursor
from .window import SETTLE_SECONDS, Window, count, last_page, store_clock, total_of, walk_down

DEFAULT_PER_PAGE = 100
CHUNK = 100  # ids per include request: WooCommerce's per_page maximum
SYNC_KEYS = frozenset({"cursor", "since", "known_ids"})


@dataclass(frozen=True)
class Resource:
    path: str
    has_trash: bool
    date_filter: bool
    every_record: Mapping[str, Any]  # the filter that lists records of any state, for reconciling


RESOURCES: dict[str, Resource] = {
    "orders": Resource("/orders", has_trash=True, date_filter=True, every_record={}),
    "products": Resource("/products", has_trash=True, date_filter=True, every_record={}),
    "coupons": Resource("/coupons", has_trash=True, date_filter=True, every_record={}),
    "customers": Resource("/customers", has_trash=False, date_filter=False, every_record={"role": "all"}),
}


Stage = Iterator["ChangePage"]
StageFunction = Callable[[WooClient, "Resource", Cursor, Mapping[str, Any], list[int]], Stage]


@dataclass(frozen=True)
class ChangePage:
    """Records (latest state), ids deleted, and the cursor to store once both are written out."""

    items: list[dict[str, Any]]
    deleted: list[int]
    cursor: str


def wants_cursor(args: Mapping[str, Any]) -> bool:
    """Whether a list payload asks for a cursor sync rather than pages."""
    return any(key in args for key in SYNC_KEYS)


def store_filters(args: Mapping[str, Any]) -> dict[str, Any]:
    """The payload's filters as the store reads them, with the fields a sync cannot do without."""
    params = store_query(args, omit=SYNC_KEYS | CONNECTOR_OPTIONS)
    if "_fields" in params:
        names = str(params["_fields"]).split(",")
        params["_fields"] = ",".join(dict.fromkeys([*names, "id", "date_modified_gmt"]))
    return params


def iter_changes(
    client: WooClient,
    resource: str,
    args: Mapping[str, Any],
    *,
    settle_seconds: float = SETTLE_SECONDS,
) -> Iterator[ChangePage]:
    """Pages of changes since ``args['cursor']`` (or ``since``); the last page's cursor is the next run's.

    A failure raises the usual error with ``details.resume_cursor``: the cursor after the last
    page this generator yielded.
    """
    kind = RESOURCES[resource]
    cursor = start_cursor(resource, args)
    checkpoint = cursor.encode()
    params = store_filters(args)
    known = sorted({int(i) for i in args.get("known_ids") or ()})
    stages: list[tuple[str, StageFunction]] = [("items", _window_items if kind.date_filter else _customer_items)]
    if kind.has_trash and not _lists_trash(params):
        stages.append(("trash", _trashed))
    if known:
        stages.append(("reconcile", _reconciled))
    names = [name for name, _ in stages] + ["done"]
    try:
        if not cursor.resuming:
            cursor = _open_window(client, kind, cursor, params, args, settle_seconds)
            checkpoint = cursor.encode()
        begin = names.index(cursor.stage) if cursor.stage in names else 0
        for index in range(begin, len(stages)):
            for page in stages[index][1](client, kind, cursor, params, known):
                checkpoint = page.cursor
                yield page
            cursor = cursor.at(stage=names[index + 1], page=None, seen=(), after_id=0)
            checkpoint = cursor.encode()
        final = cursor.advanced().encode()
        checkpoint = final
        yield ChangePage([], [], final)
    except WooConnectorError as exc:
        exc.details["resume_cursor"] = checkpoint
        raise


def list_changes(client: WooClient, resource: str, args: Mapping[str, Any]) -> dict[str, Any]:
    """The list tools' answer to a cursor: every change in one result, plus ``next_cursor``.

    All or nothing: a failure part-way delivers nothing, so its ``resume_cursor`` is the cursor
    that was passed in. Hosts that want to keep what arrived stream :func:`iter_changes`.
    """
    items: list[dict[str, Any]] = []
    deleted: list[int] = []
    next_cursor = ""
    try:
        for page in iter_changes(client, resource, args):
            items.extend(page.items)
            deleted.extend(page.deleted)
            next_cursor = page.cursor
    except WooConnectorError as exc:
        exc.details["resume_cursor"] = start_cursor(resource, args).encode()
        raise
    return {
        "items": items,
        "page": 1,
        "per_page": int(args.get("per_page", DEFAULT_PER_PAGE)),
        "total": len(items),
        "total_pages": None,
        "has_more": False,
        "next_page": None,
        "next_cursor": next_cursor,
        "deleted": sorted(set(deleted)),
    }


# -- stages -----------------------------------------------------------------------------------


def _window_of(cursor: Cursor) -> Window:
    if cursor.upper is None:  # stages run only once _open_window (or a resume cursor) set it
        raise ValueError("the cursor's window has no upper bound yet")
    return Window(cursor.watermark, cursor.upper)


def _open_window(
    client: WooClient, kind: Resource, cursor: Cursor, params: Mapping[str, Any],
    args: Mapping[str, Any], settle_seconds: float,
) -> Cursor:
    """One count request fixes the window's upper bound from the store's clock.

    It asks for everything after the watermark (no upper bound yet): when that is nothing, the
    run is over after this one request, and the window still moves up to the store's clock.
    """
    per_page = int(args.get("per_page", DEFAULT_PER_PAGE))
    lower = cursor.watermark
    if kind.date_filter:
        probe = {**params, "dates_are_gmt": True}
        if lower is not None:
            probe["modified_after"] = Window(lower, lower).params()["modified_after"]
    else:
        probe = dict(params)
    total, headers = count(client, kind.path, probe)
    upper = store_clock(headers, settle_seconds)
    if lower is not None and upper < lower:
        upper = lower  # a run within the settle margin of the last: nothing to read yet
    return cursor.at(upper=upper, stage="items", page=last_page(total, per_page), per_page=per_page)


def _window_items(client: WooClient, kind: Resource, cursor: Cursor,
                  params: Mapping[str, Any], known: list[int]) -> Stage:
    window = _window_of(cursor)
    if window.empty or not cursor.page:
        return
    for page in walk_down(client, kind.path, {**params, **window.params()}, per_page=cursor.per_page or DEFAULT_PER_PAGE,
                          start=cursor.page, seen=cursor.seen):
        items = [item for item in page.items if window.holds(item)]
        yield ChangePage(items, [], cursor.at(page=page.number - 1, seen=page.ids).encode())


def _customer_items(client: WooClient, kind: Resource, cursor: Cursor,
                    params: Mapping[str, Any], known: list[int]) -> Stage:
    """The window chosen from a projected walk of every customer, then fetched by id."""
    window = _window_of(cursor)
    if window.empty:
        return
    per_page = cursor.per_page or DEFAULT_PER_PAGE
    stamps = {k: v for k, v in params.items() if k != "_fields"}
    start = cursor.page
    if start is None:  # resuming after a failure: recount (one request)
        start = last_page(count(client, kind.path, stamps)[0], per_page)
    chosen: set[int] = set()
    for page in walk_down(client, kind.path, {**stamps, "_fields": "id,date_modified_gmt"},
                          per_page=per_page, start=start or 0):
        chosen.update(int(item["id"]) for item in page.items if window.holds(item))
    pending = sorted(i for i in chosen if i > cursor.after_id)
    for offset in range(0, len(pending), CHUNK):
        chunk = pending[offset:offset + CHUNK]
        items, _ = client.fetch_page(kind.path, {**params, "include": chunk, "orderby": "id", "order": "asc"},
                                     1, CHUNK)
        fresh = [item for item in items if window.holds(item)]  # changed since: next run's
        yield ChangePage(fresh, [], cursor.at(page=None, after_id=chunk[-1]).encode())


def _trashed(client: WooClient, kind: Resource, cursor: Cursor,
             params: Mapping[str, Any], known: list[int]) -> Stage:
    """Ids trashed inside the window. The trash is usually small: its first page (ids, stamps
    and status only) is read straight away, and only when it does not hold everything is the
    trash walked from its last page like the records."""
    window = _window_of(cursor)
    if window.empty:
        return
    per_page = cursor.per_page or DEFAULT_PER_PAGE
    trash = {**{k: v for k, v in params.items() if k not in ("_fields", "status")}, **window.params(),
             "status": "trash", "_fields": "id,date_modified_gmt,status"}
    start = cursor.page
    if start is None:
        items, headers = client.fetch_page(kind.path, {**trash, "orderby": "id", "order": "asc"}, 1, per_page)
        total = total_of(headers, kind.path)
        if total <= per_page:
            yield ChangePage([], _trashed_ids(items, window), cursor.at(page=0).encode())
            return
        start = last_page(total, per_page)
    for page in walk_down(client, kind.path, trash, per_page=per_page, start=start, seen=cursor.seen):
        yield ChangePage([], _trashed_ids(page.items, window), cursor.at(page=page.number - 1, seen=page.ids).encode())


def _trashed_ids(items: list[dict[str, Any]], window: Window) -> list[int]:
    """A store (or plugin) that ignores status=trash must not turn live records into deletes."""
    return [int(item["id"]) for item in items if item.get("status") == "trash" and window.holds(item)]


def _reconciled(client: WooClient, kind: Resource, cursor: Cursor,
                params: Mapping[str, Any], known: list[int]) -> Stage:
    """Known ids the store no longer lists: checked ``include`` 100 at a time, ids only."""
    pending = [i for i in known if i > cursor.after_id]
    for offset in range(0, len(pending), CHUNK):
        chunk = pending[offset:offset + CHUNK]
        items, _ = client.fetch_page(kind.path, {**kind.every_record, "include": chunk, "_fields": "id"}, 1, CHUNK)
        present = {int(item["id"]) for item in items}
        yield ChangePage([], [i for i in chunk if i not in present], cursor.at(after_id=chunk[-1]).encode())


def _lists_trash(params: Mapping[str, Any]) -> bool:
    status = params.get("status")
    return status == "trash" or (isinstance(status, list) and "trash" in status)
