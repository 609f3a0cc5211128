"""`woo-connector mcp` over stdio, driven by the official MCP client, in both protocol revisions.

"legacy" negotiates 2025-11-25 through the initialize handshake; "2026-07-28" is the current
stable revision (per-request envelope, no handshake). One server process per revision, one
scenario each: list, read, dry run, real write, error, progress. Both processes are spawned when
the module starts (fixture ``stdio_servers``), so their start-ups overlap.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from woo_connector.registry import Registry
from woo_connector.sandbox import Sandbox

REVISIONS = {"legacy": "2025-11-25", "2026-07-28": "2026-07-28"}


@pytest.mark.parametrize("mode", sorted(REVISIONS))
def test_a_whole_session_over_stdio(
    mode: str, connector: Registry, sandbox_http: Sandbox, stdio_servers, snapshot, writes_sent
) -> None:
    from mcp import Client  # here, not at module level: every xdist worker collects this module

    registry = connector
    server = stdio_servers.transport(sorted(REVISIONS).index(mode))
    order_id = registry.invoke("list-orders", {"per_page": 1, "status": "processing"},
                               sandbox_http.connection())["items"][0]["id"]
    seen: dict[str, Any] = {"progress": []}

    async def session() -> None:
        async with Client(server, mode=mode) as client:
            seen["version"] = client.protocol_version
            listing = await client.list_tools()
            seen["size"] = len(json.dumps(listing.model_dump(mode="json", by_alias=True, exclude_none=True),
                                          separators=(",", ":")).encode())
            seen["names"] = [t.name for t in listing.tools]

            async def progress(done: float, total: float | None, message: str | None) -> None:
                seen["progress"].append((done, total, message))

            seen["list"] = await client.call_tool(
                "list-orders", {"all_pages": True, "per_page": 10, "max_items": 30}, progress_callback=progress)
            seen["page"] = await client.call_tool("list-customers", {})
            # a filter tools/list leaves out is accepted, and describe-tool names it
            first = (await client.call_tool("list-products", {"per_page": 2})).structured_content["items"]
            seen["excluded"] = [p["id"] for p in first]
            seen["hidden"] = await client.call_tool("list-products", {"exclude": seen["excluded"], "per_page": 2})
            seen["describe"] = await client.call_tool("describe-tool", {"name": "list-products"})
            seen["listed_products"] = next(t for t in listing.tools if t.name == "list-products").input_schema
            sandbox_http.requests_log.clear()
            seen["before"] = snapshot(sandbox_http)
            seen["dry"] = await client.call_tool(
                "update-order", {"id": order_id, "customer_note": f"via {mode}", "dry_run": True})
            seen["after_dry"] = snapshot(sandbox_http)
            seen["writes_after_dry"] = writes_sent(sandbox_http)
            seen["real"] = await client.call_tool("update-order", {"id": order_id, "customer_note": f"via {mode}"})
            seen["missing"] = await client.call_tool("get-order", {"id": 99999999})
            seen["invalid"] = await client.call_tool("get-order", {"id": "seven"})

    stdio_servers.portal.call(session)

    assert seen["version"] == REVISIONS[mode]
    assert seen["size"] <= 64 * 1024
    assert seen["names"] == [t.name for t in registry.tools()] + ["describe-tool"]

    listed = seen["list"]
    assert not listed.is_error
    Draft202012Validator(registry.tool("list-orders").output_schema).validate(listed.structured_content)
    assert len(listed.structured_content["items"]) == 30
    assert listed.content[0].text.startswith("list-orders: 30 items")
    assert [round(p[0]) for p in seen["progress"]] == [10, 20, 30]  # one notification per page read
    assert seen["page"].structured_content["per_page"] == 20  # the agent default, not the store's 100
    assert "exclude" not in seen["listed_products"]["properties"]
    hidden = seen["hidden"]
    assert not hidden.is_error and len(hidden.structured_content["items"]) == 2
    assert not {p["id"] for p in hidden.structured_content["items"]} & set(seen["excluded"])
    described = seen["describe"]
    assert not described.is_error and "exclude" in described.structured_content["not_listed"]
    assert described.structured_content["input_schema"] == registry.tool("list-products").input_schema

    dry = seen["dry"].structured_content
    assert dry["dry_run"] is True and dry["current"]["id"] == order_id
    assert dry["requests"] == [{"method": "PUT", "path": f"/orders/{order_id}", "query": {},
                                "body": {"customer_note": f"via {mode}"}}]
    assert seen["writes_after_dry"] == [] and seen["after_dry"] == seen["before"]
    assert seen["real"].structured_content["customer_note"] == f"via {mode}"
    assert sandbox_http.store.get("order", order_id)["customer_note"] == f"via {mode}"

    missing = seen["missing"]
    assert missing.is_error
    error = missing.structured_content["error"]
    assert error["code"] == "not_found" and error["retryable"] is False
    assert error["woo_code"] == "woocommerce_rest_shop_order_invalid_id"
    assert "Error not_found" in missing.content[0].text
    secret = sandbox_http.connection()["consumer_secret"]
    assert secret not in json.dumps(error) and "oauth_signature=***" in json.dumps(error)
    invalid = seen["invalid"]
    assert invalid.is_error and invalid.structured_content["error"]["code"] == "invalid_input"
    assert invalid.structured_content["error"]["details"]["problems"][0]["pointer"] == "/id"
