"""The verify hook tells each way a connection can be wrong from the others (HTTP mocked)."""

from __future__ import annotations

import base64
import json
import socket
from pathlib import Path

import pytest
import responses

from captures import capture, register
from woo_connector.registry import Registry
from woo_connector.verify import REASONS

SITE = "https://127.0.0.1:8443"
API = SITE + "/wp-json/wc/v3"


def creds() -> tuple[str, str]:
    auth = capture(5)["request"]["headers"]["Authorization"].split()[1]
    key, secret = base64.b64decode(auth).decode().split(":")
    return key, secret


@pytest.fixture
def conn() -> dict:
    key, secret = creds()
    return {"site_url": SITE, "consumer_key": key, "consumer_secret": secret}


def add(rsps: responses.RequestsMock, number: int, url: str) -> None:
    register(rsps, number, url=url, method="GET")


# What POST /products/batch with {} answers (captures 290 and 291 of the shared store).
READ_ONLY_401 = {"code": "woocommerce_rest_authentication_error",
                 "message": "The API key provided does not have write permissions.", "data": {"status": 401}}


def test_ok_reports_versions_and_auth(connector: Registry, conn: dict) -> None:
    with responses.RequestsMock() as rsps:
        add(rsps, 1, API)
        add(rsps, 219, API + "/system_status")
        rsps.add("POST", API + "/products/batch", json=[], status=200)
        result = connector.verify(conn)
        assert "Authorization" not in rsps.calls[0].request.headers  # the index probe is anonymous
        assert rsps.calls[1].request.headers["Authorization"].startswith("Basic ")
        assert json.loads(rsps.calls[2].request.body) == {}  # the permission probe changes nothing
    assert result["ok"] is True and result["permissions"] == "read_write"
    assert "warnings" not in result
    assert result["wc_version"] == "10.0.2" and result["wp_version"] == "6.8.8"
    assert result["auth_method"] == "basic" and result["api_url"] == API
    assert "error" not in result


def test_wrong_secret(connector: Registry, conn: dict) -> None:
    with responses.RequestsMock() as rsps:
        add(rsps, 1, API)
        add(rsps, 191, API + "/system_status")
        result = connector.verify(conn)
    assert result["ok"] is False
    assert result["error"]["details"]["reason"] == "wrong_secret"
    assert result["error"]["code"] == "auth_failed" and "secret" in result["message"]


def test_read_only_key_is_ok_with_a_warning(connector: Registry, conn: dict) -> None:
    with responses.RequestsMock() as rsps:
        add(rsps, 1, API)
        add(rsps, 219, API + "/system_status")
        rsps.add("POST", API + "/products/batch", json=READ_ONLY_401, status=401)
        result = connector.verify(conn)
    assert result["ok"] is True and result["permissions"] == "read"
    assert "read-only" in result["warnings"][0]


def test_swapped_key_and_secret_are_named(connector: Registry, conn: dict) -> None:
    with responses.RequestsMock() as rsps:
        add(rsps, 1, API)
        result = connector.verify({**conn, "consumer_key": conn["consumer_secret"], "consumer_secret": conn["consumer_key"]})
    assert result["ok"] is False and result["error"]["reason"] == "swapped"
    assert "swapped" in result["message"]


def test_wrong_key_is_told_apart_from_a_stripped_header(connector: Registry, conn: dict) -> None:
    with responses.RequestsMock() as rsps:
        add(rsps, 1, API)
        add(rsps, 190, API + "/system_status")
        add(rsps, 190, API + "/orders")  # the key with a wrong secret: an unknown key gets cannot_view
        result = connector.verify({**conn, "consumer_key": "ck_" + "0" * 40})
        probe = rsps.calls[2].request
        assert "consumer_key=" in probe.url and conn["consumer_secret"] not in probe.url
        assert "Authorization" not in probe.headers
    assert result["error"]["details"]["reason"] == "wrong_key"
    assert "consumer key" in result["message"]


def test_stripped_authorization_header_suggests_query_auth(connector: Registry, conn: dict) -> None:
    with responses.RequestsMock() as rsps:
        add(rsps, 1, API)
        add(rsps, 189, API + "/system_status")  # what the store says when it sees no credentials
        add(rsps, 195, API + "/orders")  # the key with a wrong secret: the store knows the key
        result = connector.verify(conn)
        assert conn["consumer_secret"] not in rsps.calls[2].request.url  # never the secret in a URL
    assert result["ok"] is False
    assert result["error"]["details"]["reason"] == "authorization_stripped"
    assert result["error"]["details"]["suggest"] == {"auth": "query"}
    assert "'query'" in result["message"]


def test_redirect_reports_the_canonical_url(connector: Registry, conn: dict) -> None:
    with responses.RequestsMock() as rsps:
        rsps.add("GET", API, status=301, headers={"Location": "https://www.127.0.0.1.nip.example/wp-json/wc/v3"})
        result = connector.verify(conn)
        assert len(rsps.calls) == 1  # never followed
    assert result["error"]["code"] == "redirect_refused"
    assert result["error"]["details"]["reason"] == "redirect"
    assert result["error"]["details"]["canonical_site_url"] == "https://www.127.0.0.1.nip.example"


def test_not_wordpress(connector: Registry, conn: dict) -> None:
    with responses.RequestsMock() as rsps:
        rsps.add("GET", API, status=200, body="<html><body>Welcome to nginx!</body></html>", content_type="text/html")
        result = connector.verify(conn)
    assert result["error"]["details"]["reason"] == "not_wordpress"


def test_wordpress_without_woocommerce(connector: Registry, conn: dict) -> None:
    with responses.RequestsMock() as rsps:
        add(rsps, 230, API)
        result = connector.verify(conn)
    assert result["error"]["details"]["reason"] == "woocommerce_absent"
    assert "WooCommerce installed and active" in result["message"]


def test_basic_over_plain_http_needs_https(connector: Registry, conn: dict) -> None:
    result = connector.verify({**conn, "site_url": "http://127.0.0.1:8080", "auth": "basic"})
    assert result["ok"] is False
    assert result["error"]["code"] == "config_error"
    assert result["error"]["details"]["reason"] == "https_required"


def test_unreachable_site(connector: Registry, conn: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as sock:  # a port that was free a moment ago: nothing listens there
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    slept: list[float] = []
    monkeypatch.setattr("time.sleep", slept.append)  # the retries' back-off, taken note of, not waited
    result = connector.verify({**conn, "site_url": f"https://127.0.0.1:{port}", "timeout": 3})
    assert result["ok"] is False
    assert result["error"]["code"] == "network_error"
    assert result["error"]["details"]["reason"] == "unreachable"


def test_invalid_connection_is_a_result_not_an_exception(connector: Registry) -> None:
    result = connector.verify({"site_url": "shop.example.com", "consumer_key": "ck_x"})
    assert result["ok"] is False and result["error"]["code"] == "config_error"


def test_no_secret_in_any_result(connector: Registry, conn: dict) -> None:
    with responses.RequestsMock() as rsps:
        add(rsps, 1, API)
        add(rsps, 191, API + "/system_status")
        result = connector.verify(conn)
    assert conn["consumer_secret"] not in json.dumps(result)


def test_every_verify_reason_is_documented_in_the_readme() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = readme[readme.index("The **verify hook**"):readme.index("## Errors")]
    for reason in REASONS:
        assert f"| `{reason}` |" in section, reason
