"""The sandbox's key check against the real store's answers (captures 003, 189-216).

Each captured request is replayed through :class:`Authenticator` with the clock set to the moment
it was recorded, so the captured OAuth signatures are live test vectors: what the real
WooCommerce accepted must be accepted, what it refused must be refused with the same body.
"""

from __future__ import annotations

import base64
import time
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from captures import capture
from requests_oauthlib import OAuth1

from woo_connector.sandbox import ApiKey, Authenticator, oauth_signature, parse_php_query, signature_base_string
from woo_connector.sandbox.auth import AuthRequest, basic_credentials, check_permissions, parse_oauth_header

RECORDED_AT = 1795849807  # the oauth_timestamp of captures 199-210


def _captured_key(number: int, permissions: str) -> ApiKey:
    header = capture(number)["request"]["headers"]["Authorization"]
    key, secret = base64.b64decode(header[6:]).decode().split(":", 1)
    return ApiKey(key, secret, permissions)


RW = _captured_key(5, "read_write")
RO = _captured_key(212, "read")
KEYS = {RW.consumer_key: RW, RO.consumer_key: RO}


def _auth_request(exchange: dict[str, Any]) -> tuple[AuthRequest, str]:
    req = exchange["request"]
    url = urlsplit(req["url"])
    uri = url.path + ("?" + url.query if url.query else "")
    auth = AuthRequest(
        method=req["method"],
        https=url.scheme == "https",
        request_uri=uri,
        get=parse_php_query(url.query),
        post={},
        authorization=req["headers"].get("Authorization"),
    )
    return auth, f"{url.scheme}://{url.netloc}"


def _replay(number: int, now: float = RECORDED_AT + 5, authenticator: Authenticator | None = None):
    exchange = capture(number)
    auth_request, home = _auth_request(exchange)
    authenticator = authenticator or Authenticator(KEYS, home, clock=lambda: now)
    return exchange, authenticator.authenticate(auth_request)


@pytest.mark.parametrize("number", [198, 199, 200, 202, 203, 204, 208, 210])
def test_captured_oauth_requests_the_store_accepted_are_accepted(number: int) -> None:
    _, result = _replay(number)
    assert result.error is None
    assert result.key is RW


@pytest.mark.parametrize("number", [201, 205, 206, 207, 211])
def test_captured_oauth_requests_the_store_refused_get_its_error_body(number: int) -> None:
    exchange, result = _replay(number)
    assert result.key is None
    assert result.error is not None
    assert result.error.status == exchange["response"]["status"] == 401
    assert result.error.body() == exchange["response"]["body"]


def test_array_params_sign_under_php_indexed_names() -> None:
    # capture 202 signs status[0]/status[1]; the base string must carry them double-encoded
    url = urlsplit(capture(202)["request"]["url"])
    params = parse_php_query(url.query)
    params.pop("oauth_signature")
    text = signature_base_string("GET", "http://127.0.0.1:8080/wp-json/wc/v3/orders", params)
    assert "status%255B0%255D%3Dcompleted%26status%255B1%255D%3Dprocessing" in text
    assert text.startswith("GET&http%3A%2F%2F127.0.0.1%3A8080%2Fwp-json%2Fwc%2Fv3%2Forders&oauth_consumer_key%3D")


def test_signature_helper_reproduces_a_captured_signature() -> None:
    url = urlsplit(capture(200)["request"]["url"])
    params = parse_php_query(url.query)
    sent = params.pop("oauth_signature")
    assert oauth_signature("GET", "http://127.0.0.1:8080/wp-json/wc/v3/products", params,
                           RW.consumer_secret, "HMAC-SHA256") == sent
    assert oauth_signature("GET", "http://127.0.0.1:8080/wp-json/wc/v3/products", params,
                           "cs_other", "HMAC-SHA256") != sent


