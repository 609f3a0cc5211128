"""No write is done twice, and none is called retryable when it may have happened.

One table over the sandbox's fault knobs: each row breaks one request in one way, runs a tool,
and counts the writes the store actually did (its request log: write verbs the store answered
2xx, and the records that exist afterwards). The closing note of issue 7 reports these rows.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

import pytest

import woo_connector.recovery as recovery
from woo_connector.errors import (
    InvalidInputError,
    OutcomeUnknownError,
    RequestTimeoutError,
    WooConnectorError,
)
from woo_connector.registry import Registry
from woo_connector.sandbox import Sandbox

WRITES = ("POST", "PUT", "PATCH", "DELETE")
# Rows where the store is slow on purpose: the client gives up after TIMEOUT, the store answers
# (and saves) after SLOW, past it, so the same timeout happens for the same reason. (The client's
# timeout is the kernel's: a busy machine may run the test late, never time it out late.)
TIMEOUT = 0.2
SLOW = 0.35


def writes_done(sandbox: Sandbox) -> int:
    """Write requests the store itself handled (a fault answered by the 'proxy' never reached it)."""
    return sum(1 for method, _path, _names, status in sandbox.requests_log
               if method in WRITES and 200 <= status < 300)


def writes_sent(sandbox: Sandbox, expect: int | None = None) -> int:
    """Writes that reached the sandbox; with ``expect``, first wait (up to 10 s) for a late one
    (the store logs a slow request only when it has finished it)."""
    for _ in range(500 if expect is not None else 0):
        if sum(1 for method, *_ in sandbox.requests_log if method in WRITES) >= expect:
            break
        time.sleep(0.02)
    return sum(1 for method, *_ in sandbox.requests_log if method in WRITES)


def products_with(connector: Registry, conn: dict[str, Any], sku: str) -> int:
    return len(connector.invoke("list-products", {"sku": sku}, conn)["items"])


@pytest.fixture
def conn(sandbox_http: Sandbox) -> dict[str, Any]:
    return {**sandbox_http.connection(), "timeout": 0.6}


@pytest.fixture(autouse=True)
def quick_lookups(monkeypatch: pytest.MonkeyPatch) -> None:
    """One immediate lookup, unless a row needs the store's late save (it sets its own waits)."""
    monkeypatch.setattr(recovery, "RECOVERY_WAITS", (0.0,))


FAULTS = [
    ("drop_connections", {"drop_connections": 1}),
    ("502", {"server_errors": 1, "server_error_status": 502}),
    ("503", {"server_errors": 1, "server_error_status": 503}),
    ("504", {"server_errors": 1, "server_error_status": 504}),
    ("500 critical error", {"server_errors": 1, "server_error_status": 500}),
]


@pytest.mark.parametrize("name,knobs", FAULTS, ids=[f[0] for f in FAULTS])
def test_create_product_under_a_fault_is_outcome_unknown_and_sent_once(
    connector: Registry, sandbox_http: Sandbox, conn: dict, name: str, knobs: dict
) -> None:
    sku = f"NDW-{uuid.uuid4().hex[:8]}"
    for knob, value in knobs.items():
        setattr(sandbox_http.faults, knob, value)
    with pytest.raises(OutcomeUnknownError) as info:
        connector.invoke("create-product", {"name": "Lamp", "sku": sku, "regular_price": "9.50"}, conn)
    err = info.value
    assert err.retryable is False and err.to_dict()["code"] == "outcome_unknown"
    assert err.details["look_for"]["sku"] == sku and err.details["recovered"] is False
    assert writes_sent(sandbox_http) == 1  # never sent twice
    assert products_with(connector, conn, sku) == writes_done(sandbox_http) == 0


