"""The agent's view of the registry: notes, compact schemas, the listing budget, page defaults."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator

import pytest
from jsonschema import Draft202012Validator

from woo_connector.mcp.catalog import (
    AGENT_PER_PAGE,
    LEVELS,
    agent_notes,
    agent_tool,
    agent_tools,
)
from woo_connector.mcp.compact import compact_input_schema, compact_schema, first_sentence
from woo_connector.mcp.render import render_error, render_result
from woo_connector.mcp.server import _listing_size, listing_json
from woo_connector.registry import Registry, load
from woo_connector.sandbox import Sandbox

LIMIT = 64 * 1024


@pytest.fixture(scope="module")
def connector() -> Iterator[Registry]:
    registry = load()
    yield registry
    registry.close()


def test_every_current_write_tool_has_an_agent_note(connector: Registry) -> None:
    notes = agent_notes()
    writes = [t.name for t in connector.tools() if not t.annotations["readOnlyHint"]]
    assert writes and all(notes.get(name) for name in writes), set(writes) - set(notes)
    assert set(notes) <= {t.name for t in connector.tools()}, "a note for a tool that does not exist"


def test_a_tool_without_a_note_falls_back_to_its_manifest_description(connector: Registry) -> None:
    newcomer = dataclasses.replace(connector.tool("get-order"), name="get-refund", description="One refund.")
    assert agent_tool(newcomer).description == "One refund."
    noted = agent_tool(connector.tool("update-order")).description
    assert noted.startswith(connector.tool("update-order").description)
    assert "email the customer" in noted and "dry_run true" in noted


def test_the_listing_fits_64_kb_and_names_every_tool(connector: Registry) -> None:
    listing = listing_json(connector)
    assert len(listing.encode()) <= LIMIT
    full = json.dumps([t.to_dict() for t in connector.tools()], separators=(",", ":"))
    assert len(listing) * 3 < len(full)  # the hosts' full definitions are several times larger
    tools = json.loads(listing)["tools"]
    assert [t["name"] for t in tools] == [t.name for t in connector.tools()]
    # at the most detailed level an agent is told the order's field names
    order_fields = compact_schema(connector.tool("get-order").output_schema)["allOf"][0]["properties"]
    assert {"id", "status", "customer_note", "billing"} <= set(order_fields)


def test_a_tight_budget_takes_a_more_compact_level_instead_of_failing(connector: Registry) -> None:
    sizes = [_listing_size([agent_tool(spec, level) for spec in connector.tools()]) for level in LEVELS]
    assert sizes == sorted(sizes, reverse=True) and sizes[-1] < sizes[0] / 1.5
    chosen = agent_tools(connector, budget=sizes[1], size=_listing_size)
    assert _listing_size(chosen) == sizes[1]


def test_list_tools_default_to_an_agent_page_and_say_how_to_get_more(connector: Registry) -> None:
    tool = agent_tool(connector.tool("list-orders"))
    assert tool.pages and tool.input_schema["properties"]["per_page"]["default"] == AGENT_PER_PAGE
    assert tool.arguments({"status": "processing"}) == {"status": "processing", "per_page": AGENT_PER_PAGE}
    assert tool.arguments({"per_page": 5}) == {"per_page": 5}
    assert tool.arguments({"all_pages": True}) == {"all_pages": True}  # a full walk: fewer requests
    assert "page=next_page" in tool.description
    # hosts keep the store's default: the registry's schema is untouched
    assert connector.tool("list-orders").input_schema["properties"]["per_page"].get("default") != AGENT_PER_PAGE
    assert not agent_tool(connector.tool("get-order")).pages


def test_annotations_stay_honest_and_raw_requests_point_to_the_dedicated_tools(connector: Registry) -> None:
    tools = {t["name"]: t for t in json.loads(listing_json(connector))["tools"]}
    for spec in connector.tools():
        hints = tools[spec.name]["annotations"]
        assert hints["readOnlyHint"] == spec.annotations["readOnlyHint"]
        assert hints["destructiveHint"] == spec.annotations["destructiveHint"]
        assert ("dry_run" in tools[spec.name]["inputSchema"]["properties"]) is (not spec.annotations["readOnlyHint"])
    raw = tools["raw-api-request"]
    assert raw["annotations"]["destructiveHint"] is True
    assert "Prefer the dedicated tools" in raw["description"]
    assert "per tool, not per call" in raw["description"]


def test_compact_schemas_accept_what_the_store_sends(connector: Registry, sandbox_http: Sandbox) -> None:
    """A relaxation: whatever matches the full schema matches the compact one (clients check it)."""
    conn = sandbox_http.connection()
    order = connector.invoke("list-orders", {"per_page": 3}, conn)
    product = connector.invoke("list-products", {"per_page": 1, "type": "variable"}, conn)["items"][0]
    results = {
        "list-orders": order,
        "get-order": connector.invoke("get-order", {"id": order["items"][0]["id"]}, conn),
        "get-product": connector.invoke("get-product", {"id": product["id"]}, conn),
        "list-customers": connector.invoke("list-customers", {"per_page": 2}, conn),
        "update-order": connector.invoke("update-order", {"id": order["items"][0]["id"], "status": "completed",
                                                          "dry_run": True}, conn),
    }
    for name, result in results.items():
        spec = connector.tool(name)
        Draft202012Validator(spec.output_schema).validate(result)
        for level in LEVELS:
            compact = compact_schema(spec.output_schema, level.output_depth)
            Draft202012Validator.check_schema(compact)
            assert compact["type"] == "object"
            Draft202012Validator(compact).validate(result)
    # and the compact form still rejects the wrong kind of value where it keeps a type
    compact = compact_schema(connector.tool("get-order").output_schema)
    assert not Draft202012Validator(compact).is_valid({"id": "not a number"})


def test_compact_input_keeps_the_contract_and_drops_the_manual(connector: Registry) -> None:
    full = connector.tool("list-orders").input_schema
    compact = compact_input_schema(full)
    assert set(compact["properties"]) == set(full["properties"])
    assert compact["additionalProperties"] is False
    assert "examples" not in json.dumps(compact) and "pattern" not in json.dumps(compact)
    assert first_sentence("Attribute slug, e.g. pa_color. More text.") == "Attribute slug, e.g. pa_color."
    bare = compact_input_schema(full, field_notes=False)
    assert all("description" not in p for p in bare["properties"].values())


def test_text_rendering_is_short_and_errors_name_their_code() -> None:
    listing = {"items": [{"id": 1}] * 3, "page": 1, "total": 40, "has_more": True, "next_page": 2}
    assert render_result("list-orders", listing).splitlines()[0] == "list-orders: 3 items of 40 (page 1; more: page=2)"
    dry = {"dry_run": True, "requests": [{"method": "PUT", "path": "/orders/5"}], "current": None}
    assert "would send PUT /orders/5" in render_result("update-order", dry)
    big = {"id": 1, "blob": "x" * 10_000}
    assert len(render_result("get-order", big)) < 4200
    error = {"code": "not_found", "message": "No order 5.", "retryable": False, "woo_code": "woocommerce_rest_invalid_id"}
    assert render_error(error) == "Error not_found [woo_code woocommerce_rest_invalid_id]: No order 5."
