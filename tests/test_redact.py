"""No credential survives redaction, from the places the real store and requests leak them."""

from __future__ import annotations

import base64
import json

import pytest
import requests
import responses

from captures import CAPTURES, capture
from woo_connector.client import WooClient, canonical_site_url
from woo_connector.connection import Connection
from woo_connector.errors import RedirectRefusedError
from woo_connector.query import effective_method, refused_query_names
from woo_connector.redact import is_sensitive_param, redact_headers, redact_text, redact_url, redact_value
from woo_connector.response import error_from_status

# The capture store's own local test key, read from a capture rather than written out here.
KEY, SECRET = base64.b64decode(capture(5)["request"]["headers"]["Authorization"].split()[1]).decode().split(":")


def capture(name: str) -> dict:
    return json.loads((CAPTURES / name).read_text())


def oauth_values(exchange: dict) -> list[str]:
    """The signature, nonce and key a capture sent: each must vanish from redacted output."""
    query = exchange["request"]["query"]
    values = [query[k] for k in query if k.startswith("oauth_") and k not in ("oauth_version",)]
    # The Link header echoes the signature without its trailing "=" padding.
    return values + [v.rstrip("=") for v in values]


def test_redact_url_masks_query_keys_and_keeps_the_rest() -> None:
    url = capture("194_auth_querystring_https_ok.json")["request"]["url"]
    redacted = redact_url(url)
    assert KEY not in redacted and SECRET not in redacted
    assert redacted == "https://127.0.0.1:8443/wp-json/wc/v3/orders?per_page=2&consumer_key=***&consumer_secret=***"


def test_redact_url_masks_every_oauth_param_of_a_signed_request() -> None:
    exchange = capture("198_auth_oauth1_query_http_ok.json")
    redacted = redact_url(exchange["request"]["url"])
    for value in oauth_values(exchange):
        assert value not in redacted
    assert "oauth_signature=***" in redacted and "oauth_nonce=***" in redacted
    assert "per_page=3&status=completed" in redacted


@pytest.mark.parametrize("name", ["consumer%5Fsecret", "CONSUMER_SECRET", "oauth%5Fsignature", "consumer_key"])
def test_encoded_or_upper_case_names_are_still_masked(name: str) -> None:
    redacted = redact_url(f"https://shop.test/x?a=1&{name}=topsecretvalue&b=2")
    assert "topsecretvalue" not in redacted
    assert redacted.endswith("a=1&" + name + "=***&b=2")


def test_userinfo_is_masked() -> None:
    redacted = redact_url(f"https://{KEY}:{SECRET}@shop.test/wp-json/wc/v3/orders?page=2")
    assert redacted == "https://***@shop.test/wp-json/wc/v3/orders?page=2"


def test_a_signed_url_nested_in_another_query_is_masked() -> None:
    inner = "oauth_signature%3DULqoqCrRXueh%252F1XEYpsWzL1rsX8%26consumer_secret%3Dcs_zz"
    redacted = redact_url("https://shop.test/login?redirect_to=" + inner)
    assert "ULqoq" not in redacted and "cs_zz" not in redacted


def test_redact_text_cleans_a_urllib3_message() -> None:
    message = (
        "HTTPSConnectionPool(host='shop.test', port=443): Max retries exceeded with url: "
        f"/wp-json/wc/v3/orders?per_page=1&consumer_key={KEY}&consumer_secret={SECRET} "
        "(Caused by NewConnectionError('refused'))"
    )
    redacted = redact_text(message)
    assert KEY not in redacted and SECRET not in redacted
    assert "per_page=1&consumer_key=***&consumer_secret=***" in redacted
    assert redacted.startswith("HTTPSConnectionPool(host='shop.test', port=443)")


@responses.activate
def test_redact_text_cleans_a_real_requests_exception() -> None:
    url = f"https://shop.test/wp-json/wc/v3/orders?consumer_key={KEY}&consumer_secret={SECRET}"
    responses.add(responses.GET, url, body=requests.ConnectionError(f"failed for {url}"))
    with pytest.raises(requests.ConnectionError) as caught:
        requests.get(url)
    assert SECRET in str(caught.value)  # the leak is real ...
    assert SECRET not in redact_text(str(caught.value))  # ... and closed


def test_redact_text_masks_bare_keys_and_header_values() -> None:
    basic = capture("196_auth_basic_over_http_rejected.json")["request"]["headers"]["Authorization"]
    oauth = capture("199_auth_oauth1_header_http_ok.json")["request"]["headers"]["Authorization"]
    text = f"key {KEY} secret {SECRET}; sent Authorization: {basic} then {oauth} done"
    redacted = redact_text(text)
    for secret in (KEY, SECRET, basic.split()[1], "Z8Zu8iaYvEFA1hZ5SLnxTgjsk", "137777489246586291801795849807"):
        assert secret not in redacted
    assert redacted == "key ck_*** secret cs_***; sent Authorization: Basic *** then OAuth *** done"


def test_redact_text_leaves_prose_alone() -> None:
    prose = "Basic authentication needs HTTPS; OAuth 1.0a signs oauth_signature over http."
    assert redact_text(prose) == prose


