"""A store's answer: decoding it defensively, and the one place a status becomes an error.

Real hosts put things before the JSON: a UTF-8 byte-order mark, a PHP notice printed by a
plugin, whitespace. WooCommerce's own clients then fail with a bare decode error; we skip the
junk, keep the JSON, and say so in ``WooResponse.warnings``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Mapping
from urllib.parse import urlsplit

import msgspec

from .auth import auth_hint
from .collector import collector_paused
from .errors import (
    AuthFailedError,
    BadResponseError,
    InvalidRequestError,
    NotFoundError,
    OutcomeUnknownError,
    PermissionDeniedError,
    RateLimitedError,
    ServerError,
    WooConnectorError,
)
from .redact import MASK, is_sensitive_param, redact_text

IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS"})
_TAG = re.compile(r"<[^>]*>")

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
        return loads(stripped), warnings
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


def decode_body(content: bytes | bytearray) -> tuple[Any, list[str]]:
    """:func:`decode_json` for a body as it came off the wire.

    A clean UTF-8 JSON body (all a healthy store sends) is parsed straight from its bytes: no
    text copy of a 400 KB page stays alive beside the decoded objects. Anything else (a BOM, a
    notice, broken UTF-8, what the fast parser refuses) takes the text path exactly as before.
    """
    try:
        return _decode_fast(content), []
    except msgspec.DecodeError:
        return decode_json(content.decode("utf-8", errors="replace"))


def loads(text: str) -> Any:
    """``json.loads``, at a compiled parser's speed for the documents it takes.

    Decoding is most of a big pull's client CPU: a 100-order page takes 7.7 ms with ``json``
    and 3.8 ms with msgspec, which builds the same objects (integers of any size included)
    without an intermediate document (orjson measured 3.1 ms but peaked at 4x the page's
    objects). msgspec refuses what the standard library accepts (NaN, Infinity, numbers beyond
    a double, lone surrogate escapes, deep nesting), so those documents go through ``json`` and
    decode exactly as before.
    """
    try:
        return _decode_fast(text)
    except msgspec.DecodeError:
        return json.loads(text)


_FAST = msgspec.json.Decoder()

COLLECTOR_PAUSE_BYTES = 64 * 1024
"""Documents at least this long are decoded with the cyclic garbage collector paused."""


def _decode_fast(document: bytes | bytearray | str) -> Any:
    """msgspec's decode; a big document with the garbage collector paused while it is built
    (see :mod:`woo_connector.collector`: a page then costs one young collection, not six)."""
    if len(document) < COLLECTOR_PAUSE_BYTES:
        return _FAST.decode(document)
    with collector_paused():
        return _FAST.decode(document)


def _snippet(text: str, limit: int = 120) -> str:
    flat = " ".join(_TAG.sub(" ", text).split())
    flat = redact_text(flat)
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def error_from_status(
    status: int,
    body: Any,
    *,
    method: str,
    url: str,
    headers: Mapping[str, str],
    auth_method: str | None,
    html: bool = False,
    look_for: Mapping[str, Any] | None = None,
) -> WooConnectorError:
    """Map a non-2xx answer to one error class and reason. The only place that does so.

    ``body`` is the decoded JSON (None when the body was not JSON; ``html`` then says whether it
    was a web page). A retryable 5xx on a write becomes :class:`OutcomeUnknownError`: the store
    may have done the write before the proxy or PHP gave up.
    """
    woo_code, woo_message, data = _woo_error_parts(body)
    where = f"{method} {url}"
    kw: dict[str, Any] = {"http_status": status, "woo_code": woo_code}
    details: dict[str, Any] = {"request": where}
    if isinstance(data, Mapping) and isinstance(data.get("params"), Mapping):
        details["params"] = redact_params(data["params"])
    kw["details"] = details
    said = f" WooCommerce said: {_snippet(woo_message, 300)}" if woo_message else ""

    if status == 401:
        reason = _auth_reason(woo_code, woo_message)
        if reason in ("read_only", "write_only"):
            return PermissionDeniedError(
                f"The API key is {reason.replace('_', '-')}: give it Read/Write in WooCommerce -> "
                "Settings -> Advanced -> REST API." + said,
                reason=reason,
                **kw,
            )
        text = {
            "wrong_secret": "The consumer secret is wrong for this key: copy it again from WooCommerce -> "
            "Settings -> Advanced -> REST API (it is shown once, when the key is made).",
            "signature": "The store refused the OAuth 1.0a signature: check the consumer secret, and that "
            "site_url is exactly the address the store calls itself.",
            "clock": "The store refused the OAuth 1.0a timestamp or nonce: check this machine's clock.",
            "wrong_key": "The store does not know this consumer key (or it was revoked).",
        }.get(reason)
        if text is None:
            text = (
                "The store did not accept the credentials: the consumer key is unknown or was revoked."
                + auth_hint(auth_method)
            )
        return AuthFailedError(text + said, reason=reason, **kw)
    if status == 403:
        return PermissionDeniedError(
            "The key's WordPress user may not do this: a key inherits its user's capabilities "
            "(an administrator can do everything, a shop manager cannot edit administrators)." + said,
            reason="capability",
            **kw,
        )
    if status == 404:
        if woo_code == "rest_no_route":
            return NotFoundError(
                f"The store has no API route {where}: the path or method is wrong, or the plugin that "
                "adds it is inactive." + said,
                reason="no_route",
                **kw,
            )
        if woo_code is None:
            return not_wordpress(status, where, html=html)
        return NotFoundError(_missing(url) + said, reason="missing", **kw)
    if status == 429:
        retry_after = _retry_after(headers)
        return RateLimitedError(
            "The store is rate limiting requests; try again"
            + (f" in {retry_after:g} s." if retry_after is not None else " later.")
            + said,
            retry_after=retry_after,
            reason="rate_limited",
            **kw,
        )
    if status == 501:
        return InvalidRequestError("The store does not support this operation." + said, reason="unsupported", **kw)
    if status >= 500:
        if woo_code == "internal_server_error" or (woo_code is None and _critical(body)):
            message = (
                "WordPress hit a critical error (a PHP fatal error in a plugin or theme) while "
                f"handling {where}. Its page said: {_snippet(woo_message or (body if isinstance(body, str) else ''), 160) or 'nothing more'}"
            )
            reason = "critical_error"
        elif woo_code is not None:
            # A WooCommerce error code on a 5xx is a deterministic refusal (a refund larger than
            # the order, a gateway that cannot refund): retrying cannot help.
            return ServerError("The store refused the request." + said, retryable=False, reason="refused", **kw)
        else:
            message = f"The store (or a proxy in front of it) failed with HTTP {status}."
            reason = "unavailable"
        if method not in IDEMPOTENT:
            if look_for:
                details["look_for"] = dict(look_for)
            return outcome_unknown(
                f"{message} The write may have been done before the failure.",
                reason=reason, http_status=status, details=details,
            )
        return ServerError(message + ("" if reason == "critical_error" else said), reason=reason, **kw)
    if 300 <= status < 400:
        return BadResponseError(f"Unexpected redirect status HTTP {status}.", reason="redirect", **kw)
    if woo_code is None and html:
        return not_wordpress(status, where, html=True)
    return InvalidRequestError(
        (f"The store rejected the request (HTTP {status})." if not said else said.strip())
        + _params_text(details.get("params")),
        reason="refused",
        **kw,
    )


def error_from_woo(error: Any, *, method: str = "POST", url: str = "batch item") -> WooConnectorError:
    """A batch item's ``{"code", "message", "data": {"status"}}`` through the same mapping."""
    data = error.get("data") if isinstance(error, Mapping) else None
    status = data.get("status") if isinstance(data, Mapping) else data
    if not isinstance(status, int) or isinstance(status, bool) or not 400 <= status <= 599:
        status = 400
    mapped = error_from_status(status, error, method=method, url=url, headers={}, auth_method=None)
    _, message, _ = _woo_error_parts(error)
    return mapped.with_message(_snippet(message, 300)) if message else mapped


