"""Connection parsing, PHP-style query encoding and defensive JSON decoding."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import responses

from woo_connector.auth import AUTH_MODE_NAMES, AUTH_MODES, AUTO_BY_SCHEME
from woo_connector.client import WooClient
from woo_connector.connection import Connection, normalise_site_url
from woo_connector.errors import ConfigError, RateLimitedError
from woo_connector.registry import load
from woo_connector.query import php_pairs
from woo_connector.response import decode_json


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("https://Shop.Example.com/", "https://shop.example.com"),
        ("  https://shop.example.com//  ", "https://shop.example.com"),
        ("https://example.com/shop/", "https://example.com/shop"),
        ("https://example.com/shop/wp-json/wc/v3/", "https://example.com/shop"),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
    ],
)
def test_site_url_is_normalised(raw: str, expected: str) -> None:
    assert normalise_site_url(raw) == expected


@pytest.mark.parametrize(
    "raw", ["shop.example.com", "ftp://shop.example.com", "https://user:pw@shop.example.com", "https://s.com/?a=1"]
)
def test_bad_site_urls_are_refused(raw: str) -> None:
    with pytest.raises(ConfigError) as info:
        normalise_site_url(raw)
    assert info.value.details["fields"] == ["site_url"]


def test_secret_is_not_in_repr() -> None:
    conn = Connection.from_dict({"site_url": "https://s.example", "consumer_key": "ck_k", "consumer_secret": "cs_TOPSECRET"})
    assert "cs_TOPSECRET" not in repr(conn) and "cs_TOPSECRET" not in str(conn)
    assert conn.api_base == "https://s.example/wp-json/wc/v3"


def test_lists_become_indexed_php_arrays() -> None:
    pairs = php_pairs({"status": ["processing", "awaiting-shipment"], "include": [3, 4], "dates_are_gmt": True,
                       "per_page": 100, "skip": None, "meta": {"a": 1}})
    assert pairs == [
        ("status[0]", "processing"), ("status[1]", "awaiting-shipment"),
        ("include[0]", "3"), ("include[1]", "4"),
        ("dates_are_gmt", "true"), ("per_page", "100"), ("meta[a]", "1"),
    ]


def test_decode_tolerates_bom_and_php_notice() -> None:
    value, warnings = decode_json('\ufeff[{"id": 1}]')
    assert value == [{"id": 1}] and "byte-order mark" in warnings[0]
    notice = '<br />\n<b>Notice</b>:  Undefined index: x in <b>/var/www/plugin.php</b> on line <b>12</b><br />\n{"id": 2, "a": [1]}'
    value, warnings = decode_json(notice)
    assert value == {"id": 2, "a": [1]} and "PHP notice" in warnings[0]


def test_decode_refuses_html_and_truncated_json() -> None:
    with pytest.raises(ValueError):
        decode_json("<html><body>502 Bad Gateway</body></html>")
    with pytest.raises(ValueError):
        decode_json('{"id": 1, "line_items": [')


def test_missing_ca_bundle_is_a_config_error(tmp_path) -> None:
    with pytest.raises(ConfigError) as info:
        Connection.from_dict({"site_url": "https://s.example", "consumer_key": "ck", "consumer_secret": "cs",
                              "ca_bundle": str(tmp_path / "nope.pem")})
    assert info.value.details["fields"] == ["ca_bundle"]


# -- issue 6/7: auth table, call budget, redacted schema messages ----------------------------

def test_the_auth_table_is_what_the_schema_offers() -> None:

    schema = json.loads((Path(__file__).resolve().parents[2] / "schemas" / "connection.json").read_text())
    assert tuple(schema["properties"]["auth"]["enum"]) == AUTH_MODE_NAMES
    assert set(AUTO_BY_SCHEME.values()) <= set(AUTH_MODES)
    for name, mode in AUTH_MODES.items():
        assert mode.schemes and mode.hint_401.strip(), name


def test_a_retry_after_longer_than_the_budget_returns_at_once() -> None:

    waits: list[float] = []
    conn = Connection.from_dict({"site_url": "https://shop.example", "consumer_key": "ck_1",
                                 "consumer_secret": "cs_1", "call_budget": 30})
    client = WooClient(conn, sleep=waits.append)
    with responses.RequestsMock() as rsps:
        rsps.add("GET", "https://shop.example/wp-json/wc/v3/orders", status=429, headers={"Retry-After": "3600"},
                 json={"code": "rest_too_many_requests", "message": "Slow down.", "data": {"status": 429}})
        try:
            client.get("/orders")
        except RateLimitedError as exc:
            assert exc.details["retry_after"] == 3600 and exc.details["call_budget"] == 30
        else:
            raise AssertionError("a 429 must fail")
        assert len(rsps.calls) == 1 and waits == []


def test_schema_messages_never_quote_a_secret_or_userinfo() -> None:

    registry = load()
    for bad in ({"site_url": "https://shop.example", "consumer_key": "ck_1", "consumer_secret": ["cs_SECRETVALUE"]},
                {"site_url": "ftp://user:hunter2@shop.example", "consumer_key": "ck_1", "consumer_secret": "cs_1"}):
        try:
            registry.connection(bad)
        except ConfigError as exc:
            text = json.dumps(exc.to_dict()) + repr(exc)
            assert "cs_SECRETVALUE" not in text and "hunter2" not in text
            assert exc.details["problems"]
        else:
            raise AssertionError("invalid connection accepted")
