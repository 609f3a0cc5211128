"""The signer against the real store's verdicts (captures 194-211), and the auth choices."""

from __future__ import annotations

import base64
import json
import re
from urllib.parse import parse_qsl, unquote, urlsplit

import pytest
import requests
from oauthlib.oauth1.rfc5849 import signature as rfc5849

from captures import CAPTURES, capture
from woo_connector.auth import (
    QueryKeyAuth,
    WooBasicAuth,
    WooOAuth1,
    hmac_signature,
    make_auth,
    php_parse_query,
)
from woo_connector.connection import Connection
from woo_connector.errors import ConfigError
from woo_connector.query import php_pairs

# The capture store's own local test key, read from a capture rather than written out here.
KEY, SECRET = base64.b64decode(capture(5)["request"]["headers"]["Authorization"].split()[1]).decode().split(":")
ACCEPTED_SIGNATURES = [  # the store checked the signature and found it right
    "198_auth_oauth1_query_http_ok.json",
    "199_auth_oauth1_header_http_ok.json",
    "200_auth_oauth1_hmac_sha256_http.json",
    "202_auth_oauth1_array_param_explicit_index_http.json",
    "203_auth_oauth1_comma_param_http.json",
    "204_auth_oauth1_post_json_http.json",
    "207_auth_oauth1_expired_timestamp_http.json",  # signature passed, then the clock failed
    "208_auth_oauth1_nonce_first_use_http.json",
    "209_auth_oauth1_nonce_replayed_http.json",  # signature passed, then the nonce failed
    "210_auth_oauth1_over_https.json",
]


def capture(name: str) -> dict:
    return json.loads((CAPTURES / name).read_text())


def sent_oauth(request: dict) -> dict[str, str]:
    """The oauth_* values a capture sent, from its query or its Authorization header."""
    values = {k: v for k, v in parse_qsl(urlsplit(request["url"]).query) if k.startswith("oauth_")}
    header = request["headers"].get("Authorization", "")
    for name, value in re.findall(r'(oauth_[a-z_]+)="([^"]*)"', header):
        values[name] = unquote(value)
    return values


def without_oauth(url: str) -> str:
    parts = urlsplit(url)
    kept = "&".join(p for p in parts.query.split("&") if p and not p.startswith("oauth_"))
    return parts._replace(query=kept).geturl()


def replay(name: str, consumer_key: str = KEY, secret: str = SECRET) -> tuple[str, str]:
    """Sign the capture's request again from its own nonce and timestamp: (ours, theirs)."""
    request = capture(name)["request"]
    sent = sent_oauth(request)
    placement = "header" if "Authorization" in request["headers"] else "query"
    signer = WooOAuth1(consumer_key, secret, signature_method=sent["oauth_signature_method"], placement=placement)
    protocol = [
        ("oauth_nonce", sent["oauth_nonce"]),
        ("oauth_timestamp", sent["oauth_timestamp"]),
        ("oauth_version", "1.0"),
        ("oauth_signature_method", sent["oauth_signature_method"]),
        ("oauth_consumer_key", consumer_key),
    ]
    body = json.dumps(request["body"]) if request["body"] is not None else None
    url, header = signer.sign(
        request["method"], without_oauth(request["url"]), body=body,
        content_type=request["headers"].get("Content-Type"), oauth=protocol,
    )
    ours = sent_oauth({"url": url, "headers": {"Authorization": header} if header else {}})
    return ours["oauth_signature"], sent["oauth_signature"]


@pytest.mark.parametrize("name", ACCEPTED_SIGNATURES)
def test_reproduces_every_signature_the_store_accepted(name: str) -> None:
    ours, theirs = replay(name)
    assert ours == theirs


def test_sha1_and_sha256_vectors_are_both_covered() -> None:
    methods = {sent_oauth(capture(n)["request"])["oauth_signature_method"] for n in ACCEPTED_SIGNATURES}
    assert methods == {"HMAC-SHA1", "HMAC-SHA256"}