def outcome_unknown(
    message: str, *, reason: str, details: dict[str, Any], http_status: int | None = None
) -> OutcomeUnknownError:
    """The one way a sent-but-unanswered write is reported: never retryable, says what to check."""
    return OutcomeUnknownError(
        message + " Do not send it again blindly: look for it first"
        + (f" ({describe_look_for(details['look_for'])})." if details.get("look_for") else "."),
        reason=reason,
        http_status=http_status,
        details={**details, "sent": True},
        retryable=False,
    )


def describe_look_for(look_for: Mapping[str, Any]) -> str:
    return ", ".join(f"{k} {v!r}" for k, v in look_for.items())


def not_wordpress(status: int | None, where: str, *, html: bool) -> NotFoundError | BadResponseError:
    """A 404 without WordPress's JSON, or a web page where JSON belongs: the site URL is wrong.

    A 404 stays ``not_found``, any other status is ``bad_response``; both carry the reason
    ``not_wordpress``.
    """
    what = f"an HTML page (HTTP {status})" if html else f"HTTP {status} without WordPress's JSON error"
    cls = NotFoundError if status == 404 else BadResponseError
    return cls(
        f"{where} got {what}: site_url is probably not the WordPress site (check the address, "
        "a sub-directory install needs it in the URL, and that permalinks are on).",
        http_status=status,
        reason="not_wordpress",
        details={"request": where},
    )


def redact_params(params: Mapping[str, Any]) -> dict[str, Any]:
    """The store's ``data.params`` with anything credential-shaped masked (it may echo the query)."""
    out: dict[str, Any] = {}
    for name, value in params.items():
        if is_sensitive_param(str(name)):
            out[str(name)] = MASK
        else:
            out[str(name)] = redact_text(value) if isinstance(value, str) else value
    return out


def _auth_reason(woo_code: str | None, message: str | None) -> str:
    """WooCommerce tells its 401s apart only by message text; read it once, here."""
    text = (message or "").lower()
    if "write permissions" in text:
        return "read_only"
    if "read permissions" in text:
        return "write_only"
    if woo_code == "woocommerce_rest_authentication_error":
        if "consumer key is invalid" in text:
            return "wrong_key"
        if "secret is invalid" in text:
            return "wrong_secret"
        if "signature" in text:
            return "signature"
        if "timestamp" in text or "nonce" in text:
            return "clock"
        return "auth"
    return "no_credentials"  # woocommerce_rest_cannot_view: no key seen, or an unknown one


def _critical(body: Any) -> bool:
    return isinstance(body, str) and "critical error" in body.lower()


def _missing(url: str) -> str:
    path = urlsplit(url).path
    marker = path.find("/wp-json/")
    segments = [s for s in (path[marker + 9 :] if marker != -1 else path).split("/") if s][2:]
    pairs = [(segments[i], segments[i + 1]) for i in range(0, len(segments) - 1, 2)]
    named = [(name, ident) for name, ident in pairs if ident.isdigit()]
    if not named:
        return f"Nothing exists at {url}."
    name, ident = named[-1]
    text = f"No {_singular(name)} {ident} exists in the store"
    if len(named) > 1:
        text += " under " + ", ".join(f"{_singular(n)} {i}" for n, i in named[:-1])
    return text + f" ({url})."


def _singular(name: str) -> str:
    if name.endswith("ies"):
        return name[:-3] + "y"
    return name[:-1] if name.endswith("s") else name


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
