"""Keep credentials out of everything a person or a log might read.

Credentials leak through more doors than the request itself: WooCommerce echoes the caller's
``consumer_key``, ``consumer_secret`` and ``oauth_signature`` back inside the ``Link`` header
(captures 194, 198), and requests/urllib3 put the full URL into exception messages
("Max retries exceeded with url: /wp-json/wc/v3/orders?consumer_secret=cs_..."). Every message,
error detail and logged header passes through here first. Values become ``***``; names stay, so
the text still says which parameter was there.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote_plus, urlsplit, urlunsplit

from .query import php_base_name

__all__ = [
    "redact_url",
    "redact_text",
    "redact_headers",
    "redact_value",
    "is_sensitive_param",
    "install_log_redaction",
    "RedactingFilter",
    "LOGGERS",
    "MASK",
]

MASK = "***"

# A sensitive name, possibly percent-encoded (consumer%5Fsecret), followed by = or an encoded =
# (%3D, when a signed URL sits inside another URL's query).
_NAME = r"(?:consumer(?:_|%5f)(?:key|secret)|oauth(?:_|%5f)(?:[a-z0-9_]|%5f)*)"
_PARAM = re.compile(
    r"(?i)(?:(?<![a-z0-9_])|(?<=%26)|(?<=%3f))(" + _NAME + r")(=|%3d)(?:(?!%26)[^&\s#'\"<>,;)\]}])*"
)
_TOKEN = re.compile(r"(?i)\b(ck|cs)_[0-9a-f]{8,}\b")
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/\s@?#]+@")
_OAUTH_PAIR = r"(?:realm|oauth_[a-z_]+)=\"[^\"]*\""
# A credential after Basic/Bearer is long and has a digit or base64 punctuation, which keeps
# prose such as "Basic authentication" intact; an OAuth header value is a list of k="v" pairs.
_AUTH_VALUE = re.compile(
    r"\b(?i:Basic|Bearer)\s+(?=[A-Za-z0-9+/=._~-]*[0-9+/=])[A-Za-z0-9+/=._~-]{16,}"
    r"|\b(?i:OAuth)\s+" + _OAUTH_PAIR + r"(?:\s*,\s*" + _OAUTH_PAIR + r")*"
)
_URL = re.compile(r"(?i)\b[a-z][a-z0-9+.-]*://[^\s'\"<>]+")
_SECRET_HEADERS = {"authorization", "proxy-authorization", "cookie", "set-cookie", "x-wp-nonce"}
_URL_HEADERS = {"link", "location", "content-location"}


def is_sensitive_param(name: str) -> bool:
    """True for names whose values are credentials: consumer_key/secret and every oauth_*.

    Judged on the name PHP files the value under, so ``consumer.key`` or ``consumer_key[]``
    (which WordPress reads as ``consumer_key``) count too.
    """
    plain = php_base_name(unquote_plus(name)).strip().lower()
    return plain in ("consumer_key", "consumer_secret") or plain.startswith("oauth_")


def redact_url(url: str) -> str:
    """Mask credential values and any user:password in one URL, leaving the rest readable."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return _redact_fragments(url)
    netloc = parts.netloc
    if "@" in netloc:
        netloc = MASK + "@" + netloc.rpartition("@")[2]
    query = "&".join(_redact_pair(pair) for pair in parts.query.split("&")) if parts.query else ""
    rebuilt = urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))
    if parts.query == "" and url.endswith("?"):
        rebuilt += "?"
    return _redact_fragments(rebuilt)


def redact_text(text: str) -> str:
    """Mask credentials anywhere in free text: URLs, bare query strings, keys, auth headers."""
    if not text:
        return text
    text = _URL.sub(lambda m: redact_url(m.group(0)), text)
    text = _AUTH_VALUE.sub(_mask_auth_value, text)
    return _redact_fragments(text)


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """A loggable copy: credentials and cookies masked, URLs in Link/Location redacted."""
    out: dict[str, str] = {}
    for name, value in headers.items():
        lowered = name.lower()
        text = value if isinstance(value, str) else str(value)
        if lowered in _SECRET_HEADERS:
            scheme = text.split(" ", 1)[0] if lowered.endswith("authorization") and " " in text else ""
            out[name] = f"{scheme} {MASK}" if scheme else MASK
        elif lowered in _URL_HEADERS:
            out[name] = re.sub(r"<([^>]*)>", lambda m: "<" + redact_url(m.group(1)) + ">", text)
            if lowered != "link":
                out[name] = redact_url(out[name])
        else:
            out[name] = redact_text(text)
    return out


def _redact_pair(pair: str) -> str:
    name, sep, _ = pair.partition("=")
    return f"{name}={MASK}" if sep and is_sensitive_param(name) else pair


def _redact_fragments(text: str) -> str:
    """Catch what a URL parser would miss: relative URLs, nested encoded URLs, bare tokens."""
    text = _USERINFO.sub(lambda m: m.group(1) + MASK + "@", text)
    text = _PARAM.sub(lambda m: m.group(1) + m.group(2) + MASK, text)
    return _TOKEN.sub(lambda m: m.group(1) + "_" + MASK, text)


def _mask_auth_value(match: re.Match[str]) -> str:
    scheme = match.group(0).split(None, 1)[0]
    return f"{scheme} {MASK}"


def redact_value(value: Any, depth: int = 0) -> Any:
    """A JSON value from the store with every string redacted and credential-named keys masked.

    Used on raw-api-request bodies: WordPress's ``_envelope=1`` copies the ``Link`` header (with
    the caller's query keys) into the body, and plugins echo request URLs in their errors.
    """
    if isinstance(value, str):
        return redact_text(value)
    if depth > 200:
        return MASK
    if isinstance(value, Mapping):
        return {
            k: (MASK if isinstance(k, str) and is_sensitive_param(k) and isinstance(v, str) else redact_value(v, depth + 1))
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [redact_value(v, depth + 1) for v in value]
    return value


LOGGERS = (
    "urllib3",
    "urllib3.connectionpool",
    "urllib3.connection",
    "urllib3.response",
    "urllib3.poolmanager",
    "urllib3.util.retry",
    "requests",
    "oauthlib",
    "oauthlib.oauth1.rfc5849",
    "oauthlib.oauth1.rfc5849.signature",
    "requests_oauthlib",
    "woo_connector",
    "woo_connector.http",
)
"""Loggers that see request URLs or headers. A filter on a logger only sees that logger's own
records, not its children's, so each is named."""


class RedactingFilter(logging.Filter):
    """Formats the record once and masks credentials in the result (urllib3 logs the full URL
    with ``consumer_secret`` or ``oauth_signature`` at DEBUG). Runs only for enabled levels."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            text = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken record is dropped to its raw msg, redacted
            text = str(record.msg)
        record.msg = redact_text(text)
        record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = redact_text(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


_FILTER = RedactingFilter()


def install_log_redaction() -> None:
    """Put the redacting filter on every logger in :data:`LOGGERS` (idempotent)."""
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
