"""After a write whose outcome is unknown: find out whether the store did it.

WooCommerce has no idempotency keys, so a create that timed out (or whose connection dropped, or
that a proxy answered 502) may or may not exist. Sending it again can make two. Where the input
names the record uniquely (a product's SKU, a customer's email; the store refuses duplicates of
both) we can look instead: the store may still be working on the first request, so the lookup
is repeated a few times within the call's budget. Found: the record is returned with
``recovered: true``. Not found: the original ``outcome_unknown`` error, with what was looked for.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from .client import WooClient
from .errors import OutcomeUnknownError, WooConnectorError

RECOVERY_WAITS = (0.0, 1.0, 2.0, 4.0)
"""Seconds to wait before each lookup: a store that was slow to answer may be slow to save."""


def create_or_recover(
    client: WooClient,
    path: str,
    body: Mapping[str, Any],
    *,
    key: str,
    query: Callable[[Any], dict[str, Any]],
) -> dict[str, Any]:
    """POST ``body`` to ``path``; on ``outcome_unknown`` look the record up by ``body[key]``.

    ``query(value)`` gives the list query that finds the record by that value.
    """
    try:
        return client.post(path, dict(body))
    except OutcomeUnknownError as exc:
        unknown = exc
    value = body.get(key)
    if not isinstance(value, str) or not value:
        raise unknown
    found = _look_up(client, path, key, value, query(value), unknown)
    if found is None:
        unknown.details.update({"recovered": False, "looked_up": {key: value}})
        raise unknown
    return {**found, "recovered": True}


def _look_up(
    client: WooClient, path: str, key: str, value: str, params: dict[str, Any], exc: OutcomeUnknownError
) -> dict[str, Any] | None:
    budget_end = time.monotonic() + client.conn.call_budget
    for wait in RECOVERY_WAITS:
        if time.monotonic() + wait >= budget_end:
            break
        if wait:
            time.sleep(wait)
        try:
            items = client.get(path, params)
        except WooConnectorError as lookup_failed:
            exc.details["lookup_error"] = lookup_failed.code
            continue
        for item in items if isinstance(items, list) else []:
            if isinstance(item, dict) and str(item.get(key, "")).lower() == value.lower():
                return item
    return None


@contextmanager
def naming_created(what: str, ident: Any) -> Iterator[None]:
    """Any error after ``what`` was created says so: the caller must not create it again."""
    try:
        yield
    except WooConnectorError as exc:
        exc.details.setdefault("created", {})[f"{what}_id"] = ident
        exc.with_message(
            f"{exc.message} The {what} itself was created (id {ident}) before this failed: "
            "update it rather than creating it again."
        )
        raise