def test_replayed_nonce_is_refused_as_capture_209() -> None:
    authenticator = Authenticator(KEYS, "http://127.0.0.1:8080", clock=lambda: RECORDED_AT + 5)
    _, first = _replay(208, authenticator=authenticator)
    exchange, second = _replay(209, authenticator=authenticator)
    assert first.key is RW
    assert second.key is None and second.error is not None
    assert second.error.body() == exchange["response"]["body"]


@pytest.mark.parametrize("drift", [-15 * 60 - 1, 15 * 60 + 1])
def test_timestamps_outside_fifteen_minutes_are_refused(drift: int) -> None:
    _, result = _replay(198, now=1795849806 - drift)
    assert result.error is not None and result.error.message == "Invalid timestamp."


def test_timestamp_at_the_window_edge_is_accepted() -> None:
    _, result = _replay(198, now=1795849806 + 15 * 60)
    assert result.key is RW


def test_unknown_signature_method_is_refused() -> None:
    auth_request, home = _auth_request(capture(198))
    auth_request.get = {**auth_request.get, "oauth_signature_method": "PLAINTEXT"}
    result = Authenticator(KEYS, home, clock=lambda: RECORDED_AT).authenticate(auth_request)
    assert result.error is not None
    assert result.error.message == "Invalid signature - signature method is invalid."


# -- Basic and query keys (HTTPS only) --------------------------------------------------------


@pytest.mark.parametrize("number", [189, 190, 192, 193, 196, 197, 3])
def test_requests_the_store_treated_as_anonymous_get_no_key_and_no_error(number: int) -> None:
    exchange, result = _replay(number)
    assert exchange["response"]["body"]["code"] == "woocommerce_rest_cannot_view"
    assert result.key is None
    assert result.error is None


@pytest.mark.parametrize("number", [191, 195])
def test_known_key_with_a_wrong_secret_is_an_error(number: int) -> None:
    exchange, result = _replay(number)
    assert result.error is not None
    assert result.error.body() == exchange["response"]["body"]


@pytest.mark.parametrize("number", [5, 194, 212])
def test_basic_and_query_keys_over_https_are_accepted(number: int) -> None:
    _, result = _replay(number)
    assert result.error is None
    assert result.key in (RW, RO)


@pytest.mark.parametrize("number", [213, 214, 215, 216])
def test_read_only_key_writing_gets_the_captured_body(number: int) -> None:
    exchange, result = _replay(number)
    assert result.key is RO
    refused = check_permissions(result.key, exchange["request"]["method"])
    assert refused is not None
    assert refused.body() == exchange["response"]["body"]


def test_read_only_key_may_read_and_write_only_key_may_not() -> None:
    assert check_permissions(RO, "GET") is None
    refused = check_permissions(ApiKey("ck_w", "cs_w", "write"), "GET")
    assert refused is not None and refused.message == "The API key provided does not have read permissions."


def test_basic_header_is_read_leniently_like_php() -> None:
    assert basic_credentials("Basic " + base64.b64encode(b"ck_a:cs:b").decode()) == ("ck_a", "cs:b")
    assert basic_credentials("Basic not-base64!!") is None
    assert basic_credentials("Bearer abc") is None


def test_oauth_header_values_are_urldecoded_and_realm_dropped() -> None:
    params = parse_oauth_header('OAuth realm="x", oauth_nonce="a%2Fb", oauth_signature=c%3D')
    assert params == {"oauth_nonce": "a/b", "oauth_signature": "c="}


# -- through the socket, signed by a real client ----------------------------------------------


def _oauth_session(key: ApiKey, **kw: Any) -> requests.Session:
    session = requests.Session()
    session.auth = OAuth1(key.consumer_key, key.consumer_secret, signature_type=kw.pop("signature_type", "query"),
                          signature_method=kw.pop("signature_method", "HMAC-SHA1"))
    return session


