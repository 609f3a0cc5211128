"""Reading one closed window of changes so that a write during the walk can never hide a record.

A run reads the records stamped in ``(W, U]``: ``W`` the cursor's watermark, ``U`` the store's
own clock (the HTTP ``Date`` of the run's first answer, so the connector's clock never matters)
minus :data:`SETTLE_SECONDS`, because WooCommerce stamps ``date_modified`` before the write is
committed. Once ``U`` is in the past no record can enter the window: any write restamps a record
past ``U``, so records can only leave it (and come out in the next run, stamped after ``U``).

Pages are ordered by id, which does not change, and read from the last to the first. A record
leaving the window shifts the records after it one place towards the first page, and those
pages are still to be read, so nothing is skipped; what shifts onto a page not yet read comes
out twice and is dropped by id. (Read first to last, each leaver would hide one record.)
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

from ..client import WooClient
from ..errors import BadResponseError
from .cursor import gmt_text, parse_gmt

SETTLE_SECONDS = 3
"""How long after the store's clock a stamp is trusted to be committed (and so visible)."""

ONE_SECOND = timedelta(seconds=1)


@dataclass(frozen=True)
class Window:
    """Records with ``lower < date_modified_gmt <= upper``; no lower bound from the beginning."""

    lower: datetime | None
    upper: datetime

    @property
    def empty(self) -> bool:
        return self.lower is not None and self.upper <= self.lower

    def holds(self, record: Mapping[str, Any]) -> bool:
        stamp = parse_gmt(record.get("date_modified_gmt"))
        if stamp is None:
            return False
        return stamp <= self.upper and (self.lower is None or stamp > self.lower)

    def params(self) -> dict[str, Any]:
        """The store's filters for this window: both bounds exclusive, whole seconds, GMT."""
        params: dict[str, Any] = {"modified_before": gmt_text(self.upper + ONE_SECOND), "dates_are_gmt": True}
        if self.lower is not None:
            params["modified_after"] = gmt_text(self.lower)
        return params


def store_clock(headers: Mapping[str, str], settle_seconds: float) -> datetime:
    """The window's upper bound from the answer's ``Date`` header, minus the settle margin."""
    raw = next((v for k, v in headers.items() if str(k).lower() == "date"), None)
    try:
        moment = parsedate_to_datetime(str(raw)) if raw else None
    except (TypeError, ValueError):
        moment = None
    if moment is None or moment.tzinfo is None:
        raise BadResponseError(
            "The store's answer has no usable Date header, and a sync cursor needs the store's own "
            "clock (the connector's clock may be skewed). Check the proxy in front of the store.",
            details={"date_header": raw},
        )
    return (moment - timedelta(seconds=settle_seconds)).replace(microsecond=0)


def count(client: WooClient, path: str, params: Mapping[str, Any]) -> tuple[int, Mapping[str, str]]:
    """How many records match (``X-WP-Total``), for the price of one id."""
    _items, headers = client.fetch_page(path, {**params, "_fields": "id"}, 1, 1)
    return total_of(headers, path), headers


def total_of(headers: Mapping[str, str], path: str) -> int:
    lowered = {str(k).lower(): v for k, v in headers.items()}
    try:
        return int(str(lowered["x-wp-total"]).strip())
    except (KeyError, ValueError):
        raise BadResponseError(
            f"The store did not say how many records match (no X-WP-Total) on {path}; a sync walks "
            "its pages from the last one and needs that count. Check a cache or proxy stripping headers.",
        ) from None


def last_page(total: int, per_page: int) -> int:
    return max(1, math.ceil(total / per_page)) if total else 0


@dataclass(frozen=True)
class Page:
    """What one page of a downward walk gave: the new records and every id it held."""

    items: list[dict[str, Any]]
    number: int
    ids: tuple[int, ...]


def walk_down(
    client: WooClient,
    path: str,
    params: Mapping[str, Any],
    *,
    per_page: int,
    start: int,
    seen: tuple[int, ...] = (),
) -> Iterator[Page]:
    """Pages ``start``, ``start - 1`` ... 1 of an id-ascending list, records already given dropped.

    ``seen`` is the ids of the page read just before (when resuming): the only records a leaver
    can shift onto the next page down.
    """
    ordered = {**params, "orderby": "id", "order": "asc"}
    given: set[int] = set(seen)
    for number in range(start, 0, -1):
        items, _headers = client.fetch_page(path, ordered, number, per_page)
        ids = tuple(int(item["id"]) for item in items)
        fresh = [item for item in items if int(item["id"]) not in given]
        given.update(ids)
        yield Page(fresh, number, ids)
