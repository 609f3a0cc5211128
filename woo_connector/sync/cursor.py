"""The sync cursor: an opaque string that is the whole of a host's sync state.

It is versioned base64url JSON so that a host stores one short string per sync and nothing per
record. Plain cursors hold the watermark ``W``: every change stamped at or before ``W`` (GMT,
whole seconds) has been delivered. Resume cursors, handed out part-way through a walk, also hold
the window's upper bound ``U`` and where the walk stood, so that a retry reads the same closed
window and neither repeats nor skips what was already delivered.

The cursor carries a fingerprint of each filter it was made with (name and a short hash of the
value, so that long ``include`` lists do not bloat it): reading ``status=processing`` changes with
a cursor made for ``status=completed`` would silently drop records, so a mismatch is refused,
naming the filters that differ, rather than reinterpreted.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from typing import Any, Mapping

from ..errors import InvalidInputError

VERSION = 1
GMT_FORMAT = "%Y-%m-%dT%H:%M:%S"

OPTIONS = frozenset({
    "cursor", "since", "known_ids", "all_pages", "max_items", "page", "per_page",
    "_fields", "context", "dp", "orderby", "order",
})
"""Payload keys that shape how records are read, not which: left out of the fingerprint."""

WINDOW_OWNED = ("modified_after", "modified_before", "offset", "page", "max_items")
"""Keys the cursor walk sets itself (or that would cut a window short): refused with a cursor."""


@dataclass(frozen=True)
class Cursor:
    """Decoded sync position. ``upper`` and later fields are set only part-way through a walk."""

    resource: str
    filters: tuple[tuple[str, str], ...]
    watermark: datetime | None
    upper: datetime | None = None
    stage: str = "items"
    page: int | None = None
    per_page: int | None = None
    seen: tuple[int, ...] = field(default=())
    after_id: int = 0

    @property
    def resuming(self) -> bool:
        return self.upper is not None

    def advanced(self) -> "Cursor":
        """The plain cursor for the next run, once the window up to ``upper`` is delivered."""
        return Cursor(self.resource, self.filters, self.upper or self.watermark)

    def at(self, **changes: Any) -> "Cursor":
        return replace(self, **changes)

    def encode(self) -> str:
        body: dict[str, Any] = {"v": VERSION, "r": self.resource, "f": dict(self.filters),
                                "w": gmt_text(self.watermark)}
        if self.upper is not None:
            body.update(u=gmt_text(self.upper), st=self.stage, k=self.page, pp=self.per_page,
                        s=list(self.seen), a=self.after_id)
        raw = json.dumps(body, separators=(",", ":"), sort_keys=True).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def gmt_text(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(timezone.utc).strftime(GMT_FORMAT)


def parse_gmt(text: str | None) -> datetime | None:
    """A WooCommerce ``*_gmt`` field (no offset, whole seconds) as an aware UTC instant."""
    if not text:
        return None
    return datetime.strptime(str(text)[:19], GMT_FORMAT).replace(tzinfo=timezone.utc)


def filters_of(args: Mapping[str, Any]) -> dict[str, Any]:
    """The filters a cursor is bound to: everything in the payload that selects records."""
    return {k: v for k, v in args.items() if k not in OPTIONS}


def fingerprint(filters: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    """Each filter's name with a short hash of its value, sorted: comparable, and small."""

    def digest(value: Any) -> str:
        canonical = json.dumps(value, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()[:8]

    return tuple(sorted((name, digest(value)) for name, value in filters.items()))


def differing(made: tuple[tuple[str, str], ...], given: tuple[tuple[str, str], ...]) -> list[str]:
    old, new = dict(made), dict(given)
    return sorted(name for name in set(old) | set(new) if old.get(name) != new.get(name))


def since_instant(text: str) -> datetime:
    """``since`` as GMT, floored to the second (a record stamped in that second is included).

    Without an offset the value is read as GMT, the way ``dates_are_gmt`` reads bounds.
    """
    value = text.strip().replace(" ", "T").replace("z", "Z")
    if value.endswith("Z"):
        value = value[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(value.replace(",", "."))
    except ValueError:
        raise InvalidInputError(
            f"since {text!r} is not an ISO 8601 date-time.", details={"field": "since"}
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    moment = moment.astimezone(timezone.utc).replace(microsecond=0)
    return moment - timedelta(seconds=1)  # the window's lower bound is exclusive


def start_cursor(resource: str, args: Mapping[str, Any]) -> Cursor:
    """The cursor a payload asks for: ``cursor`` (``""`` = from the beginning) or ``since``."""
    owned = [name for name in WINDOW_OWNED if name in args and not (name == "page" and args[name] == 1)]
    if owned:
        raise InvalidInputError(
            f"{', '.join(owned)} cannot be combined with cursor or since: the cursor sets the "
            "modified window itself and always reads it whole.",
            details={"fields": owned},
        )
    local = [name for name in ("after", "before") if name in args and not _has_offset(str(args[name]))]
    if local and args.get("dates_are_gmt") is not True:
        raise InvalidInputError(
            f"{', '.join(local)} without an offset is store time, but the cursor reads GMT: give "
            "the offset (e.g. Z) or set dates_are_gmt to true.",
            details={"fields": local},
        )
    bound = fingerprint(filters_of(args))
    if "cursor" not in args and "since" not in args:
        raise InvalidInputError("known_ids is only read by a cursor sync: give cursor (\"\" the first "
                                "time) or since as well.", details={"fields": ["known_ids"]})
    if "cursor" in args and "since" in args:
        raise InvalidInputError("Give cursor or since, not both.", details={"fields": ["cursor", "since"]})
    if "since" in args:
        return Cursor(resource, bound, since_instant(str(args["since"])))
    token = str(args.get("cursor", ""))
    if token == "":
        return Cursor(resource, bound, None)
    cursor = decode(token)
    if cursor.resource != resource:
        raise InvalidInputError(
            f"This cursor was made for {cursor.resource}, not {resource}.",
            details={"field": "cursor", "cursor_resource": cursor.resource},
        )
    changed = differing(cursor.filters, bound)
    if changed:
        raise InvalidInputError(
            f"cursor was made with other filters: {', '.join(changed)} differ. A cursor only "
            "continues the sync it came from: use the filters it was made with, or start again "
            "with cursor \"\".",
            details={"field": "cursor", "differing_filters": changed},
        )
    return cursor


def decode(token: str) -> Cursor:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        body = json.loads(raw)
        if not isinstance(body, dict) or body.get("v") != VERSION:
            raise ValueError("unknown version")
        return Cursor(
            resource=str(body["r"]),
            filters=tuple(sorted((str(k), str(v)) for k, v in dict(body["f"]).items())),
            watermark=parse_gmt(body.get("w")),
            upper=parse_gmt(body.get("u")),
            stage=str(body.get("st", "items")),
            page=body.get("k"),
            per_page=body.get("pp"),
            seen=tuple(int(i) for i in body.get("s", [])),
            after_id=int(body.get("a", 0)),
        )
    except (ValueError, KeyError, TypeError, binascii.Error):
        raise InvalidInputError(
            "cursor is not a cursor this connector made (or from a newer version): pass the "
            "next_cursor of a previous result unchanged, or \"\" to start from the beginning.",
            details={"field": "cursor"},
        ) from None


def _has_offset(value: str) -> bool:
    tail = value.strip()[19:]
    return tail.endswith(("Z", "z")) or "+" in tail or "-" in tail
