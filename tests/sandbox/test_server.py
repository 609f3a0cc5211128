"""The sandbox's HTTP side: request parsing, WordPress' headers and order of checks, TLS, lifecycle.

Most tests run against a stand-in store (``standin_sandbox``) so they test the transport alone;
the last ones run the session sandboxes with the real seeded store and routes.
"""

from __future__ import annotations

import http.client
import json
import socket
import ssl
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

import pytest
import requests
from captures import capture

from woo_connector.sandbox import Sandbox, parse_php_query
from woo_connector.sandbox.php import parse_body, php_json
from woo_connector.sandbox.store import Store

API = "/wp-json/wc/v3"
CAPTURED_HEADERS = {"Content-Type", "X-Robots-Tag", "Link", "X-Content-Type-Options",
                    "Access-Control-Expose-Headers", "Access-Control-Allow-Headers"}


def _rw(sandbox: Sandbox) -> tuple[str, str]:
    key = sandbox.key("rw")
    return key.consumer_key, key.consumer_secret


# -- PHP's reading of the query and the body ---------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status%5B0%5D=a&status%5B1%5D=b", {"status": ["a", "b"]}),
        ("status[]=a&status[]=b", {"status": ["a", "b"]}),
        ("status=a,b", {"status": "a,b"}),
        ("status=a&status=b", {"status": "b"}),  # PHP keeps the last plain repeat
        ("search=a+b&x=%2B", {"search": "a b", "x": "+"}),
        ("a[2]=x&a[0]=y", {"a": {"2": "x", "0": "y"}}),
        ("m[k][]=1&m[k][]=2", {"m": {"k": ["1", "2"]}}),
        ("a.b=1&c d=2&e[=3", {"a_b": "1", "c_d": "2", "e_": "3"}),
        ("flag&=x&&[a]=1", {"flag": ""}),
    ],
)
def test_query_is_parsed_as_php_does(query: str, expected: dict) -> None:
    assert parse_php_query(query) == expected


def test_invalid_json_body_is_reported_with_capture_252s_body() -> None:
    parsed = parse_body("POST", "application/json", b"{not json")
    assert parsed.error is not None
    assert parsed.error.body() == capture(252)["response"]["body"]


def test_json_and_form_bodies_parse_and_nan_is_refused() -> None:
    assert parse_body("PUT", "application/json; charset=utf-8", b'{"a": [1]}').body == {"a": [1]}
    form = parse_body("POST", "application/x-www-form-urlencoded", b"name=A+B&tags[0]=x")
    assert form.body == {"name": "A B", "tags": ["x"]} and form.post == form.body
    assert parse_body("PUT", "application/x-www-form-urlencoded", b"a=1").post == {}
    assert parse_body("POST", "application/json", b"NaN").error is not None
    assert parse_body("POST", "application/json", b"").body is None


def test_json_is_written_as_php_writes_it() -> None:
    assert php_json({"href": "http://x/y", "name": "Caf\u00e9"}) == b'{"href":"http:\\/\\/x\\/y","name":"Caf\\u00e9"}'


# -- what WordPress answers, in what order -----------------------------------------------------


def test_anonymous_request_carries_the_captured_headers(standin_sandbox) -> None:
    sandbox = standin_sandbox()
    response = requests.get(sandbox.url + API + "/orders")
    expected = capture(189)["response"]
    assert response.status_code == 401
    assert response.json() == expected["body"]
    for name in CAPTURED_HEADERS | {"Vary"}:
        assert name in response.headers, name
    assert response.headers["Link"] == f'<{sandbox.url}/wp-json/>; rel="https://api.w.org/"'
    assert response.headers["Content-Type"] == expected["headers"]["Content-Type"]
    assert "Allow" not in response.headers and "Cache-Control" not in response.headers


def test_signed_in_request_gets_allow_and_no_cache_headers(standin_sandbox) -> None:
    sandbox = standin_sandbox(https=True)
    response = requests.get(sandbox.url + API + "/orders/99", auth=_rw(sandbox), verify=sandbox.ca_bundle)
    expected = capture(224)["response"]["headers"]
    assert response.status_code == 404
    assert response.headers["Allow"] == "GET, PUT, PATCH, DELETE"
    for name in ("Expires", "Cache-Control"):
        assert response.headers[name] == expected[name]
    assert "Vary" not in response.headers


