"""The agent's view of the registry: notes, compact schemas, the listing budget, page defaults."""

from __future__ import annotations

import dataclasses
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from woo_connector.mcp import catalog, describe
from woo_connector.mcp.catalog import (
    AGENT_PER_PAGE,
    LEVELS,
    agent_fields,
    agent_notes,
    agent_tool,
    agent_tools,
)
from woo_connector.mcp.compact import compact_input_schema, compact_schema, field_note, first_sentence
from woo_connector.mcp.render import render_error, render_result
from woo_connector.errors import InvalidInputError, UnknownToolError
from woo_connector.registry import Registry, ToolSpec, load, load_manifest
from woo_connector.resources import schemas_dir
from woo_connector.toolpacks import ToolPack, discover
from woo_connector.validation import Checker
from woo_connector.sandbox import Sandbox

# woo_connector.mcp.server (it imports the MCP SDK, over a second) is imported by the tests that
# use it: every xdist worker imports every test module while collecting.

LIMIT = 64 * 1024


@pytest.fixture(scope="module")
def check_schema() -> Callable[[dict[str, Any]], None]:
    """A Draft 2020-12 meta-schema check, once per distinct schema in the module: levels and
    depths often give the same compact schema. jsonschema_rs checks against the same meta-schema
    (regex formats of ``pattern`` included, and every ``$ref`` must resolve) in microseconds where
    pure-Python ``check_schema`` took tens of milliseconds per schema; it raises on a bad one."""
    import jsonschema_rs  # here, not at the top: the module's import block is kept lean for collection

    valid: set[str] = set()

    def check(schema: dict[str, Any]) -> None:
        canonical = json.dumps(schema, sort_keys=True)
        if canonical not in valid:
            jsonschema_rs.Draft202012Validator(schema)
            valid.add(canonical)

    return check


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
    from woo_connector.mcp.server import listing_json

    listing = listing_json(connector)
    assert len(listing.encode()) <= LIMIT
    full = json.dumps([t.to_dict() for t in connector.tools()], separators=(",", ":"))
    assert len(listing) * 3 < len(full)  # the hosts' full definitions are several times larger
    tools = json.loads(listing)["tools"]
    assert [t["name"] for t in tools] == [t.name for t in connector.tools()] + [describe.NAME]
    # at the most detailed level an agent is told the order's field names
    order_fields = compact_schema(connector.tool("get-order").output_schema)["allOf"][0]["properties"]
    assert {"id", "status", "customer_note", "billing"} <= set(order_fields)


def test_levels_shrink_every_tool_and_a_tight_budget_shrinks_the_costliest_first(connector: Registry) -> None:
    from woo_connector.mcp.server import _listing_size

    costs = {spec.name: [_listing_size([agent_tool(spec, level)]) for level in LEVELS] for spec in connector.tools()}
    assert all(sizes[0] > sizes[-1] and sizes[:4] == sorted(sizes[:4], reverse=True)
               for sizes in costs.values()), costs
    # six big tools fit at the most detailed level; 3 KB less and some of them step down
    six = sorted(connector.tools(), key=lambda s: -costs[s.name][0])[:6]
    roomy = agent_tools(six, size=_listing_size)
    assert {t.level for t in roomy} == {LEVELS[0]}
    budget = _listing_size(roomy) - 3000
    tight = agent_tools(six, budget=budget, size=_listing_size)
    assert _listing_size(tight) <= budget
    shrunk = [t.name for t in tight if t.level != LEVELS[0]]
    kept = [t.name for t in tight if t.level == LEVELS[0]]
    assert shrunk and kept  # only some tools gave up detail: the ones whose step saves most
    saving = {name: costs[name][0] - costs[name][1] for name in costs}
    assert min(saving[n] for n in shrunk) >= max(saving[n] for n in kept)
    # the whole registry under a budget between levels: no tool two kinds of detail behind another
    everything = agent_tools(connector.tools(), size=_listing_size)
    squeezed = agent_tools(connector.tools(), budget=_listing_size(everything) - 6000, size=_listing_size)
    levels = [LEVELS.index(t.level) for t in squeezed]
    assert max(levels) - min(levels) <= 1 and _listing_size(squeezed) <= _listing_size(everything) - 6000
    # a budget nothing meets: every tool at its cheapest level, which still lists the required fields
    floor = agent_tools(connector.tools(), budget=1, size=_listing_size)
    assert all(_listing_size([t]) == min(costs[t.name]) for t in floor)
    assert LEVELS[-1] in {t.level for t in floor}
    for tool in floor:
        assert set(tool.spec.input_schema.get("required", [])) <= set(tool.input_schema["properties"])


