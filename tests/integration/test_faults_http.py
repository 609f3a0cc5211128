"""How the client rides out what real hosts do: 429, 5xx, dropped sockets, junk before JSON, churn."""

from __future__ import annotations

import pytest

import woo_connector.client as client_module
from woo_connector import RateLimitedError, ServerError
from woo_connector.errors import OutcomeUnknownError
from woo_connector.registry import Registry


@pytest.fixture(autouse=True)
def no_waiting(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Back-off waits are recorded, not slept: the tests check the policy, not the clock."""
    waits: list[float] = []
    monkeypatch.setattr(client_module.time, "sleep", waits.append)
    return waits


def fresh(connector: Registry, conn: dict) -> None:
    # The pooled client captured time.sleep when it was made; make a new one under the patch.
    connector.close()


def test_429_is_retried_after_retry_after(connector: Registry, sandbox_https, no_waiting) -> None:
    fresh(connector, {})
    sandbox_https.faults.rate_limit = 2
    sandbox_https.faults.retry_after = 3
    result = connector.invoke("list-orders", {"per_page": 5}, sandbox_https.connection())
    assert len(result["items"]) == 5
    assert no_waiting == [3, 3]
    assert [entry[3] for entry in sandbox_https.requests_log] == [429, 429, 200]


def test_429_that_never_ends_is_rate_limited(connector: Registry, sandbox_https) -> None:
    fresh(connector, {})
    sandbox_https.faults.rate_limit = 10
    with pytest.raises(RateLimitedError) as info:
        connector.invoke("list-orders", {"per_page": 5}, sandbox_https.connection())
    assert info.value.retryable and info.value.details["retry_after"] == sandbox_https.faults.retry_after
    assert len(sandbox_https.requests_log) == 3  # one try and two retries


def test_503_is_retried_for_reads_only(connector: Registry, sandbox_https) -> None:
    fresh(connector, {})
    conn = sandbox_https.connection()
    order = connector.invoke("list-orders", {"per_page": 1}, conn)["items"][0]
    sandbox_https.requests_log.clear()
    sandbox_https.faults.server_error_status = 503
    sandbox_https.faults.server_errors = 1
    assert connector.invoke("get-order", {"id": order["id"]}, conn)["id"] == order["id"]
    assert [e[3] for e in sandbox_https.requests_log] == [503, 200]

    sandbox_https.requests_log.clear()
    sandbox_https.faults.server_errors = 1
    with pytest.raises(OutcomeUnknownError) as info:  # the store may have saved it: never retryable
        connector.invoke("update-order", {"id": order["id"], "customer_note": "once only"}, conn)
    assert info.value.http_status == 503 and not info.value.retryable
    assert info.value.details["look_for"]["customer_note"] == "once only"
    assert [e[0] for e in sandbox_https.requests_log] == ["PUT"]  # a write is never retried blindly


def test_dropped_connection_is_retried_for_reads(connector: Registry, sandbox_http) -> None:
    fresh(connector, {})
    sandbox_http.faults.drop_connections = 1
    result = connector.invoke("list-orders", {"per_page": 3}, sandbox_http.connection())
    assert len(result["items"]) == 3


@pytest.mark.parametrize("knob", ["bom", "php_notice"])
def test_junk_before_json_is_tolerated(connector: Registry, store, knob: str) -> None:
    sandbox, conn = store
    setattr(sandbox.faults, knob, True)
    result = connector.invoke("list-orders", {"per_page": 3}, conn)
    assert len(result["items"]) == 3 and result["total"] > 3


def test_html_error_page_is_a_server_error(connector: Registry, sandbox_https) -> None:
    fresh(connector, {})
    sandbox_https.faults.html_error = 5
    with pytest.raises(ServerError) as info:
        connector.invoke("list-orders", {"per_page": 3}, sandbox_https.connection())
    assert info.value.http_status == sandbox_https.faults.html_error_status and info.value.retryable


def test_paging_while_the_shop_writes(connector: Registry, sandbox_https) -> None:
    """Orders created while we page show up in the totals; nothing is returned twice."""
    conn = sandbox_https.connection()
    before = connector.invoke("list-orders", {"per_page": 1}, conn)["total"]
    sandbox_https.faults.churn = 2
    result = connector.invoke("list-orders", {"all_pages": True, "per_page": 50, "orderby": "id", "order": "asc"}, conn)
    ids = [o["id"] for o in result["items"]]
    assert len(ids) == len(set(ids))
    assert len(ids) >= before


def test_newest_first_paging_while_the_shop_writes_returns_no_repeats(connector: Registry, sandbox_https) -> None:
    """New orders push a newest-first list down a page at a time; repeats are dropped by id."""
    conn = sandbox_https.connection()
    sandbox_https.faults.churn = 3
    result = connector.invoke("list-orders", {"all_pages": True, "per_page": 25}, conn)
    ids = [o["id"] for o in result["items"]]
    assert len(ids) == len(set(ids))


def test_one_pooled_connection_serves_many_calls(connector: Registry, sandbox_https) -> None:
    conn = sandbox_https.connection()
    first = connector.client(conn)
    for _ in range(5):
        connector.invoke("list-orders", {"per_page": 1}, conn)
    assert connector.client(dict(conn)) is first
    pool = first.session.get_adapter(sandbox_https.url).poolmanager
    assert len(pool.pools) == 1  # one host pool, its socket kept alive between calls
