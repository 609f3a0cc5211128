"""The real store's recorded exchanges (a copy of shared/woo-captures, kept with the tests).

Tests load them by number (``capture(5)``) or file name; ``register(responses_mock, n)`` makes
``responses`` answer exactly as the real store did: status, every header, body.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

CAPTURES = Path(__file__).resolve().parent / "fixtures" / "woo-captures"


@functools.lru_cache(maxsize=None)
def _index() -> dict[int, Path]:
    return {int(p.name[:3]): p for p in CAPTURES.glob("[0-9][0-9][0-9]_*.json")}


def capture(which: int | str) -> dict[str, Any]:
    """A fresh copy (tests may mutate it) of one exchange: {"request": ..., "response": ...}."""
    path = _index()[which] if isinstance(which, int) else CAPTURES / which
    return json.loads(path.read_text(encoding="utf-8"))


@functools.lru_cache(maxsize=None)
def all_captures() -> tuple[tuple[str, dict[str, Any]], ...]:
    """Every exchange in file order, parsed once per process (11 MB of JSON; four test modules
    walk them all) and shared: read-only. ``capture(n)`` gives a copy to change."""
    return tuple((p.name, json.loads(p.read_text(encoding="utf-8"))) for _, p in sorted(_index().items()))


def body_bytes(exchange: dict[str, Any]) -> bytes:
    body = exchange["response"]["body"]
    if isinstance(body, str):
        return body.encode("utf-8")
    return json.dumps(body).encode("utf-8")


def replay_headers(exchange: dict[str, Any]) -> dict[str, str]:
    """The captured headers minus those that describe the captured transfer, not the content."""
    skip = {"transfer-encoding", "content-length", "connection", "content-encoding"}
    return {k: v for k, v in exchange["response"]["headers"].items() if k.lower() not in skip}


def register(rsps: Any, which: int | str, *, url: str | None = None, method: str | None = None) -> dict[str, Any]:
    """Make a ``responses`` mock answer the captured request with the captured response."""
    import responses

    exchange = capture(which)
    req = exchange["request"]
    target = url or req["url"].split("?")[0]
    rsps.add(
        responses.Response(
            method=method or req["method"],
            url=target,
            body=body_bytes(exchange),
            status=exchange["response"]["status"],
            headers=replay_headers(exchange),
            content_type=None,
        )
    )
    return exchange