def test_handler_headers_replace_the_api_link_and_add_totals(standin_sandbox) -> None:
    sandbox = standin_sandbox(https=True)
    created = requests.post(sandbox.url + API + "/orders", json={"status": "pending"}, auth=_rw(sandbox),
                            verify=sandbox.ca_bundle)
    listed = requests.get(sandbox.url + API + "/orders", auth=_rw(sandbox), verify=sandbox.ca_bundle)
    assert created.status_code == 201
    assert created.headers["Location"] == f"{sandbox.url}{API}/orders/{created.json()['id']}"
    assert listed.headers["X-WP-Total"] == str(len(listed.json()))
    assert sandbox.store.saves == 1  # a write is saved, a read is not


def test_unknown_route_is_rest_no_route_without_allow(standin_sandbox) -> None:
    sandbox = standin_sandbox(https=True)
    for method, path in (("GET", "/no-such-endpoint"), ("DELETE", "/orders")):
        response = requests.request(method, sandbox.url + API + path, auth=_rw(sandbox), verify=sandbox.ca_bundle)
        assert response.status_code == 404
        assert response.json() == capture(230)["response"]["body"]
        assert "Allow" not in response.headers


def test_invalid_json_is_checked_after_the_route_matched(standin_sandbox) -> None:
    sandbox = standin_sandbox(https=True)
    headers = {"Content-Type": "application/json"}
    bad = requests.post(sandbox.url + API + "/orders", data=b"{not json", headers=headers, auth=_rw(sandbox),
                        verify=sandbox.ca_bundle)
    unrouted = requests.post(sandbox.url + API + "/nowhere", data=b"{not json", headers=headers, auth=_rw(sandbox),
                             verify=sandbox.ca_bundle)
    assert bad.status_code == 400 and bad.json() == capture(252)["response"]["body"]
    assert bad.headers["Allow"] == capture(252)["response"]["headers"]["Allow"]
    assert unrouted.status_code == 404


def test_handlers_get_a_clean_request(standin_sandbox) -> None:
    sandbox = standin_sandbox(https=True)
    requests.get(sandbox.url + API + "/orders/", params=[("status[0]", "a"), ("status[1]", "b")],
                 headers={"X-Custom": "1"}, auth=_rw(sandbox), verify=sandbox.ca_bundle)
    seen = sandbox.store.requests[-1]
    assert seen.route == "/orders"  # trailing slash removed, as WordPress does
    assert seen.query == {"status": ["a", "b"]}
    assert seen.raw_query == "status%5B0%5D=a&status%5B1%5D=b"
    assert seen.base_url == sandbox.url
    assert seen.headers.get("X-CUSTOM") == "1"
    assert "authorization" not in seen.headers  # the secret never reaches a handler


def test_method_override_header_routes_a_post_as_delete(standin_sandbox) -> None:
    sandbox = standin_sandbox(https=True)
    requests.post(sandbox.url + API + "/orders/1", headers={"X-HTTP-Method-Override": "DELETE"},
                  auth=_rw(sandbox), verify=sandbox.ca_bundle)
    assert sandbox.store.requests[-1].method == "DELETE"


def test_a_handler_bug_is_a_wordpress_critical_error(standin_sandbox, capsys) -> None:
    def broken(method, route):
        return (lambda store, request: 1 / 0), {}

    sandbox = standin_sandbox(https=True, resolve=broken)
    response = requests.get(sandbox.url + API + "/orders", auth=_rw(sandbox), verify=sandbox.ca_bundle)
    assert response.status_code == 500
    assert response.json()["code"] == "internal_server_error"
    assert "ZeroDivisionError" in capsys.readouterr().err


def test_head_has_headers_but_no_body(standin_sandbox) -> None:
    sandbox = standin_sandbox()
    response = requests.head(sandbox.url + API)
    assert response.status_code == 200
    assert int(response.headers["Content-Length"]) > 100
    assert response.content == b""


# -- discovery: /wp-json/, the namespace, ?rest_route=, the front page -------------------------


