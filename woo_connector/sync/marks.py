"""Telling a sync's own writes from the shop's: a content fingerprint kept in the mark itself.

A workflow that marks each record it pushed (``synced-to-netsuite`` meta) changes the record,
so the next run sees it again. Remembering what was written per record would make the host's
state grow with the store; instead the mark's value is the fingerprint of the record's content
at the time it was pushed. When the record comes back, its fingerprint is computed again
without the fields the mark itself moves (``date_modified``, the mark's own meta entry): equal
means nothing but our mark changed since, and the record can be skipped.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

LEFT_OUT = frozenset({"date_modified", "date_modified_gmt", "_links", "variation_details", "added_note"})
"""Fields every write moves, and the connector's own additions to a record (``variation_details``,
``added_note``), which a list item does not carry."""


def content_fingerprint(record: Mapping[str, Any], mark_key: str) -> str:
    """A short hash of the record without its modification dates and without the mark."""
    content = {k: v for k, v in record.items() if k not in LEFT_OUT}
    if isinstance(content.get("meta_data"), list):
        content["meta_data"] = [m for m in content["meta_data"]
                                if not (isinstance(m, Mapping) and m.get("key") == mark_key)]
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()[:32]


def mark_meta(record: Mapping[str, Any], mark_key: str) -> dict[str, str]:
    """The meta_data entry to write when the record has been pushed."""
    return {"key": mark_key, "value": content_fingerprint(record, mark_key)}


def is_own_change(record: Mapping[str, Any], mark_key: str) -> bool:
    """True when the only change since the record was marked is the mark itself."""
    for meta in record.get("meta_data") or ():
        if isinstance(meta, Mapping) and meta.get("key") == mark_key:
            return meta.get("value") == content_fingerprint(record, mark_key)
    return False