def test_a_json_body_is_not_signed_but_a_form_body_is() -> None:
    fixed = {"nonce_factory": lambda: "n", "clock": lambda: 1795849807.0}
    url = "http://shop.test/wp-json/wc/v3/orders/752/notes"

    def signature(body: str | None, content_type: str | None) -> str:
        signed, _ = WooOAuth1(KEY, SECRET, **fixed).sign("POST", url, body=body, content_type=content_type)
        return dict(parse_qsl(urlsplit(signed).query))["oauth_signature"]

    bare = signature(None, None)
    assert signature('{"note": "x"}', "application/json") == bare
    # PHP puts form fields in $_POST, which WooCommerce merges into what it signs.
    assert signature("note=x", "application/x-www-form-urlencoded") != bare


def test_capture_201_was_signed_the_rfc_way_which_woocommerce_refuses() -> None:
    exchange = capture("201_auth_oauth1_array_param_http.json")
    request = exchange["request"]
    pairs = [(k, v) for k, v in parse_qsl(urlsplit(request["url"]).query) if k != "oauth_signature"]
    rfc_base = rfc5849.signature_base_string(
        "GET", rfc5849.base_string_uri(request["url"]), rfc5849.normalize_parameters(pairs)
    )
    theirs = sent_oauth(request)["oauth_signature"]
    # The refused signature is exactly RFC 5849 over the literal status[] names ...
    assert hmac_signature(rfc_base, SECRET, "HMAC-SHA1") == theirs
    # ... while WooCommerce signs PHP's parsed array as status[0], status[1].
    ours, _ = replay("201_auth_oauth1_array_param_http.json")
    assert ours != theirs
    assert exchange["response"]["status"] == 401
    assert "Invalid signature" in exchange["response"]["body"]["message"]


def test_php_parse_query_reads_brackets_like_php() -> None:
    parsed = php_parse_query("status%5B%5D=completed&status%5B%5D=processing&per_page=2&a.b=1&x=1&x=2")
    assert parsed == {"status": {0: "completed", 1: "processing"}, "per_page": "2", "a_b": "1", "x": "2"}
    assert php_parse_query("f%5Bperiod%5D=week&search=a+b") == {"f": {"period": "week"}, "search": "a b"}


def test_a_python_list_goes_out_indexed_and_matches_capture_202() -> None:
    request = capture("202_auth_oauth1_array_param_explicit_index_http.json")["request"]
    sent = sent_oauth(request)
    signer = WooOAuth1(
        KEY, SECRET, signature_method="HMAC-SHA1",
        nonce_factory=lambda: sent["oauth_nonce"], clock=lambda: float(sent["oauth_timestamp"]),
    )
    prepared = requests.Request(
        "GET", "http://127.0.0.1:8080/wp-json/wc/v3/orders",
        params=php_pairs({"status": ["completed", "processing"], "per_page": 2}), auth=signer,
    ).prepare()
    query = urlsplit(prepared.url).query
    assert "status%5B0%5D=completed&status%5B1%5D=processing" in query
    assert "status%5B%5D" not in query
    assert dict(parse_qsl(query))["oauth_signature"] == sent["oauth_signature"]


def test_wrong_secret_capture_205_does_not_match_the_real_secret() -> None:
    ours, theirs = replay("205_auth_oauth1_wrong_secret_http.json")
    assert ours != theirs
    assert capture("205_auth_oauth1_wrong_secret_http.json")["response"]["status"] == 401


def test_wrong_key_capture_206_the_key_is_part_of_the_signed_string() -> None:
    name = "206_auth_oauth1_wrong_key_http.json"
    ours_nope, theirs = replay(name, consumer_key="ck_nope")
    assert ours_nope == theirs  # signed with the real secret under the bogus key
    ours_real, _ = replay(name, consumer_key=KEY)
    assert ours_real != theirs
    assert capture(name)["response"]["body"]["message"] == "Consumer key is invalid."