def test_namespace_index_and_root_have_the_captured_shape(standin_sandbox) -> None:
    sandbox = standin_sandbox()
    index = requests.get(sandbox.url + API)
    root = requests.get(sandbox.url + "/wp-json/")
    captured_index, captured_root = capture(1)["response"]["body"], capture(2)["response"]["body"]
    assert index.status_code == root.status_code == 200
    assert index.headers["Allow"] == "GET"
    assert set(index.json()) == set(captured_index)
    entry, captured_entry = index.json()["routes"]["/wc/v3/orders"], captured_index["routes"]["/wc/v3/orders"]
    assert entry["methods"] == captured_entry["methods"]
    assert [e["methods"] for e in entry["endpoints"]] == [e["methods"] for e in captured_entry["endpoints"]]
    assert index.json()["routes"]["/wc/v3"] == json.loads(
        json.dumps(captured_index["routes"]["/wc/v3"]).replace("https://127.0.0.1:8443", sandbox.url))
    for key, value in root.json().items():
        assert type(value) is type(captured_root[key]), key
    assert "wc/v3" in root.json()["namespaces"]


def test_rest_route_form_is_never_authenticated(standin_sandbox) -> None:
    sandbox = standin_sandbox(https=True)
    item = requests.get(sandbox.url + "/", params={"rest_route": "/wc/v3/orders/1"}, auth=_rw(sandbox),
                        verify=sandbox.ca_bundle)
    index = requests.get(sandbox.url + "/", params={"rest_route": "/wc/v3"}, verify=sandbox.ca_bundle)
    assert item.status_code == 401
    assert item.json() == capture(3)["response"]["body"]
    assert index.status_code == 200 and index.json()["namespace"] == "wc/v3"


def test_front_page_is_wordpress_html(standin_sandbox) -> None:
    sandbox = standin_sandbox()
    page = requests.get(sandbox.url + "/shop/")
    assert page.status_code == 200
    assert page.headers["Content-Type"].startswith("text/html")
    assert 'rel="https://api.w.org/"' in page.text
    assert page.headers["Link"] == f'<{sandbox.url}/wp-json/>; rel="https://api.w.org/"'


def test_wordpress_without_woocommerce(standin_sandbox) -> None:
    sandbox = standin_sandbox(https=True)
    sandbox.mode = "wordpress"
    orders = requests.get(sandbox.url + API + "/orders", auth=_rw(sandbox), verify=sandbox.ca_bundle)
    root = requests.get(sandbox.url + "/wp-json/", verify=sandbox.ca_bundle)
    assert orders.status_code == 404 and orders.json()["code"] == "rest_no_route"
    assert requests.get(sandbox.url + API, verify=sandbox.ca_bundle).status_code == 404
    assert root.status_code == 200
    assert not [ns for ns in root.json()["namespaces"] if ns.startswith("wc")]


def test_not_wordpress_at_all(standin_sandbox) -> None:
    sandbox = standin_sandbox(mode="html")
    api = requests.get(sandbox.url + "/wp-json/")
    home = requests.get(sandbox.url + "/")
    assert api.status_code == 404 and api.headers["Content-Type"].startswith("text/html")
    assert home.status_code == 200 and "api.w.org" not in home.text


def test_unknown_mode_is_refused() -> None:
    with pytest.raises(ValueError):
        Sandbox(mode="joomla")


# -- sockets: keep-alive, TLS, lifecycle, the request log --------------------------------------


def test_keep_alive_serves_several_requests_on_one_connection(standin_sandbox) -> None:
    sandbox = standin_sandbox()
    conn = http.client.HTTPConnection("127.0.0.1", sandbox.port, timeout=5)
    try:
        statuses, local_ports = [], set()
        for _ in range(3):
            conn.request("GET", API + "/orders")
            response = conn.getresponse()
            response.read()
            statuses.append(response.status)
            local_ports.add(conn.sock.getsockname()[1])  # http.client reconnects silently if closed
        assert statuses == [401, 401, 401]
        assert len(local_ports) == 1
    finally:
        conn.close()


def test_https_verifies_against_the_generated_ca_only(standin_sandbox) -> None:
    sandbox = standin_sandbox(https=True)
    assert sandbox.url.startswith("https://127.0.0.1:")
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(sandbox.url + API, verify=True)
    assert requests.get(sandbox.url + API, verify=sandbox.ca_bundle).status_code == 200
    localhost = sandbox.url.replace("127.0.0.1", "localhost")
    assert requests.get(localhost + API, verify=sandbox.ca_bundle).status_code == 200
    context = ssl.create_default_context(cafile=sandbox.ca_bundle)
    with socket.create_connection(("127.0.0.1", sandbox.port), timeout=5) as raw:
        with context.wrap_socket(raw, server_hostname="127.0.0.1") as tls:
            assert tls.version() in ("TLSv1.2", "TLSv1.3")


