"""Streaming and concurrent full pulls against the sandbox over real HTTP: the same items as
``all_pages``, the bound on requests in flight, 429 shrinking the pool, a mid-walk failure
that says where to resume, progress, and a walk that loses nothing while the shop writes."""

from __future__ import annotations

import json
from typing import Any

import pytest

from woo_connector.client import WooClient
from woo_connector.connection import Connection
from woo_connector.errors import InvalidInputError, NetworkError, ServerError
from woo_connector.page_pool import AdaptiveLimit, fetch_in_order
from woo_connector.pagination import DEFAULT_CONCURRENCY
from woo_connector.registry import Registry
from woo_connector.sandbox import Sandbox

PER_PAGE = 20  # 300 session orders: 15 pages
# Where a test is about pages (their order, how many are in flight, where a walk resumes) and not
# about the items, the store sends ids only: the same pages and requests, a fraction of the bytes.
IDS_ONLY = {"per_page": PER_PAGE, "_fields": ["id"]}


def ids(items: list[dict[str, Any]]) -> list[int]:
    return [item["id"] for item in items]


@pytest.mark.parametrize("payload", [
    {"per_page": PER_PAGE},
    {"per_page": PER_PAGE, "concurrency": 1},
    {"per_page": PER_PAGE, "concurrency": 8, "max_items": 77},
    {"per_page": PER_PAGE, "orderby": "date", "order": "desc", "status": ["processing", "completed"]},
    # an odd page size (300 = 13 x 23 + 1: a last page of one) from page 3, three in flight
    {"per_page": 23, "page": 3, "concurrency": 3, "_fields": ["id", "status"]},
])
def test_streaming_yields_what_all_pages_returns(connector: Registry, sandbox_http: Sandbox, payload) -> None:
    conn = sandbox_http.connection()
    streamed = list(connector.iter_items("list-orders", payload, conn))
    collected = connector.invoke("list-orders", {**payload, "all_pages": True}, conn)["items"]
    assert streamed == collected
    assert len(set(ids(streamed))) == len(streamed)
    if "max_items" in payload:
        assert len(streamed) == payload["max_items"]
    else:
        total = connector.invoke("list-orders", {**payload, "per_page": 1, "page": 1}, conn)["total"]
        assert len(streamed) == total - (payload.get("page", 1) - 1) * payload["per_page"]


def test_a_concurrent_walk_comes_out_in_the_stores_order(connector: Registry, sandbox_http: Sandbox) -> None:
    conn = sandbox_http.connection()
    streamed = ids(list(connector.iter_items("list-orders", {**IDS_ONLY, "concurrency": 4}, conn)))
    assert streamed == sorted(streamed)  # the order the walk asked for: id ascending
    asked = connector.invoke("list-orders", {**IDS_ONLY, "all_pages": True, "concurrency": 1,
                                             "orderby": "id", "order": "asc"}, conn)
    assert streamed == ids(asked["items"])


def test_streaming_drops_an_id_a_later_page_repeats(connector: Registry, sandbox_http: Sandbox) -> None:
    # faults.churn writes between pages: new orders push a newest-first list down, so the next
    # page starts with orders already yielded; they come out once.
    sandbox = Sandbox(orders=60).start()
    try:
        sandbox.faults.churn = 3
        payload = {"per_page": 10, "orderby": "date", "order": "desc"}
        streamed = ids(list(connector.iter_items("list-orders", payload, sandbox.connection())))
    finally:
        sandbox.stop()
    assert len(streamed) == len(set(streamed)) >= 60


def test_concurrency_respects_its_bound(connector: Registry, sandbox_http: Sandbox) -> None:
    """Ten pages of 30 ids, each held 10 ms by the store so requests in flight overlap: enough
    rounds for every bound here (three in flight, the default four) to be reached and exceeded
    by a client that ignored it."""
    conn = sandbox_http.connection()
    sandbox_http.faults.latency = 0.01
    pages = {**IDS_ONLY, "per_page": 30}
    seen = {}
    for bound in (1, 2, 3):
        sandbox_http.max_in_flight = 0
        items = list(connector.iter_items("list-orders", {**pages, "concurrency": bound}, conn))
        assert len(items) == 300
        seen[bound] = sandbox_http.max_in_flight
    assert seen[1] == 1
    assert 2 <= max(seen[2], seen[3]) and seen[2] <= 2 and seen[3] <= 3
    sandbox_http.max_in_flight = 0
    connector.invoke("list-orders", {**pages, "all_pages": True}, conn)
    assert sandbox_http.max_in_flight <= DEFAULT_CONCURRENCY