@pytest.mark.parametrize("signature_type", ["query", "auth_header"])
@pytest.mark.parametrize("signature_method", ["HMAC-SHA1", "HMAC-SHA256"])
def test_oauth_signed_by_requests_oauthlib_passes_over_http(standin_sandbox, signature_type, signature_method) -> None:
    sandbox = standin_sandbox()
    key = sandbox.key("rw")
    session = _oauth_session(key, signature_type=signature_type, signature_method=signature_method)
    response = session.get(sandbox.url + "/wp-json/wc/v3/orders", params={"per_page": "2", "status[0]": "a"})
    assert response.status_code == 200, response.text
    assert sandbox.store.requests[-1].key is key
    assert sandbox.store.requests[-1].query["status"] == ["a"]


def test_oauth_with_status_brackets_fails_as_capture_201(standin_sandbox) -> None:
    sandbox = standin_sandbox()
    session = _oauth_session(sandbox.key("rw"))
    response = session.get(sandbox.url + "/wp-json/wc/v3/orders", params=[("status[]", "a"), ("status[]", "b")])
    assert response.status_code == 401
    assert response.json() == capture(201)["response"]["body"]


def test_oauth_replay_over_the_socket_is_refused(standin_sandbox) -> None:
    sandbox = standin_sandbox()
    prepared = _oauth_session(sandbox.key("rw")).prepare_request(
        requests.Request("GET", sandbox.url + "/wp-json/wc/v3/orders"))
    with requests.Session() as plain:
        assert plain.send(prepared).status_code == 200
        again = plain.send(prepared)
    assert again.status_code == 401
    assert again.json()["message"] == "Invalid nonce - nonce has already been used."


def test_oauth_form_body_params_are_signed_like_php_post(standin_sandbox) -> None:
    # PHP merges $_POST into the OAuth parameters, so a signed form body must be signed as sent
    sandbox = standin_sandbox()
    session = _oauth_session(sandbox.key("rw"), signature_type="auth_header")
    response = session.post(sandbox.url + "/wp-json/wc/v3/orders", data={"status": "pending"})
    assert response.status_code == 201, response.text
    assert response.json()["status"] == "pending"


def test_basic_over_plain_http_is_ignored(standin_sandbox) -> None:
    sandbox = standin_sandbox()
    key = sandbox.key("rw")
    response = requests.get(sandbox.url + "/wp-json/wc/v3/orders", auth=(key.consumer_key, key.consumer_secret))
    assert response.status_code == 401
    assert response.json() == capture(196)["response"]["body"]
    assert "WWW-Authenticate" not in response.headers


def test_query_keys_over_https_and_read_only_write(standin_sandbox) -> None:
    sandbox = standin_sandbox(https=True)
    ro = sandbox.key("ro")
    ok = requests.get(sandbox.url + "/wp-json/wc/v3/orders", verify=sandbox.ca_bundle,
                      params={"consumer_key": ro.consumer_key, "consumer_secret": ro.consumer_secret})
    refused = requests.post(sandbox.url + "/wp-json/wc/v3/orders", json={}, verify=sandbox.ca_bundle,
                            auth=(ro.consumer_key, ro.consumer_secret))
    assert ok.status_code == 200
    assert refused.status_code == 401
    assert refused.json() == capture(214)["response"]["body"]
    assert "Allow" not in refused.headers  # refused before WordPress matched a route (capture 214)


def test_oauth_is_accepted_over_https_too(standin_sandbox) -> None:
    sandbox = standin_sandbox(https=True)
    session = _oauth_session(sandbox.key("rw"))
    # verify per request: requests lets REQUESTS_CA_BUNDLE override a Session's own verify
    assert session.get(sandbox.url + "/wp-json/wc/v3/orders", verify=sandbox.ca_bundle).status_code == 200


def test_injected_clock_decides_the_timestamp_window(standin_sandbox) -> None:
    sandbox = standin_sandbox(clock=lambda: time.time() + 3600)
    response = _oauth_session(sandbox.key("rw")).get(sandbox.url + "/wp-json/wc/v3/orders")
    assert response.status_code == 401
    assert response.json()["message"] == "Invalid timestamp."
