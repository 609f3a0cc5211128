"""Every fault knob, switched on while the sandbox runs, and what a client then sees."""

from __future__ import annotations

import threading
import time

import pytest
import requests
from requests_oauthlib import OAuth1

from woo_connector.sandbox import Faults, Sandbox
from woo_connector.sandbox.faults import UTF8_BOM

API = "/wp-json/wc/v3"


@pytest.fixture
def shop(standin_sandbox):
    """A stand-in HTTPS sandbox plus a signed-in GET helper."""
    sandbox = standin_sandbox(https=True)
    key = sandbox.key("rw")

    def get(path: str = "/orders", **kw):
        kw.setdefault("auth", (key.consumer_key, key.consumer_secret))
        kw.setdefault("allow_redirects", False)
        return requests.get(sandbox.url + API + path, verify=sandbox.ca_bundle, timeout=10, **kw)

    sandbox.get = get
    return sandbox


def test_all_knobs_are_off_by_default_and_reset_turns_them_off() -> None:
    faults = Faults()
    assert faults == Faults()
    faults.latency, faults.rate_limit, faults.bom, faults.redirect, faults.churn = 1.0, 3, True, "www", 2
    faults.reset()
    assert faults == Faults()


def test_counters_are_taken_once_each_across_threads() -> None:
    faults = Faults(server_errors=50)
    taken: list[bool] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(20):
            got = faults.take("server_errors")
            with lock:
                taken.append(got)

    threads = [threading.Thread(target=worker) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert taken.count(True) == 50 and faults.server_errors == 0
    with pytest.raises(ValueError):
        faults.take("latency")


def test_latency_delays_each_answer(shop) -> None:
    started = time.monotonic()
    shop.get()
    fast = time.monotonic() - started
    shop.faults.latency = 0.3
    started = time.monotonic()
    assert shop.get().status_code == 200
    assert time.monotonic() - started >= 0.3 > fast


def test_rate_limit_answers_the_next_n_with_429_and_retry_after(shop) -> None:
    shop.faults.rate_limit = 2
    shop.faults.retry_after = 7
    answers = [shop.get() for _ in range(3)]
    assert [a.status_code for a in answers] == [429, 429, 200]
    assert answers[0].headers["Retry-After"] == "7"
    assert answers[0].json()["data"]["status"] == 429
    assert "7 seconds" in answers[0].json()["message"]


def test_rate_limit_every_nth_request(shop) -> None:
    shop.faults.rate_limit_every = 3
    statuses = [shop.get().status_code for _ in range(6)]
    assert statuses == [200, 200, 429, 200, 200, 429]


@pytest.mark.parametrize(("status", "media"), [(500, "application/json"), (502, "text/html"), (503, "text/html")])
def test_server_errors_burst_then_recover(shop, status: int, media: str) -> None:
    shop.faults.server_errors = 2
    shop.faults.server_error_status = status
    answers = [shop.get() for _ in range(3)]
    assert [a.status_code for a in answers] == [status, status, 200]
    assert answers[0].headers["Content-Type"].startswith(media)
    if status == 500:
        assert answers[0].json()["code"] == "internal_server_error"
    if status == 503:
        assert answers[0].headers["Retry-After"] == "600"


def test_dropped_connections_give_the_client_a_network_error(shop) -> None:
    shop.faults.drop_connections = 1
    with pytest.raises(requests.exceptions.ConnectionError):
        shop.get()
    assert shop.get().status_code == 200
    assert [entry[3] for entry in shop.requests_log] == [0, 200]


def test_bom_prefixes_json_bodies(shop) -> None:
    clean = shop.get().content
    shop.faults.bom = True
    response = shop.get()
    assert response.content == UTF8_BOM + clean
    assert int(response.headers["Content-Length"]) == len(clean) + 3


def test_php_notice_comes_before_the_json(shop) -> None:
    shop.faults.php_notice = True
    response = shop.get()
    assert response.status_code == 200
    assert response.text.startswith("<br />\n<b>Warning</b>:")
    with pytest.raises(ValueError):
        response.json()
    assert response.text.endswith("]")


def test_html_error_page_from_the_proxy(shop) -> None:
    shop.faults.html_error = 1
    first, second = shop.get(), shop.get()
    assert first.status_code == 502
    assert first.headers["Content-Type"].startswith("text/html")
    assert "<h1>502 Bad Gateway</h1>" in first.text
    assert second.status_code == 200


@pytest.mark.parametrize(("kind", "prefix"), [("https", "https://127.0.0.1:"), ("www", "https://www.127.0.0.1:")])
def test_redirect_turns_every_request_into_a_301(shop, kind: str, prefix: str) -> None:
    shop.faults.redirect = kind
    response = shop.get("/orders", params={"per_page": 2})
    assert response.status_code == 301
    assert response.headers["Location"].startswith(prefix)
    assert response.headers["Location"].endswith(f"{API}/orders?per_page=2")
    assert requests.get(shop.url + "/", verify=shop.ca_bundle, allow_redirects=False).status_code == 301


def test_strip_authorization_makes_basic_anonymous(shop) -> None:
    assert shop.get().status_code == 200
    shop.faults.strip_authorization = True
    response = shop.get()
    assert response.status_code == 401
    assert response.json()["code"] == "woocommerce_rest_cannot_view"
    key = shop.key("rw")
    query = shop.get(auth=None, params={"consumer_key": key.consumer_key, "consumer_secret": key.consumer_secret})
    assert query.status_code == 200  # the query-string fallback survives a stripping host


def test_churn_writes_between_list_requests(shop) -> None:
    first = shop.get().json()
    shop.faults.churn = 2
    second = shop.get().json()
    third = shop.get().json()
    assert len(second) == len(first)  # the writes happen after a page is served, before the next
    assert len(third) == len(first) + 2
    shop.get("/1")
    assert len(shop.get().json()) == len(first) + 4  # a single-object GET does not churn


def test_faults_on_the_session_sandbox_are_reset_after_each_test(sandbox_http, http_faults) -> None:
    # the autouse fixture in conftest resets them; this test turns two on and checks they bite
    http_faults.html_error = 1
    http_faults.latency = 0.05
    response = requests.get(sandbox_http.url + API, timeout=10)
    assert response.status_code == 502
    assert requests.get(sandbox_http.url + API, timeout=10).status_code == 200


def test_session_sandbox_starts_with_every_fault_off(sandbox_http) -> None:
    assert sandbox_http.faults == Faults()  # holds whichever order the two tests run in
    assert sandbox_http.mode == "woocommerce"


def test_churn_on_the_real_store_changes_the_next_page() -> None:
    # its own small store: churn writes, and the session stores must stay as seeded for others
    with Sandbox(seed=42, orders=300) as sandbox:  # the session stores' seed and size: seeded once
        key = sandbox.key("rw")
        auth = OAuth1(key.consumer_key, key.consumer_secret, signature_type="query")

        def newest() -> tuple[int, int]:
            listed = requests.get(sandbox.url + API + "/orders", auth=auth,
                                  params={"per_page": 1, "orderby": "modified"})
            return int(listed.headers["X-WP-Total"]), listed.json()[0]["id"]

        before = newest()
        assert newest() == before  # no churn: the store holds still
        sandbox.faults.churn = 4
        newest()
        assert newest() != before  # new orders or a freshly modified one now lead the list