def test_a_descending_order_the_caller_chose_is_walked_one_page_at_a_time(
    connector: Registry, sandbox_http: Sandbox
) -> None:
    sandbox_http.faults.latency = 0.01
    sandbox_http.max_in_flight = 0
    payload = {**IDS_ONLY, "per_page": 30, "concurrency": 8, "orderby": "date", "order": "desc"}  # ten pages
    items = list(connector.iter_items("list-orders", payload, sandbox_http.connection()))
    assert len(items) == 300 and sandbox_http.max_in_flight == 1


def test_concurrency_is_refused_above_eight(connector: Registry, sandbox_http: Sandbox) -> None:
    with pytest.raises(InvalidInputError) as caught:
        connector.iter_items("list-orders", {"concurrency": 9}, sandbox_http.connection())
    assert caught.value.details["problems"][0]["pointer"] == "/concurrency"


def test_a_tool_that_is_not_a_list_does_not_stream(connector: Registry, sandbox_http: Sandbox) -> None:
    with pytest.raises(InvalidInputError):
        connector.iter_items("get-order", {"id": 1}, sandbox_http.connection())


def test_429_shrinks_the_pool_and_the_pull_still_completes(sandbox_http: Sandbox) -> None:
    """Fifteen pages of 20 ids asked eight at a time, every fourth request refused with 429: the
    pool shrinks and every page still arrives, once and in order."""
    sandbox_http.faults.latency = 0.01
    sandbox_http.faults.rate_limit_every = 4
    sandbox_http.faults.retry_after = 0  # the hold itself is unit-tested; here the shrink
    client = WooClient(Connection.from_dict(sandbox_http.connection()))
    limit = AdaptiveLimit(8)
    by_id = {"orderby": "id", "order": "asc", "_fields": "id"}  # ids only: the same pages, a fraction of the bytes
    try:
        pages = list(fetch_in_order(
            lambda page: client.fetch_page("/orders", by_id, page, 20, retries=0),
            range(1, 16), concurrency=8, limit=limit, retries=6,
        ))
    finally:
        client.close()
    assert [page for page, _ in pages] == list(range(1, 16))
    got = [order["id"] for _, (items, _) in pages for order in items]
    assert len(got) == len(set(got)) == 300 and got == sorted(got)
    assert limit.lowest < 8
    assert any(status == 429 for _, _, _, status in sandbox_http.requests_log)


@pytest.mark.parametrize("fault", ["server_errors", "drop_connections"])
@pytest.mark.parametrize("concurrency", [1, 4])
def test_a_mid_walk_failure_says_where_to_resume(
    connector: Registry, sandbox_http: Sandbox, fault: str, concurrency: int, no_backoff: None
) -> None:
    conn = sandbox_http.connection()
    payload = {**IDS_ONLY, "concurrency": concurrency}
    everything = ids(list(connector.iter_items("list-orders", payload, conn)))
    first: list[int] = []

    def break_the_store(done: int, total: int | None) -> None:
        if done >= 5 * PER_PAGE:  # from the sixth page on, every request fails (retries too)
            setattr(sandbox_http.faults, fault, 1000)

    with pytest.raises((ServerError, NetworkError)) as caught:
        for item in connector.iter_items("list-orders", payload, conn, on_progress=break_the_store):
            first.append(item["id"])
    setattr(sandbox_http.faults, fault, 0)
    resume = caught.value.details["resume"]
    assert resume["page"] == len(first) // PER_PAGE + 1 and len(first) % PER_PAGE == 0
    assert json.loads(json.dumps(caught.value.to_dict()))["details"]["resume"] == resume

    rest = ids(list(connector.iter_items("list-orders", {**payload, **resume}, conn)))
    assert first + rest == everything  # nothing missing, nothing repeated