def test_forty_tools_fit_64_kb_and_keep_what_a_correct_call_needs(
        connector: Registry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Today's tools plus renamed copies of the biggest ones, as a tool pack: a real registry."""
    from woo_connector.mcp.server import agent_listing, listing_json

    bigger = sorted(connector.tools(), key=lambda s: -len(json.dumps(s.input_schema)))
    manifest = {e["name"]: e for e in load_manifest()["tools"]}
    entries: list[dict[str, Any]] = []
    functions = {}
    while len(connector.tools()) + len(entries) < 40:
        spec = bigger[len(entries) % len(bigger)]
        name = f"{spec.name}-{'abcdef'[len(entries) // len(bigger)]}"
        for side in ("input", "output"):
            shutil.copy(schemas_dir() / f"{spec.name}.{side}.json", tmp_path / f"{name}.{side}.json")
        entries.append({**manifest[spec.name], "name": name})
        functions[name] = spec.function
    forty = load(packs=[*discover(), ToolPack("copies", entries, tmp_path, functions)])
    assert len(forty.tools()) >= 40

    def check(curated: bool) -> list[int]:
        listing = json.loads(listing_json(forty))
        assert len(json.dumps(listing, separators=(",", ":"), ensure_ascii=False).encode()) <= LIMIT
        tools = {t["name"]: t for t in listing["tools"]}
        assert list(tools) == [s.name for s in forty.tools()] + [describe.NAME]
        for spec in forty.tools():
            listed = tools[spec.name]["inputSchema"]
            full = spec.input_schema["properties"]
            assert set(spec.input_schema.get("required", [])) <= set(listed["properties"])
            for field, schema in listed["properties"].items():
                assert schema.get("type") == full[field].get("type") or "$ref" in full[field] or "anyOf" in schema
            if curated and spec.name.rsplit("-", 1)[0] in agent_fields():
                wanted = set(agent_fields()[spec.name.rsplit("-", 1)[0]])
                assert wanted <= set(listed["properties"]), spec.name  # the common filters stay
        return [LEVELS.index(t.level) for t in agent_listing(forty)]

    # the copies as new tools would come: with their own agent_fields entries
    curated = {**agent_fields(), **{e["name"]: agent_fields()[e["name"].rsplit("-", 1)[0]]
                                    for e in entries if e["name"].rsplit("-", 1)[0] in agent_fields()}}
    monkeypatch.setattr(catalog, "agent_fields", lambda: curated)
    levels = check(curated=True)
    assert max(levels) < len(LEVELS) - 1  # every tool keeps its common fields
    # and the worst case, thirty-odd big tools nobody curated, still fits
    monkeypatch.setattr(catalog, "agent_fields", lambda: {})
    check(curated=False)


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
    from woo_connector.mcp.server import listing_json

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


def test_compact_schemas_accept_what_the_store_sends(
    connector: Registry, sandbox_http: Sandbox, check_schema: Callable[[dict[str, Any]], None]
) -> None:
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
        for depth in {level.output_depth for level in LEVELS} | {describe.OUTPUT_DEPTH}:
            compact = compact_schema(spec.output_schema, depth)
            check_schema(compact)
            assert compact["type"] == "object"
            Draft202012Validator(compact).validate(result)
    # and the compact form still rejects the wrong kind of value where it keeps a type
    compact = compact_schema(connector.tool("get-order").output_schema)
    assert not Draft202012Validator(compact).is_valid({"id": "not a number"})


def test_compact_input_keeps_the_contract_and_drops_the_manual(connector: Registry) -> None:
    full = connector.tool("list-orders").input_schema
    every = compact_input_schema(full)
    assert set(every.schema["properties"]) == set(full["properties"]) and not every.hidden
    assert every.schema["additionalProperties"] is False  # nothing hidden: as closed as the full one
    assert "examples" not in json.dumps(every.schema) and "pattern" not in json.dumps(every.schema)
    common = compact_input_schema(full, fields=["status", "customer"])
    assert set(common.schema["properties"]) == {"status", "customer"}
    assert "dates_are_gmt" in common.hidden and common.schema["additionalProperties"] is True
    # required fields are listed whatever the curation says; nested shapes: small ones shown
    order = compact_input_schema(connector.tool("update-order").input_schema, fields=["note"])
    assert set(order.schema["properties"]) == {"id", "note"} and order.schema["required"] == ["id"]
    assert order.schema["properties"]["note"]["properties"] == {
        "note": {"type": "string"}, "customer_note": {"type": "boolean", "default": False}}
    big = compact_input_schema(connector.tool("create-customer").input_schema)
    assert big.schema["properties"]["billing"] == {"type": "object", "description": "Billing address."}
    assert "billing" in big.collapsed
    assert first_sentence("Attribute slug, e.g. pa_color. More text.") == "Attribute slug, e.g. pa_color."
    assert first_sentence("ISO 4217 currency code, e.g. AUD. More.") == "ISO 4217 currency code, e.g. AUD."
    long = ("Exclusive lower bound on the creation date (date_created): a date WITH a time "
            "(2026-11-26T18:00:00, optional fraction and offset); without an offset it is store time.")
    assert field_note(long) == "Exclusive lower bound on the creation date (date_created): a date WITH a time…"
    bare = compact_input_schema(full, field_notes=False)
    assert all("description" not in p for p in bare.schema["properties"].values())


def _payloads(spec: ToolSpec) -> list[dict[str, Any]]:
    """Payloads the full schema accepts: its examples, each plus every optional scalar field the
    examples leave out set to a value of its type (so hidden fields are exercised too)."""
    samples = {"string": "x", "integer": 1, "number": 1, "boolean": True}
    extra: dict[str, Any] = {}
    for name, field in spec.input_schema.get("properties", {}).items():
        kind = field.get("type")
        if "enum" in field:
            extra[name] = field["enum"][0]
        elif isinstance(kind, str) and kind in samples:
            extra[name] = samples[kind]
    out = []
    checker = Checker.of(spec.input_schema)
    for example in spec.input_schema.get("examples", []):
        out.append(example)
        for name, value in extra.items():
            richer = {**example, name: value}
            if not checker.problems(richer):
                out.append(richer)
    return out


def test_whatever_the_full_input_schema_accepts_the_agents_accepts(
    connector: Registry, check_schema: Callable[[dict[str, Any]], None]
) -> None:
    """Compact input schemas are never stricter: a client checking arguments against them lets
    through every call the server's own (full) validation accepts, hidden fields included."""
    import jsonschema_rs

    hidden_sent = set()
    for spec in connector.tools():
        payloads = _payloads(spec)
        assert payloads, f"{spec.name} has no examples to check"
        for level in LEVELS:
            tool = agent_tool(spec, level)
            check_schema(tool.input_schema)
            checker = jsonschema_rs.Draft202012Validator(tool.input_schema)  # compiled: 40 tools x levels x payloads
            for payload in payloads:
                assert not list(checker.iter_errors(payload)), (spec.name, level, payload)
                hidden_sent |= {(spec.name, f) for f in payload if f in tool.hidden}
    assert ("list-orders", "dates_are_gmt") in hidden_sent and ("list-products", "search_sku") in hidden_sent


def test_agent_fields_name_real_fields_of_real_tools(connector: Registry) -> None:
    for name, fields in agent_fields().items():
        props = connector.tool(name).input_schema["properties"]  # unknown_tool if the tool is gone
        assert set(fields) <= set(props), (name, set(fields) - set(props))
        assert agent_tool(connector.tool(name)).hidden  # a curated list that hides nothing is noise


def test_describe_tool_hands_out_the_full_schemas(connector: Registry) -> None:
    from woo_connector.mcp.server import agent_listing

    tools = {t.name: t for t in agent_listing(connector)}
    answer = describe.describe(tools, {"name": "list-products"})
    assert answer["input_schema"] == connector.tool("list-products").input_schema
    assert "search_sku" in answer["not_listed"] and "output_schema" not in answer
    assert "search_sku" not in tools["list-products"].input_schema["properties"]
    Draft202012Validator(describe.OUTPUT_SCHEMA).validate(answer)
    with_output = describe.describe(tools, {"name": "update-order", "output": True})
    shape = with_output["output_schema"]
    assert len(json.dumps(shape)) * 2 < len(json.dumps(connector.tool("update-order").output_schema))
    order = shape["anyOf"][0]["allOf"][0]
    assert order["properties"]["line_items"]["items"]["properties"]["taxes"]["type"] == "array"
    assert "billing" in with_output["shapes_not_listed"]
    with pytest.raises(UnknownToolError, match="No tool named 'get-refund'"):
        describe.describe(tools, {"name": "get-refund"})
    with pytest.raises(InvalidInputError) as bad:
        describe.describe(tools, {"name": "get-order", "verbose": True})
    assert bad.value.details["problems"][0]["pointer"] == "/verbose"


def test_text_rendering_is_short_and_errors_name_their_code() -> None:
    listing = {"items": [{"id": 1}] * 3, "page": 1, "total": 40, "has_more": True, "next_page": 2}
    assert render_result("list-orders", listing).splitlines()[0] == "list-orders: 3 items of 40 (page 1; more: page=2)"
    dry = {"dry_run": True, "requests": [{"method": "PUT", "path": "/orders/5"}], "current": None}
    assert "would send PUT /orders/5" in render_result("update-order", dry)
    big = {"id": 1, "blob": "x" * 10_000}
    assert len(render_result("get-order", big)) < 4200
    error = {"code": "not_found", "message": "No order 5.", "retryable": False, "woo_code": "woocommerce_rest_invalid_id"}
    assert render_error(error) == "Error not_found [woo_code woocommerce_rest_invalid_id]: No order 5."