@pytest.mark.parametrize("name,knobs", FAULTS, ids=[f[0] for f in FAULTS])
def test_update_order_under_a_fault_is_never_retried(
    connector: Registry, sandbox_http: Sandbox, conn: dict, name: str, knobs: dict
) -> None:
    order = connector.invoke("list-orders", {"per_page": 1}, conn)["items"][0]
    sandbox_http.requests_log.clear()
    for knob, value in knobs.items():
        setattr(sandbox_http.faults, knob, value)
    with pytest.raises(OutcomeUnknownError) as info:
        connector.invoke("update-order", {"id": order["id"], "customer_note": "once"}, conn)
    assert not info.value.retryable and info.value.details["look_for"]["customer_note"] == "once"
    assert writes_sent(sandbox_http) == 1


@pytest.mark.parametrize("name,knobs", FAULTS, ids=[f[0] for f in FAULTS])
def test_a_read_under_the_same_fault_is_retried(
    connector: Registry, sandbox_http: Sandbox, conn: dict, name: str, knobs: dict, monkeypatch
) -> None:
    connector.close()
    monkeypatch.setattr("woo_connector.client.time.sleep", lambda s: None)
    for knob, value in knobs.items():
        setattr(sandbox_http.faults, knob, value)
    assert len(connector.invoke("list-orders", {"per_page": 2}, conn)["items"]) == 2
    assert [e[0] for e in sandbox_http.requests_log] == ["GET", "GET"]


RECOVERABLE = [
    ("create-product", "sku", lambda tag: {"name": "Lamp", "sku": f"NDW-{tag}", "regular_price": "9.50"}),
    ("create-customer", "email", lambda tag: {"email": f"ndw-{tag}@example.com", "first_name": "Ada"}),
]


@pytest.mark.parametrize("tool,key,payload", RECOVERABLE, ids=[r[0] for r in RECOVERABLE])
def test_timeout_after_the_store_saved_recovers_the_record(
    connector: Registry, sandbox_http: Sandbox, conn: dict, monkeypatch, tool: str, key: str, payload: Any
) -> None:
    """The store takes SLOW, the connector waits TIMEOUT: the first lookup (at once) finds nothing,
    a later one finds the record the store saved late, and it comes back once."""
    monkeypatch.setattr(recovery, "RECOVERY_WAITS", (0.0, SLOW, 2 * SLOW, 4 * SLOW))
    sent = payload(uuid.uuid4().hex[:8])
    sandbox_http.faults.slow, sandbox_http.faults.slow_seconds = 1, SLOW
    result = connector.invoke(tool, sent, {**conn, "timeout": TIMEOUT})
    assert result["recovered"] is True and result[key] == sent[key]
    assert writes_sent(sandbox_http) == writes_done(sandbox_http) == 1


def test_a_write_without_a_lookup_key_times_out_as_outcome_unknown(
    connector: Registry, sandbox_http: Sandbox, conn: dict
) -> None:
    order = connector.invoke("list-orders", {"per_page": 1}, conn)["items"][0]
    sandbox_http.requests_log.clear()
    sandbox_http.faults.slow, sandbox_http.faults.slow_seconds = 1, SLOW
    with pytest.raises(OutcomeUnknownError) as info:
        connector.invoke("update-order", {"id": order["id"], "customer_note": "slow"}, {**conn, "timeout": TIMEOUT})
    assert info.value.reason == "read_timeout" and not info.value.retryable
    assert writes_sent(sandbox_http, expect=1) == 1


def test_rate_limited_write_is_retried_because_the_store_did_nothing(
    connector: Registry, sandbox_http: Sandbox, conn: dict, monkeypatch
) -> None:
    connector.close()
    monkeypatch.setattr("woo_connector.client.time.sleep", lambda s: None)
    sku = f"NDW-{uuid.uuid4().hex[:8]}"
    sandbox_http.faults.rate_limit = 1
    connector.invoke("create-product", {"name": "Lamp", "sku": sku, "regular_price": "9.50"}, conn)
    assert [e[3] for e in sandbox_http.requests_log if e[0] == "POST"] == [429, 201]
    assert writes_done(sandbox_http) == 1 and products_with(connector, conn, sku) == 1