def test_redact_headers_cleans_the_link_header_the_store_echoes() -> None:
    for name in ("198_auth_oauth1_query_http_ok.json", "210_auth_oauth1_over_https.json"):
        exchange = capture(name)
        cleaned = redact_headers(exchange["response"]["headers"])
        for value in oauth_values(exchange):
            assert value not in cleaned["Link"]
        assert cleaned["Link"].endswith('page=2>; rel="next"')
        assert cleaned["X-WP-Total"] == exchange["response"]["headers"]["X-WP-Total"]
    cleaned = redact_headers(capture("194_auth_querystring_https_ok.json")["response"]["headers"])
    assert SECRET not in cleaned["Link"] and "consumer_secret=***" in cleaned["Link"]


def test_redact_headers_masks_credentials_and_cookies() -> None:
    headers = {
        "Authorization": capture("196_auth_basic_over_http_rejected.json")["request"]["headers"]["Authorization"],
        "Cookie": "wordpress_logged_in_abc=xyz",
        "Set-Cookie": "session=1; HttpOnly",
        "Location": f"https://shop.test/wp-json/wc/v3/orders?consumer_secret={SECRET}",
        "Content-Type": "application/json",
    }
    cleaned = redact_headers(headers)
    assert cleaned["Authorization"] == "Basic ***"
    assert cleaned["Cookie"] == "***" and cleaned["Set-Cookie"] == "***"
    assert cleaned["Location"] == "https://shop.test/wp-json/wc/v3/orders?consumer_secret=***"
    assert cleaned["Content-Type"] == "application/json"
    assert headers["Cookie"] == "wordpress_logged_in_abc=xyz"  # the input is not modified


def test_is_sensitive_param() -> None:
    assert is_sensitive_param("oauth_nonce") and is_sensitive_param("consumer%5Fkey")
    assert not is_sensitive_param("per_page") and not is_sensitive_param("consumer")


def test_every_oauth_capture_url_and_link_comes_out_clean() -> None:
    for path in sorted(CAPTURES.glob("19[4-9]_*.json")) + sorted(CAPTURES.glob("2[01][0-9]_*.json")):
        exchange = json.loads(path.read_text())
        dumped = redact_text(json.dumps(exchange["request"])) + json.dumps(
            redact_headers(exchange["response"]["headers"])
        )
        assert SECRET not in dumped and KEY not in dumped, path.name
        assert "oauth_signature=" not in dumped.replace("oauth_signature=***", ""), path.name


# -- issue 7: text from the store, PHP's renamed names, schema messages ------------------------


@pytest.mark.parametrize("name", ["consumer.key", "consumer key", "consumer[key", " consumer_key",
                                   "consumer_key[]", "consumer.secret", "oauth.signature"])
def test_php_renamed_credential_names_are_refused_and_masked(name: str) -> None:
    assert refused_query_names({name: "x"})
    assert is_sensitive_param(name)


@pytest.mark.parametrize("name", ["_method", ".method", " _method", "_method[]"])
def test_method_override_is_the_effective_verb(name: str) -> None:
    assert effective_method("GET", {name: "post"}) == "POST" or name == "_method[]"
    assert refused_query_names({name: "POST"})


def test_a_location_with_userinfo_is_masked_everywhere() -> None:
    assert canonical_site_url("https://ck_1:cs_2@shop.example/wp-json/wc/v3") == "https://shop.example"


def test_store_text_is_redacted_in_messages_and_params() -> None:
    secret = "cs_" + "ab" * 20
    body = {"code": "rest_invalid_param", "message": f"Invalid parameter(s): per_page (https://s/?consumer_secret={secret})",
            "data": {"status": 400, "params": {"per_page": f"bad; request was ?consumer_secret={secret}",
                                               "consumer_secret": secret}}}
    err = error_from_status(400, body, method="GET", url="https://s/wp-json/wc/v3/orders", headers={}, auth_method="query")
    assert secret not in json.dumps(err.to_dict()) and secret not in repr(err)


def test_an_envelope_body_is_redacted() -> None:
    key, secret = "ck_" + "12" * 20, "cs_" + "34" * 20
    body = {"body": [], "status": 200, "headers": {"Link": f'<https://s/wp-json/wc/v3/orders?page=2&consumer_key={key}'
                                                            f'&consumer_secret={secret}>; rel="next"'}}
    shown = json.dumps(redact_value(body))
    assert key not in shown and secret not in shown and "rel=" in shown


def test_a_redirect_to_a_url_with_credentials_names_none_of_them() -> None:
    client = WooClient(Connection.from_dict({"site_url": "https://shop.example", "consumer_key": KEY,
                                             "consumer_secret": SECRET}))
    with responses.RequestsMock() as rsps:
        rsps.add("GET", "https://shop.example/wp-json/wc/v3/orders", status=301,
                 headers={"Location": f"https://{KEY}:{SECRET}@www.shop.example/wp-json/wc/v3/orders?consumer_secret={SECRET}"})
        with pytest.raises(RedirectRefusedError) as info:
            client.get("/orders")
    shown = json.dumps(info.value.to_dict()) + repr(info.value)
    assert KEY not in shown and SECRET not in shown
    assert info.value.details["canonical_site_url"] == "https://www.shop.example"