def test_connection_json_is_ready_to_use(standin_sandbox) -> None:
    plain = standin_sandbox()
    secure = standin_sandbox(https=True)
    conn = secure.connection("shop_manager")
    assert set(plain.connection("ro")) == {"site_url", "consumer_key", "consumer_secret"}
    assert conn["site_url"] == secure.url and conn["ca_bundle"] == secure.ca_bundle
    assert secure.store.keys[conn["consumer_key"]].role == "shop_manager"
    assert plain.connection("rw")["consumer_key"] != plain.connection("ro")["consumer_key"]
    with pytest.raises(ValueError):
        plain.connection("admin")


def test_stop_frees_the_port_and_removes_the_ca(standin_sandbox) -> None:
    sandbox = standin_sandbox(https=True)
    bundle, port = sandbox.ca_bundle, sandbox.port
    with open(bundle, encoding="ascii") as pem:
        assert "BEGIN CERTIFICATE" in pem.read()
    sandbox.stop()
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    with pytest.raises(OSError):
        open(bundle).close()


def test_context_manager_starts_and_stops(standin_sandbox) -> None:
    other = standin_sandbox()
    with Sandbox(store=other.store, resolve=other.site.resolve) as sandbox:
        assert requests.get(sandbox.url + API, timeout=5).status_code == 200
        url = sandbox.url
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(url + API, timeout=2)


def test_request_log_keeps_names_not_secrets(standin_sandbox) -> None:
    sandbox = standin_sandbox(https=True)
    key = sandbox.key("rw")
    requests.get(sandbox.url + API + "/orders", verify=sandbox.ca_bundle,
                 params={"consumer_key": key.consumer_key, "consumer_secret": key.consumer_secret, "per_page": 5})
    method, path, names, status = sandbox.requests_log[-1]
    assert (method, path, names, status) == ("GET", API + "/orders", ("consumer_key", "consumer_secret", "per_page"), 200)
    assert key.consumer_secret not in repr(list(sandbox.requests_log)) + repr(sandbox)


# -- the real store and routes (session fixtures) ----------------------------------------------


def test_session_sandboxes_serve_the_seeded_store(sandbox_http, sandbox_https) -> None:
    from requests_oauthlib import OAuth1  # noqa: PLC0415

    conn = sandbox_https.connection("rw")
    secure = requests.get(conn["site_url"] + API + "/orders", params={"per_page": 3}, verify=conn["ca_bundle"],
                          auth=(conn["consumer_key"], conn["consumer_secret"]))
    key = sandbox_http.key("rw")
    plain = requests.get(sandbox_http.url + API + "/orders", params={"per_page": 3},
                         auth=OAuth1(key.consumer_key, key.consumer_secret, signature_type="query"))
    for response in (secure, plain):
        assert response.status_code == 200, response.text
        assert len(response.json()) == 3
        assert int(response.headers["X-WP-Total"]) >= 300
        assert response.headers["Allow"] == "GET, POST"


def test_session_sandbox_refuses_like_the_real_store(sandbox_https) -> None:
    conn = sandbox_https.connection("ro")
    anonymous = requests.get(sandbox_https.url + API + "/orders", verify=sandbox_https.ca_bundle)
    read_only = requests.put(sandbox_https.url + API + "/orders/1", json={"customer_note": "ro"},
                             auth=(conn["consumer_key"], conn["consumer_secret"]), verify=sandbox_https.ca_bundle)
    assert anonymous.status_code == 401 and anonymous.json() == capture(189)["response"]["body"]
    assert read_only.status_code == 401 and read_only.json() == capture(213)["response"]["body"]