@pytest.mark.parametrize("name", ["_method", ".method", " _method", "_method[]"])
def test_raw_get_with_method_override_is_refused_before_sending(
    connector: Registry, sandbox_http: Sandbox, conn: dict, name: str
) -> None:
    sandbox_http.faults.server_errors, sandbox_http.faults.server_error_status = 3, 504
    with pytest.raises(InvalidInputError) as info:
        connector.invoke("raw-api-request", {"method": "GET", "path": "/products", "query": {name: "POST"},
                                             "body": {"name": "Ghost"}}, conn)
    assert "_method" in info.value.message
    assert len(sandbox_http.requests_log) == 0


def test_the_client_counts_method_override_as_a_write(connector: Registry, sandbox_http: Sandbox, conn: dict) -> None:
    """Even below the tool, a GET carrying ?_method=POST is treated as the POST WordPress runs."""
    client = connector.client(conn)
    sandbox_http.faults.server_errors, sandbox_http.faults.server_error_status = 3, 504
    with pytest.raises(OutcomeUnknownError):
        client.request("GET", "/products", params={"_method": "POST"}, json={"name": "Ghost"})
    assert len(sandbox_http.requests_log) == 1  # not retried three times


def test_trickling_body_is_a_timeout_for_reads_and_outcome_unknown_for_writes(
    connector: Registry, sandbox_http: Sandbox, conn: dict
) -> None:
    """Every piece of the body arrives well within the timeout (the drip is 20 pieces over three
    timeouts): only the whole-answer deadline can end these calls."""
    connector.close()
    sandbox_http.faults.drip_seconds = 3 * TIMEOUT
    client = connector.client({**conn, "timeout": TIMEOUT})
    client.max_retries = 0
    with pytest.raises(RequestTimeoutError) as info:
        client.get("/orders", {"per_page": 5})
    assert info.value.reason in ("deadline", "read_timeout") and info.value.code == "timeout"
    sku = f"NDW-{uuid.uuid4().hex[:8]}"
    with pytest.raises(OutcomeUnknownError) as write:
        client.post("/products", {"name": "Drip", "sku": sku})
    assert write.value.details["sent"] is True
    sandbox_http.faults.drip_seconds = 0
    assert products_with(connector, conn, sku) == 1  # it was done: the connector said "look first"


def test_variable_product_failing_part_way_names_the_product(
    connector: Registry, sandbox_http: Sandbox, conn: dict, no_backoff: None
) -> None:
    sku = f"NDW-{uuid.uuid4().hex[:8]}"
    payload = {"name": "Shirt", "type": "variable", "sku": sku,
               "attributes": [{"name": "Size", "options": ["S", "M"], "variation": True}],
               "variations": [{"regular_price": "10", "attributes": [{"name": "Size", "option": "S"}]}]}
    sandbox_http.faults.slow = 0
    # the parent is created, the variations batch goes through, then the re-read fails
    original = connector.client(conn).get

    calls: list[str] = []

    def failing_get(path: str, params: Any = None) -> Any:
        calls.append(path)
        if path.startswith("/products/") and path.count("/") == 2:
            sandbox_http.faults.server_errors, sandbox_http.faults.server_error_status = 5, 502
        return original(path, params)

    client = connector.client(conn)
    client.get = failing_get  # type: ignore[method-assign]
    try:
        with pytest.raises(WooConnectorError) as info:
            connector.invoke("create-product", payload, conn)
    finally:
        del client.get
        sandbox_http.faults.server_errors = 0
    product_id = info.value.details["created"]["product_id"]
    assert f"id {product_id}" in info.value.message
    assert connector.invoke("get-product", {"id": product_id}, conn)["sku"] == sku


def test_unencodable_input_is_invalid_input_and_never_sent(
    connector: Registry, sandbox_http: Sandbox, conn: dict
) -> None:
    client = connector.client(conn)
    deep: Any = []
    for _ in range(5000):
        deep = [deep]
    for call in (lambda: client.get("/orders", {"search": "a\ud800b"}),
                 lambda: client.post("/products", {"name": "Deep", "meta_data": [{"key": "k", "value": deep}]})):
        with pytest.raises(InvalidInputError) as info:
            call()
        assert info.value.reason == "unencodable"
    assert len(sandbox_http.requests_log) == 0