def test_progress_is_monotonic_and_ends_at_the_total(connector: Registry, sandbox_http: Sandbox) -> None:
    calls: list[tuple[int, int | None]] = []
    items = list(connector.iter_items("list-orders", IDS_ONLY, sandbox_http.connection(),
                                      on_progress=lambda done, total: calls.append((done, total))))
    dones = [done for done, _ in calls]
    assert dones == sorted(dones) and len(calls) >= 15
    assert calls[-1] == (len(items), len(items)) == (300, 300)

    calls.clear()
    list(connector.iter_items("list-orders", {**IDS_ONLY, "max_items": 45}, sandbox_http.connection(),
                              on_progress=lambda done, total: calls.append((done, total))))
    assert calls == [(20, 45), (40, 45), (45, 45)]


def test_a_concurrent_walk_loses_nothing_while_the_shop_writes(connector: Registry) -> None:
    """Churn creates orders and moves statuses during the walk: every order that existed before
    it is read once, by the concurrent walk in the order it chose (id ascending). Ids only, and
    the session's seed and size (its seeding is reused, not redone): 30+ pages are still several
    rounds of eight pages in flight while the shop writes."""
    sandbox = Sandbox(seed=42, orders=300).start()  # the session sandboxes' kind
    try:
        conn = sandbox.connection()
        before = set(ids(connector.invoke("list-orders", {"all_pages": True, "concurrency": 1,
                                                           "_fields": ["id"]}, conn)["items"]))
        sandbox.faults.latency = 0.01
        sandbox.faults.churn = 2  # two shop writes after every list page served
        churn = sandbox.churn(rate=200, duration=30, deletes=False, trash=False, bulk_every=0)
        try:
            streamed = ids(list(connector.iter_items("list-orders", {"per_page": 10, "concurrency": 8,
                                                                     "_fields": ["id"]}, conn)))
        finally:
            churn.stop()
        created = [c for c in sandbox.change_log if c.resource == "order" and c.kind == "created"]
    finally:
        sandbox.stop()
    assert created and len(list(sandbox.store.all("order"))) > len(before)  # the store did move under the walk
    assert before <= set(streamed)
    assert len(streamed) == len(set(streamed))


@pytest.mark.parametrize("tool, payload", [
    # max_items: two pages and a part of a third are enough to show every page gets the processing
    ("list-orders", {"per_page": 40, "tax_breakdown": True, "max_items": 90}),
    ("list-products", {"per_page": 10, "include_variations": True, "type": "variable"}),
])
def test_a_streamed_page_gets_the_tools_own_item_processing(connector: Registry, sandbox_http: Sandbox,
                                                           tool: str, payload: dict[str, Any]) -> None:
    conn = sandbox_http.connection()
    streamed = list(connector.iter_items(tool, payload, conn))
    collected = connector.invoke(tool, {**payload, "all_pages": True}, conn)["items"]
    assert streamed == collected and streamed
    plain = connector.invoke(tool, {k: v for k, v in payload.items() if k in ("per_page", "type")}, conn)["items"]
    assert set(streamed[0]) > set(plain[0])  # the tool added its fields to every streamed item


def test_invoke_with_all_pages_says_where_to_resume_too(
    connector: Registry, sandbox_http: Sandbox, no_backoff: None
) -> None:
    from woo_connector.pagination import page_listener

    def break_after_page_two(info: Any, count: int) -> None:
        if info.page == 2:
            sandbox_http.faults.server_errors = 1000

    token = page_listener.set(break_after_page_two)
    try:
        with pytest.raises(ServerError) as caught:
            connector.invoke("list-orders", {"per_page": PER_PAGE, "all_pages": True, "concurrency": 1},
                             sandbox_http.connection())
    finally:
        page_listener.reset(token)
        sandbox_http.faults.server_errors = 0
    assert caught.value.details["resume"] == {"page": 3}
