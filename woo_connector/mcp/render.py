"""The text block of a tool result, for MCP clients that ignore ``structuredContent``.

One summary line a person can read in a client's log, then the result as compact JSON up to
:data:`TEXT_LIMIT` characters (a client that only shows text still gets the data an agent needs
to continue; ``structuredContent`` always has all of it).
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ["render_result", "render_error", "TEXT_LIMIT"]

TEXT_LIMIT = 4000


def render_result(tool: str, result: dict[str, Any]) -> str:
    return summary(tool, result) + "\n" + _clip(json.dumps(result, separators=(",", ":"), ensure_ascii=False))


def render_error(error: dict[str, Any]) -> str:
    retry = " (retryable)" if error.get("retryable") else ""
    woo = f" [woo_code {error['woo_code']}]" if error.get("woo_code") else ""
    return f"Error {error.get('code')}{woo}{retry}: {error.get('message')}"


def summary(tool: str, result: dict[str, Any]) -> str:
    if result.get("dry_run") is True:
        sent = ", ".join(f"{r.get('method')} {r.get('path')}" for r in result.get("requests") or []) or "no write"
        return f"{tool} dry run: would send {sent}. Nothing was sent."
    if isinstance(result.get("items"), list):
        more = f"; more: page={result['next_page']}" if result.get("has_more") else "; no more pages"
        total = f" of {result['total']}" if result.get("total") is not None else ""
        return f"{tool}: {len(result['items'])} items{total} (page {result.get('page')}{more})"
    facts = [f"{k}={result[k]}" for k in ("id", "status", "number", "email", "sku", "name") if k in result
             and isinstance(result[k], (str, int, float))]
    return f"{tool}: " + (", ".join(facts) if facts else "done")


def _clip(text: str) -> str:
    if len(text) <= TEXT_LIMIT:
        return text
    return text[:TEXT_LIMIT] + f"... ({len(text) - TEXT_LIMIT} more characters in structuredContent)"
