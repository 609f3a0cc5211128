"""raw-api-request: any endpoint the other tools do not cover, on this store's REST API only.

The path is checked before anything is sent: it can name a route under /wp-json/wc/v3 (the
default) or an absolute /wp-json/... route, and nothing else. No scheme, no host, no ``..``
(plain or percent-encoded), no query string smuggled into the path: an agent given this tool
cannot point the store's key at another server or at wp-admin.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote

from ..client import WooClient
from ..errors import InvalidInputError
from ..hookspecs import Register, hookimpl
from ..query import refused_query_names
from ..redact import redact_headers, redact_value

_SAFE_SEGMENT = re.compile(r"^[A-Za-z0-9_\-.,:;=@+~()!*$']*$")


def safe_path(path: str) -> str:
    """Return the path if it stays inside /wp-json/, else raise InvalidInputError naming /path."""

    def refuse(why: str) -> InvalidInputError:
        return InvalidInputError(
            f"path {why}. Give a route such as /orders/42/refunds (under /wp-json/wc/v3) or "
            "/wp-json/wc/v2/...; put query parameters in 'query'.",
            details={"problems": [{"pointer": "/path", "message": why}]},
        )

    if not path.startswith("/") or path.startswith("//"):
        raise refuse("must start with a single '/'")
    if any(ch in path for ch in "?#\\") or any(ord(ch) < 0x21 or ord(ch) == 0x7F for ch in path):
        raise refuse("must not contain '?', '#', '\\', spaces or control characters")
    decoded = path
    for _ in range(3):  # percent-encoding nested up to three times is still caught
        decoded = unquote(decoded)
    segments = decoded.split("/")[1:]
    if any(seg in (".", "..") for seg in segments):
        raise refuse("must not contain '.' or '..' segments")
    if any(not _SAFE_SEGMENT.match(seg) for seg in segments) or "//" in decoded:
        raise refuse("contains characters that are not allowed in a route")
    if decoded.startswith("/wp-json") and not (decoded == "/wp-json" or decoded.startswith("/wp-json/")):
        raise refuse("must be /wp-json/... when absolute")
    return path


def raw_api_request(client: WooClient, args: dict[str, Any]) -> dict[str, Any]:
    method = str(args.get("method", "GET")).upper()
    path = safe_path(args["path"])
    refused = refused_query_names(args.get("query"))
    if refused:
        raise InvalidInputError(
            "query " + "; ".join(f"{name!r} {why}" for name, why in refused) + ".",
            details={"problems": [{"pointer": "/query/" + n.replace("~", "~0").replace("/", "~1"), "message": w}
                                  for n, w in refused]},
        )
    resp = client.request(
        method, path, params=args.get("query") or None, json=args.get("body"), require_json=False
    )
    return {"status": resp.status, "headers": redact_headers(resp.headers), "body": redact_value(resp.data)}


@hookimpl
def register_tools(register: Register) -> None:
    register("raw-api-request", raw_api_request)