def test_session_sandbox_headers_match_a_captured_list(sandbox_https) -> None:
    conn = sandbox_https.connection("rw")
    with requests.Session() as pooled:
        pooled.auth = (conn["consumer_key"], conn["consumer_secret"])
        first = pooled.get(conn["site_url"] + API + "/orders", verify=conn["ca_bundle"])
        narrow = pooled.get(conn["site_url"] + API + "/orders", verify=conn["ca_bundle"],
                            params={"_fields": "id,status", "per_page": 2})
    captured = capture(5)["response"]["headers"]
    skipped = {"Transfer-Encoding", "Server", "Date"}  # how the bytes travelled, not what they say
    assert set(captured) - skipped <= set(first.headers)
    assert first.headers["Link"].startswith(f"<{sandbox_https.url}{API}/orders?")
    assert [set(order) for order in narrow.json()] == [{"id", "status"}, {"id", "status"}]
    assert [entry[3] for entry in sandbox_https.requests_log] == [200, 200]


def test_session_sandbox_shop_manager_and_visitors(sandbox_https) -> None:
    manager = sandbox_https.connection("shop_manager")
    edit_admin = requests.put(sandbox_https.url + API + "/customers/1", json={"first_name": "x"},
                              auth=(manager["consumer_key"], manager["consumer_secret"]), verify=manager["ca_bundle"])
    visitor = requests.post(sandbox_https.url + API + "/orders", json={}, verify=manager["ca_bundle"])
    assert edit_admin.status_code == 403 and edit_admin.json() == capture(221)["response"]["body"]
    assert visitor.status_code == 401 and visitor.json()["code"] == "woocommerce_rest_cannot_create"


def test_session_sandbox_rest_route_form_matches_captures(sandbox_https) -> None:
    conn = sandbox_https.connection("rw")
    item = requests.get(sandbox_https.url + "/", params={"rest_route": "/wc/v3/orders/1"}, verify=conn["ca_bundle"],
                        auth=(conn["consumer_key"], conn["consumer_secret"]))
    assert item.status_code == 401 and item.json() == capture(3)["response"]["body"]


def test_db_persists_writes_across_restarts(tmp_path) -> None:
    db = str(tmp_path / "shop.sqlite")
    with Sandbox(https=True, db=db, orders=20) as first:
        conn = first.connection("rw")
        created = requests.post(first.url + API + "/orders", json={"customer_note": "kept"}, verify=conn["ca_bundle"],
                                auth=(conn["consumer_key"], conn["consumer_secret"]))
        assert created.status_code == 201
    with Sandbox(https=True, db=db, orders=20) as second:
        conn = second.connection("rw")
        again = requests.get(second.url + API + f"/orders/{created.json()['id']}", verify=conn["ca_bundle"],
                             auth=(conn["consumer_key"], conn["consumer_secret"]))
    assert again.status_code == 200
    assert again.json()["customer_note"] == "kept"


def test_chunked_request_bodies_are_read(standin_sandbox) -> None:
    sandbox = standin_sandbox(https=True)
    parts = (piece for piece in (b'{"status": ', b'"on-hold"}'))
    with requests.Session() as pooled:  # the follow-up on the same connection proves the stream stayed in step
        response = pooled.post(sandbox.url + API + "/orders", data=parts, auth=_rw(sandbox), verify=sandbox.ca_bundle,
                               headers={"Content-Type": "application/json"})
        follow_up = pooled.get(sandbox.url + API + "/orders/1", auth=_rw(sandbox), verify=sandbox.ca_bundle)
    assert sandbox.store.requests[-2].headers.get("Transfer-Encoding") == "chunked"
    assert response.status_code == 201 and response.json()["status"] == "on-hold"
    assert follow_up.status_code == 200


def test_the_date_header_is_the_store_clock_its_stamps_come_from() -> None:
    """A sync bounds its window by ``Date`` minus the settle margin and compares record stamps
    with it; on one host both come from one clock, so moving the store's clock moves both."""
    moment = datetime(2026, 11, 28, 7, 9, 35, tzinfo=timezone.utc)
    with Sandbox(store=Store.create(seed=1, orders=3), https=True) as shop:
        shop.store.set_clock(lambda: moment)
        key = shop.key("rw")
        made = requests.post(shop.url + API + "/orders", json={"status": "pending"}, verify=shop.ca_bundle,
                             auth=(key.consumer_key, key.consumer_secret), timeout=10)
    assert made.status_code == 201
    assert parsedate_to_datetime(made.headers["Date"]) == moment
    assert made.json()["date_modified_gmt"] == "2026-11-28T07:09:35"
