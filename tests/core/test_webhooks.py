"""woo_connector.webhooks against the deliveries a real store sent (captures 306, 308, 311).

The captures' webhook was created with the secret "capture-secret" (capture 305's request body
and the README of the captures), so the signatures WooCommerce computed can be checked here.
"""

from __future__ import annotations

import json

import pytest
from captures import capture

from woo_connector.webhooks import SIGNATURE_HEADER, is_ping, ping_webhook_id, signature_for, verify_signature


def capture_secret() -> str:
    """The secret capture 305 created the webhook with (the store never echoes it back)."""
    created = capture(305)
    assert "secret" not in created["response"]["body"]
    return created["request"]["body"]["secret"]


def delivery(n: int) -> tuple[dict[str, str], bytes]:
    request = capture(n)["request"]
    return request["headers"], request["body_raw"].encode("utf-8")


@pytest.mark.parametrize("n", [308, 311])
def test_real_deliveries_verify_with_the_webhook_secret(n: int) -> None:
    headers, raw = delivery(n)
    assert verify_signature(capture_secret(), raw, headers[SIGNATURE_HEADER]) is True
    assert is_ping(headers, raw) is False


@pytest.mark.parametrize("n", [308, 311])
def test_a_wrong_secret_or_a_changed_byte_fails(n: int) -> None:
    headers, raw = delivery(n)
    assert verify_signature("capture-secreT", raw, headers[SIGNATURE_HEADER]) is False
    tampered = raw.replace(b'"status":"on-hold"', b'"status":"completed"', 1)
    assert tampered != raw
    assert verify_signature(capture_secret(), tampered, headers[SIGNATURE_HEADER]) is False


def test_re_encoded_json_does_not_verify_the_raw_bytes_do() -> None:
    """The store escapes slashes (\\/): parse-then-dump changes the bytes, so verify the raw body."""
    headers, raw = delivery(308)
    assert b"\\/" in raw
    reencoded = json.dumps(json.loads(raw), separators=(",", ":")).encode()
    assert reencoded != raw
    assert verify_signature(capture_secret(), reencoded, headers[SIGNATURE_HEADER]) is False


@pytest.mark.parametrize("header", [None, "", "   "])
def test_missing_signature_or_secret_is_never_valid(header: str | None) -> None:
    _, raw = delivery(308)
    assert verify_signature(capture_secret(), raw, header) is False
    assert verify_signature("", raw, signature_for("", raw)) is False


def test_signature_for_matches_what_woocommerce_sent_and_tolerates_surrounding_space() -> None:
    headers, raw = delivery(311)
    assert signature_for(capture_secret(), raw) == headers[SIGNATURE_HEADER]
    assert verify_signature(capture_secret().encode(), raw, f" {headers[SIGNATURE_HEADER]}\n") is True


def test_the_creation_ping_is_recognised() -> None:
    headers, raw = delivery(306)
    assert raw == b"webhook_id=1"
    assert not any(name.lower().startswith("x-wc-webhook") for name in headers)
    assert is_ping(headers, raw) is True
    assert ping_webhook_id(headers, raw) == 1
    assert verify_signature(capture_secret(), raw, headers.get(SIGNATURE_HEADER)) is False  # unsigned


@pytest.mark.parametrize(
    "headers,raw",
    [
        ({"X-WC-Webhook-Topic": "order.updated"}, b"webhook_id=1"),  # a delivery header: not a ping
        ({}, b"webhook_id=1&status=paid"),
        ({}, b"webhook_id=abc"),
        ({}, b"webhook_id=1&webhook_id=2"),
        ({}, b'{"webhook_id": 1}'),
        ({}, b""),
        ({}, b"\xff\xfe"),
    ],
)
def test_other_requests_are_not_pings(headers: dict[str, str], raw: bytes) -> None:
    assert is_ping(headers, raw) is False
