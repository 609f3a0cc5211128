"""A store's answer: decoding it defensively, and the one place a status becomes an error.

Real hosts put things before the JSON: a UTF-8 byte-order mark, a PHP notice printed by a
plugin, whitespace. WooCommerce's own clients then fail with a bare decode error; we skip the
junk, keep the JSON, and say so in ``WooResponse.warnings``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Mapping

from .errors import (
    AuthFailedError,
    BadResponseError,
    InvalidRequestError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
    ServerError,
    WooConnectorError,
)

_BOM = "\ufeff"
_MAX_JSON_STARTS = 64


@dataclass
class WooResponse:
    status: int
    headers: Mapping[str, str]
    data: Any
    url: str  # redacted
    warnings: list[str] = field(default_factory=list)


def decode_json(text: str) -> tuple[Any, list[str]]:
    """Parse a body that should be JSON; tolerate a BOM or a PHP notice before it.

    Raises ValueError when no JSON document fills the rest of the body.
    """
    warnings: list[str] = []
    if text.startswith(_BOM):
        text = text[len(_BOM) :]
        warnings.append("the store prefixed its JSON with a UTF-8 byte-order mark")
    stripped = text.strip()
    if stripped == "":
        return None, warnings
    try:
        return json.loads(stripped), warnings
    except ValueError:
        pass
    decoder = json.JSONDecoder()
    starts = [i for i, ch in enumerate(stripped) if ch in "{["][:_MAX_JSON_STARTS]
    for start in starts:
        try:
            value, end = decoder.raw_decode(stripped, start)
        except ValueError:
            continue
        if stripped[end:].strip() == "" and start > 0:
            warnings.append(
                "the store printed text before its JSON (often a PHP notice from a plugin): "
                + _snippet(stripped[:start])
            )
            return value, warnings
    raise ValueError("no JSON document in the body")


def _snippet(text: str, limit: int = 120) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def error_from_status(
    status: int,
    body: Any,
    *,
    method: str,
    url: str,
    headers: Mapping[str, str],
    auth_method: str | None,
) -> WooConnectorError:
    """Map a non-2xx answer to one error class. The only place that does so."""
    woo_code, woo_message, data = _woo_error_parts(body)
    where = f"{method} {url}"
    kw: dict[str, Any] = {"http_status": status, "woo_code": woo_code}
    details: dict[str, Any] = {"request": where}
    if isinstance(data, Mapping) and isinstance(data.get("params"), Mapping):
        details["params"] = dict(data["params"])
    kw["details"] = details
    said = f" WooCommerce said: {woo_message}" if woo_message else ""

    if status == 401:
        if woo_message and "write permissions" in woo_message:
            return PermissionDeniedError(
                "The API key is read-only: give it Read/Write in WooCommerce -> Settings -> Advanced "
                "-> REST API." + said,
                **kw,
            )
        if woo_message and "secret is invalid" in woo_message.lower():
            return AuthFailedError(
                "The consumer secret is wrong for this key: copy it again from WooCommerce -> "
                "Settings -> Advanced -> REST API (it is shown once, when the key is made)." + said,
                **kw,
            )
        if woo_message and "signature" in woo_message.lower():
            return AuthFailedError(
                "The store refused the OAuth 1.0a signature: check the consumer secret, and that "
                "site_url is exactly the address the store calls itself." + said,
                **kw,
            )
        if woo_message and ("timestamp" in woo_message.lower() or "nonce" in woo_message.lower()):
            return AuthFailedError(
                "The store refused the OAuth 1.0a timestamp or nonce: check this machine's clock."
                + said,
                **kw,
            )
        hint = {
            "basic": " If the key is right, the host may strip the Authorization header: set auth to 'query'.",
            "oauth1": " Over plain http the store needs OAuth 1.0a; check the consumer key.",
        }.get(auth_method or "", "")
        return AuthFailedError(
            "The store did not accept the credentials: the consumer key is unknown or was revoked."
            + hint
            + said,
            **kw,
        )
    if status == 403:
        return PermissionDeniedError(
            "The key's WordPress user may not do this: a key inherits its user's capabilities "
            "(an administrator can do everything, a shop manager cannot edit administrators)." + said,
            **kw,
        )
    if status == 404:
        if woo_code == "rest_no_route":
            return NotFoundError(
                "The store has no such API route: the path or method is wrong, or the plugin that "
                "adds it is inactive." + said,
                **kw,
            )
        return NotFoundError("Nothing exists at that id." + said, **kw)
    if status == 429:
        retry_after = _retry_after(headers)
        return RateLimitedError(
            "The store is rate limiting requests; try again"
            + (f" in {retry_after:g} s." if retry_after is not None else " later.")
            + said,
            retry_after=retry_after,
            **kw,
        )
    if status >= 500:
        # A WooCommerce error code on a 5xx is a deterministic refusal (a refund larger than the
        # order, a gateway that cannot refund, a 501 "not supported"): retrying cannot help.
        deterministic = woo_code is not None
        if status == 501:
            return InvalidRequestError("The store does not support this operation." + said, **kw)
        return ServerError(
            (f"The store failed with HTTP {status}." if not deterministic else "The store refused the request.")
            + said,
            retryable=not deterministic,
            **kw,
        )
    if 300 <= status < 400:
        return BadResponseError(f"Unexpected redirect status HTTP {status}.", **kw)
    return InvalidRequestError(
        (f"The store rejected the request (HTTP {status})." if not said else said.strip())
        + _params_text(details.get("params")),
        **kw,
    )


def _params_text(params: Any) -> str:
    if not params:
        return ""
    return " Fields: " + "; ".join(f"{k}: {v}" for k, v in params.items())


def _woo_error_parts(body: Any) -> tuple[str | None, str | None, Any]:
    if isinstance(body, Mapping) and isinstance(body.get("code"), str):
        message = body.get("message")
        return body["code"], message if isinstance(message, str) else None, body.get("data")
    return None, None, None


def _retry_after(headers: Mapping[str, str]) -> float | None:
    raw = _header(headers, "Retry-After")
    if raw is None:
        return None
    try:
        return max(0.0, float(raw))
    except ValueError:
        from email.utils import parsedate_to_datetime
        from datetime import datetime, timezone

        try:
            when = parsedate_to_datetime(raw)
        except (TypeError, ValueError):
            return None
        return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


def _header(headers: Mapping[str, str], name: str) -> str | None:
    lowered = name.lower()
    for key, value in headers.items():
        if key.lower() == lowered:
            return value
    return None