def test_every_send_gets_a_fresh_nonce_and_no_stale_oauth_params() -> None:
    nonces = iter(["n1", "n2"])
    signer = WooOAuth1(KEY, SECRET, nonce_factory=lambda: next(nonces), clock=lambda: 1795849807.0)
    prepared = requests.Request("GET", "http://shop.test/wp-json/wc/v3/orders?per_page=1", auth=signer).prepare()
    first = parse_qsl(urlsplit(prepared.url).query)
    signer(prepared)  # a retry re-applies auth to the same prepared request
    second = parse_qsl(urlsplit(prepared.url).query)
    assert dict(first)["oauth_nonce"] == "n1"
    assert dict(second)["oauth_nonce"] == "n2"
    assert [k for k, _ in second].count("oauth_signature") == 1
    assert dict(first)["oauth_signature"] != dict(second)["oauth_signature"]


def test_header_placement_puts_everything_in_authorization() -> None:
    signer = WooOAuth1(KEY, SECRET, placement="header")
    prepared = requests.Request("GET", "http://shop.test/wp-json/wc/v3/orders?per_page=3", auth=signer).prepare()
    assert "oauth_" not in prepared.url
    assert prepared.headers["Authorization"].startswith('OAuth oauth_nonce="')


def test_query_key_auth_appends_the_pair_once() -> None:
    auth = QueryKeyAuth(KEY, SECRET)
    prepared = requests.Request("GET", "https://shop.test/wp-json/wc/v3/orders?per_page=2", auth=auth).prepare()
    auth(prepared)
    pairs = parse_qsl(urlsplit(prepared.url).query)
    assert pairs == [("per_page", "2"), ("consumer_key", KEY), ("consumer_secret", SECRET)]


def conn(url: str, auth: str) -> Connection:
    return Connection(site_url=url, consumer_key=KEY, consumer_secret=SECRET, auth=auth)


@pytest.mark.parametrize(
    "url, mode, kind, method",
    [
        ("https://shop.test", "auto", WooBasicAuth, "basic"),
        ("http://shop.test", "auto", WooOAuth1, "oauth1"),
        ("https://shop.test", "basic", WooBasicAuth, "basic"),
        ("https://shop.test", "query", QueryKeyAuth, "query"),
        ("http://shop.test", "oauth1", WooOAuth1, "oauth1"),
        ("https://shop.test", "oauth1", WooOAuth1, "oauth1"),
    ],
)
def test_make_auth_picks_the_method(url: str, mode: str, kind: type, method: str) -> None:
    auth, used = make_auth(conn(url, mode))
    assert isinstance(auth, kind)
    assert used == method


@pytest.mark.parametrize("mode, capture_name", [
    ("basic", "196_auth_basic_over_http_rejected.json"),
    ("query", "197_auth_querystring_over_http_rejected.json"),
])
def test_basic_and_query_over_plain_http_are_config_errors(mode: str, capture_name: str) -> None:
    assert capture(capture_name)["response"]["status"] == 401  # what the store would have said
    with pytest.raises(ConfigError) as caught:
        make_auth(conn("http://shop.test", mode))
    assert "oauth1" in caught.value.message
    assert SECRET not in str(caught.value)


def test_no_auth_object_ever_shows_the_secret() -> None:
    objects = [make_auth(conn("https://shop.test", m))[0] for m in ("basic", "query", "oauth1")]
    for auth in objects:
        assert SECRET not in repr(auth) and SECRET not in str(auth)
        assert KEY not in repr(auth)
    assert repr(objects[0]).startswith("WooBasicAuth(")


def test_unknown_signature_method_is_refused() -> None:
    with pytest.raises(ConfigError):
        WooOAuth1(KEY, SECRET, signature_method="PLAINTEXT")
