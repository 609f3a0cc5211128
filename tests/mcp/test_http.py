"""`woo-connector mcp --http`: the bearer token, both protocol revisions, an agent's task, cancel.

One server subprocess for the module (fixture ``http_server``, in front of the HTTPS sandbox).
"""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING, Any

import pytest
from jsonschema import Draft202012Validator

from woo_connector import cli
from woo_connector.errors import ConfigError
from woo_connector.pagination import DEFAULT_CONCURRENCY
from woo_connector.mcp.http import TOKEN_ENV, resolve_token
from woo_connector.registry import Registry

if TYPE_CHECKING:
    from mcp import Client

# The MCP SDK, anyio and httpx2 are imported by the tests that use them: every xdist worker
# imports every test module while collecting, and the SDK alone costs over a second each time.

INIT = {"jsonrpc": "2.0", "id": 1, "method": "initialize",
        "params": {"protocolVersion": "2025-11-25", "capabilities": {},
                   "clientInfo": {"name": "probe", "version": "0"}}}
HEADERS = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}


def client(server, mode: str, token: str | None = None) -> Client:
    import httpx2
    from mcp import Client
    from mcp.client.streamable_http import streamable_http_client

    http = httpx2.AsyncClient(headers={"Authorization": f"Bearer {token or server.token}"},
                              timeout=httpx2.Timeout(30.0, read=120.0))
    return Client(streamable_http_client(server.url, http_client=http), mode=mode)


def test_requests_without_the_right_token_are_refused(http_server) -> None:
    import httpx2

    with httpx2.Client(timeout=10) as http:
        for auth in ({}, {"Authorization": "Bearer wrong-token-0123456789"},
                     {"Authorization": "Bearer " + http_server.token[:-1]}, {"Authorization": http_server.token}):
            answer = http.post(http_server.url, json=INIT, headers={**HEADERS, **auth})
            assert answer.status_code == 401, auth
            assert answer.json()["error"]["code"] == "unauthorized"
            assert answer.headers["WWW-Authenticate"].startswith("Bearer")
        good = http.post(http_server.url, json=INIT, headers={**HEADERS, "Authorization": f"Bearer {http_server.token}"})
        assert good.status_code == 200


def test_the_token_rules() -> None:
    token, generated = resolve_token("127.0.0.1", {})
    assert generated and len(token) >= 32
    assert resolve_token("::1", {TOKEN_ENV: "x" * 20}) == ("x" * 20, False)
    with pytest.raises(ConfigError, match="Refusing to listen on 0.0.0.0 without a token"):
        resolve_token("0.0.0.0", {})
    with pytest.raises(ConfigError, match="at least 16"):
        resolve_token("127.0.0.1", {TOKEN_ENV: "short"})


