"""Receiving WooCommerce webhooks: check a delivery's signature, recognise the creation ping.

A receiver gets two kinds of POST (captures 306, 308, 311):

- deliveries: a compact JSON body (slashes escaped as ``\\/``) with ``X-WC-Webhook-Signature``
  = base64(HMAC-SHA256(raw body bytes, secret)). The signature covers the bytes as sent, so it
  must be checked on the raw body before any JSON parsing: re-encoding the parsed JSON gives
  different bytes (``/`` instead of ``\\/``) and a valid delivery would look forged.
- the ping WooCommerce sends once, synchronously, when a webhook is created: form-encoded
  ``webhook_id=<id>``, with no ``X-WC-Webhook-*`` header and no signature at all. A receiver
  that treats it as forged answers an error, and WooCommerce counts that as a failed delivery.
  Answer it 200 and do nothing else.

Neither function needs the connector or a network: they are for the host's HTTP endpoint.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping
from urllib.parse import parse_qs

__all__ = ["SIGNATURE_HEADER", "signature_for", "verify_signature", "is_ping", "ping_webhook_id"]

SIGNATURE_HEADER = "X-WC-Webhook-Signature"
_HEADER_PREFIX = "x-wc-webhook-"


def signature_for(secret: str | bytes, raw_body: bytes) -> str:
    """The header value WooCommerce sends for ``raw_body`` signed with ``secret``."""
    key = secret.encode("utf-8") if isinstance(secret, str) else secret
    return base64.b64encode(hmac.new(key, raw_body, hashlib.sha256).digest()).decode("ascii")


def verify_signature(secret: str | bytes, raw_body: bytes, header: str | None) -> bool:
    """True when ``header`` (the X-WC-Webhook-Signature value) signs ``raw_body`` with ``secret``.

    The comparison takes constant time, so response timing tells an attacker nothing about how
    much of a forged signature was right. A missing or empty header, or an empty secret, is
    never valid: an unsigned request must not pass for a signed one.
    """
    if not header or not secret or not isinstance(raw_body, (bytes, bytearray)):
        return False
    expected = signature_for(secret, bytes(raw_body)).encode("ascii")
    return hmac.compare_digest(expected, header.strip().encode("utf-8", "replace"))


def ping_webhook_id(headers: Mapping[str, str], raw_body: bytes) -> int | None:
    """The webhook id of a creation ping, or None when the request is not one.

    A ping has no ``X-WC-Webhook-*`` header and a form body of exactly ``webhook_id=<digits>``.
    Anything else (a delivery, a signed request, a form with other fields) is not a ping.
    """
    if any(name.lower().startswith(_HEADER_PREFIX) for name in headers):
        return None
    try:
        form = parse_qs(bytes(raw_body).decode("ascii"), keep_blank_values=True, strict_parsing=True)
    except (UnicodeDecodeError, ValueError):
        return None
    values = form.get("webhook_id")
    if set(form) != {"webhook_id"} or values is None or len(values) != 1 or not values[0].isdigit():
        return None
    return int(values[0])


def is_ping(headers: Mapping[str, str], raw_body: bytes) -> bool:
    """True for WooCommerce's unsigned creation ping: answer it 200, do not treat it as forged."""
    return ping_webhook_id(headers, raw_body) is not None
