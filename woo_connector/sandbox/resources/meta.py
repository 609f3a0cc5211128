"""``meta_data`` writes as WooCommerce applies them to any object (captures 051-055).

An entry with an ``id`` updates that row; one with only a ``key`` updates the first row with
that key or adds a new one; ``"value": null`` deletes the key. Orders list their meta sorted by
key (as the HPOS store returns them), which callers get from :func:`ordered`.
"""

from __future__ import annotations

from typing import Any


def apply(store: Any, meta: list[dict[str, Any]], changes: Any) -> list[dict[str, Any]]:
    """Apply a request's ``meta_data`` list to ``meta`` and return the new list."""
    rows = [dict(row) for row in meta]
    if not isinstance(changes, list):
        return rows
    for change in changes:
        if not isinstance(change, dict) or "key" not in change and "id" not in change:
            continue
        value = change.get("value")
        target = None
        if change.get("id") is not None:
            target = next((row for row in rows if row["id"] == _as_int(change["id"])), None)
        elif "key" in change:
            target = next((row for row in rows if row["key"] == change["key"]), None)
        if value is None and "value" in change:
            key = target["key"] if target else change.get("key")
            rows = [row for row in rows if row["key"] != key]
            continue
        if target is not None:
            target["value"] = value
            if "key" in change:
                target["key"] = change["key"]
        elif "key" in change:
            rows.append({"id": store.next_id("meta"), "key": str(change["key"]), "value": value})
    return rows


def ordered(meta: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(meta, key=lambda row: (row["key"], row["id"]))


def _as_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