def test_the_command_refuses_a_public_address_without_a_token(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The command's own entry point, in this process: a second interpreter would only add the
    MCP SDK's import (seconds) before the same refusal. Were the refusal gone, the server would
    be reached: it is recorded instead of serving forever, and the exit code gives it away."""
    served: list[tuple[Any, ...]] = []

    async def serve_http(*args: Any) -> None:
        served.append(args)

    monkeypatch.setattr("woo_connector.mcp.command._serve_http", serve_http)
    monkeypatch.delenv(TOKEN_ENV, raising=False)
    for name, value in {"WOO_SITE_URL": "https://shop.example", "WOO_CONSUMER_KEY": "ck_" + "1" * 40,
                        "WOO_CONSUMER_SECRET": "cs_" + "2" * 40}.items():
        monkeypatch.setenv(name, value)
    code = cli.main(["mcp", "--http", "--host", "0.0.0.0", "--port", "0"])
    out, err = capsys.readouterr()
    assert code == 1 and served == []
    assert "Refusing to listen on 0.0.0.0 without a token" in err
    assert "cs_" + "2" * 40 not in err + out


@pytest.mark.parametrize("mode,version", [("legacy", "2025-11-25"), ("2026-07-28", "2026-07-28")])
def test_read_and_error_over_http(http_server, connector: Registry, mode: str, version: str) -> None:
    import anyio

    registry = connector
    seen: dict[str, Any] = {}

    async def session() -> None:
        async with client(http_server, mode) as mcp:
            seen["version"] = mcp.protocol_version
            seen["tools"] = (await mcp.list_tools()).tools
            seen["product"] = await mcp.call_tool("list-products", {"per_page": 2})
            seen["raw"] = await mcp.call_tool("raw-api-request", {"method": "GET", "path": "/nowhere"})

    anyio.run(session)
    assert seen["version"] == version
    assert len(seen["tools"]) == len(registry.tools()) + 1  # and describe-tool
    products = seen["product"]
    assert not products.is_error and len(products.structured_content["items"]) == 2
    Draft202012Validator(registry.tool("list-products").output_schema).validate(products.structured_content)
    raw = seen["raw"]
    assert raw.is_error and raw.structured_content["error"]["code"] == "not_found"
    assert raw.structured_content["error"]["woo_code"] == "rest_no_route"


def test_an_agent_sets_the_shipping_note_on_a_customers_last_order(http_server, snapshot, writes_sent) -> None:
    import anyio

    """'Find the last order of customer <email> and set its shipping note', as an agent calls it."""
    sandbox = http_server.sandbox
    store = sandbox.store
    with store.lock:
        orders = [o for o in store.all("order") if o.get("customer_id")]
        customer = store.get("customer", orders[0]["customer_id"])
        theirs = [o for o in orders if o["customer_id"] == customer["id"]]
    newest = max(theirs, key=lambda o: (o["date_created_gmt"], o["id"]))["id"]
    note = "Shipping: leave the parcel with the neighbour at no. 12."
    calls: list[tuple[str, dict[str, Any]]] = []

    async def agent() -> dict[str, Any]:
        async with client(http_server, "2026-07-28") as mcp:
            async def call(name: str, args: dict[str, Any]) -> dict[str, Any]:
                calls.append((name, args))
                result = await mcp.call_tool(name, args)
                assert not result.is_error, result.content[0].text
                return result.structured_content

            found = await call("list-customers", {"email": customer["email"]})
            customer_id = found["items"][0]["id"]
            last = (await call("list-orders", {"customer": customer_id, "per_page": 1}))["items"][0]
            preview = await call("update-order", {"id": last["id"], "customer_note": note, "dry_run": True})
            assert preview["requests"][0]["body"] == {"customer_note": note}
            assert writes_sent(sandbox) == []
            return await call("update-order", {"id": last["id"], "customer_note": note})

    before = snapshot(sandbox)
    sandbox.requests_log.clear()
    updated = anyio.run(agent)
    assert updated["id"] == newest and updated["customer_note"] == note
    assert store.get("order", newest)["customer_note"] == note
    assert snapshot(sandbox) != before
    assert writes_sent(sandbox) == [("PUT", f"/wp-json/wc/v3/orders/{newest}")]
    assert [name for name, _ in calls] == ["list-customers", "list-orders", "update-order", "update-order"]


PAGE_LATENCY = 0.2  # each list page: 30 pages of 10 orders take seconds even four at a time
POLL = PAGE_LATENCY / 2
QUIET_POLLS = 4  # no new page for twice as long as a page takes: the walk has ended


@pytest.mark.parametrize("concurrency", [1, None], ids=["one-page-at-a-time", "default-concurrency"])
def test_a_cancelled_walk_stops_between_pages(http_server, concurrency: int | None) -> None:
    import anyio

    """Progress per page in page order, and a cancel that stops the walk at its next page: one
    page at a time the boundary is exact; the default full pull (pages fetched side by side)
    stops after the pages already in flight, never reading the rest of the list."""
    sandbox = http_server.sandbox
    sandbox.faults.latency = PAGE_LATENCY
    progress: list[tuple[float, float | None, str | None]] = []
    after: dict[str, Any] = {}
    args: dict[str, Any] = {"all_pages": True, "per_page": 10, "status": "any"}
    if concurrency is not None:
        args["concurrency"] = concurrency

    def pages_read() -> int:
        return sum(1 for method, path, _n, _s in list(sandbox.requests_log)
                   if method == "GET" and path == "/wp-json/wc/v3/orders")

    async def session() -> None:
        async with client(http_server, "legacy") as mcp:
            with anyio.CancelScope() as scope:
                async def on_progress(done: float, total: float | None, message: str | None) -> None:
                    progress.append((done, total, message))
                    if len(progress) == 2:
                        scope.cancel()

                await mcp.call_tool("list-orders", args, progress_callback=on_progress)
            assert scope.cancelled_caught
            # the session outlives the cancelled call (and its cancel notification is handled
            # before the client leaves, instead of racing the session's close in the SDK)
            after["customers"] = await mcp.call_tool("list-customers", {"per_page": 1})

    sandbox.requests_log.clear()
    try:
        anyio.run(session)
        # wait for the server's worker to reach its next page boundary (pages in flight complete)
        stable, last = 0, -1
        for _ in range(200):
            now = pages_read()
            stable = stable + 1 if now == last else 0
            if stable >= QUIET_POLLS:
                break
            last = now
            time.sleep(POLL)
    finally:
        sandbox.faults.latency = 0.0
    orders = len(list(sandbox.store.all("order")))
    total_pages = -(-orders // 10)
    assert [(done, total) for done, total, _m in progress[:2]] == [(10.0, float(orders)), (20.0, float(orders))]
    assert [m for _d, _t, m in progress[:2]] == [f"list-orders: page {n} of {total_pages} read" for n in (1, 2)]
    assert not after["customers"].is_error and len(after["customers"].structured_content["items"]) == 1
    assert stable >= QUIET_POLLS  # the walk ended: nothing is read in the background after the cancel
    # one page at a time: the two pages reported, the one in flight and one more while the cancel
    # travelled. Side by side, the pool's pages in flight at each of those: a bound, not the end
    bound = 4 if concurrency == 1 else 2 + 3 * DEFAULT_CONCURRENCY
    assert pages_read() <= bound < total_pages, (pages_read(), total_pages)
    assert json.dumps(http_server.stderr).count("Traceback") == 0, "".join(http_server.stderr)
