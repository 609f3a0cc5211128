"""The contract: manifest, schemas and code agree, and the registry refuses to start otherwise."""

from __future__ import annotations

import copy
import functools
import importlib
import json
import re
from pathlib import Path
from typing import Any

import pytest
import responses
from jsonschema import Draft202012Validator
from metaschema import check_schema
from tool_packs import COUPON_CODES, write_pack  # tests/ is on pythonpath (pyproject)

import woo_connector
from woo_connector.registry import (
    ContractError,
    Registry,
    collect_functions,
    load,
    load_manifest,
)
from woo_connector.resources import package_version, schemas_dir
from woo_connector.toolpacks import discover, load_pack
from woo_connector.validation import SchemaSet

MANIFEST_TOOLS = [tool["name"] for tool in load_manifest()["tools"]]  # connector.yaml is the list
CONN = {"site_url": "https://shop.example", "consumer_key": "ck_x", "consumer_secret": "cs_x"}


def test_load_exposes_every_manifest_tool_in_order(connector: Registry) -> None:
    assert [t.name for t in connector.tools()] == MANIFEST_TOOLS
    assert connector.manifest["version"] == package_version()


@pytest.mark.parametrize("name", MANIFEST_TOOLS)
def test_every_tool_is_complete_and_self_contained(connector: Registry, name: str) -> None:
    tool = connector.describe(name)
    assert re.fullmatch(r"[a-z]+(-[a-z]+)*", tool["name"])
    assert tool["title"] and len(tool["description"]) > 20
    for side in ("inputSchema", "outputSchema"):
        schema = tool[side]
        check_schema(schema)  # jsonschema's check_schema, answered at compiled speed (tests/metaschema.py)
        assert schema["type"] == "object"
        text = json.dumps(schema)
        # Bundled: every $ref points inside the document, so a host needs no files of ours.
        for ref in re.findall(r'"\$ref": "([^"]*)"', text):
            assert ref.startswith("#/"), ref
        Draft202012Validator(schema)  # refs resolve locally
    for example in tool["inputSchema"].get("examples", []):
        Draft202012Validator(tool["inputSchema"]).validate(example)
    hints = tool["annotations"]
    assert {"readOnlyHint", "destructiveHint", "idempotentHint"} <= set(hints)
    if hints["readOnlyHint"]:
        assert not hints["destructiveHint"]


def test_read_only_hints_match_the_tool_names(connector: Registry) -> None:
    for tool in connector.tools():
        reads = tool.name.startswith(("list-", "get-", "plan-"))
        assert tool.annotations["readOnlyHint"] is reads, tool.name


def test_bundled_input_schema_validates_like_the_files(connector: Registry) -> None:
    bundled = Draft202012Validator(connector.describe("update-order")["inputSchema"])
    good = {"id": 5, "meta_data": [{"key": "erp_id", "value": {"nested": [1, 2]}}]}
    bad = {"id": 5, "meta_data": [{"key": "erp_id", "value": 1}], "surprise": True}
    assert bundled.is_valid(good) and not connector.schemas.problems("update-order.input.json", good)
    assert not bundled.is_valid(bad) and connector.schemas.problems("update-order.input.json", bad)


@functools.cache
def _collected() -> dict[str, Any]:
    return collect_functions()


def functions_of_the_packs() -> dict[str, Any]:
    """``collect_functions()``, gathered once per run (every pack imported and joined, 0.2 s); each
    caller gets its own dict to take a tool out of or add one to."""
    return dict(_collected())


def _registry(manifest=None, functions=None, version=None) -> Registry:
    return Registry(
        manifest if manifest is not None else load_manifest(),
        SchemaSet(schemas_dir()),
        functions if functions is not None else functions_of_the_packs(),
        version=version if version is not None else package_version(),
    )


def test_refuses_a_manifest_entry_without_a_function() -> None:
    functions = functions_of_the_packs()
    del functions["list-coupons"]
    with pytest.raises(ContractError, match="list-coupons: declared in connector.yaml but no function"):
        _registry(functions=functions)


def test_refuses_a_function_and_schema_without_manifest_entry() -> None:
    manifest = copy.deepcopy(load_manifest())
    manifest["tools"] = [t for t in manifest["tools"] if t["name"] != "get-order"]
    with pytest.raises(ContractError) as info:
        _registry(manifest=manifest)
    problems = info.value.details["problems"]
    assert "schema for 'get-order' but no such tool in connector.yaml" in problems
    assert "function registered for 'get-order' but no such tool in connector.yaml" in problems


def test_refuses_a_tool_without_schemas() -> None:
    manifest = copy.deepcopy(load_manifest())
    manifest["tools"].append(
        {"name": "archive-order", "title": "Archive", "description": "Archives an order somewhere.",
         "annotations": {"readOnlyHint": False, "destructiveHint": True, "idempotentHint": True}}
    )
    functions = functions_of_the_packs()
    functions["archive-order"] = lambda client, args: {}
    with pytest.raises(ContractError, match=r"archive-order: no schemas/archive-order\.input/output\.json"):
        _registry(manifest=manifest, functions=functions)


def test_refuses_missing_hints_and_a_version_mismatch() -> None:
    manifest = copy.deepcopy(load_manifest())
    del manifest["tools"][0]["annotations"]["destructiveHint"]
    with pytest.raises(ContractError, match="annotations missing destructiveHint"):
        _registry(manifest=manifest)
    with pytest.raises(ContractError, match="package version '9.9.9'"):
        _registry(version="9.9.9")


def test_unknown_tool_is_a_structured_error(connector: Registry) -> None:
    with pytest.raises(woo_connector.UnknownToolError) as info:
        connector.invoke("delete-everything", {}, {})
    assert info.value.to_dict()["code"] == "unknown_tool"
    assert "list-orders" in info.value.details["tools"]


def test_invalid_input_lists_every_bad_field_before_any_request(connector: Registry) -> None:
    conn = {"site_url": "https://127.0.0.1:9", "consumer_key": "ck_x", "consumer_secret": "cs_x"}
    with pytest.raises(woo_connector.InvalidInputError) as info:
        connector.invoke("list-orders", {"per_page": 500, "modified_after": "2026-01-01", "colour": "red"}, conn)
    pointers = {p["pointer"] for p in info.value.details["problems"]}
    assert pointers == {"/per_page", "/modified_after", "/colour"}
    assert info.value.to_dict()["code"] == "invalid_input"


def test_connection_is_validated_with_field_names(connector: Registry) -> None:
    with pytest.raises(woo_connector.ConfigError) as info:
        connector.invoke("list-orders", {}, {"site_url": "ftp://x", "consumer_key": "ck_x", "verify_ssl": "yes"})
    pointers = {p["pointer"] for p in info.value.details["problems"]}
    assert {"/site_url", "/verify_ssl"} <= pointers
    assert any(p["pointer"] in ("", "/") and "consumer_secret" in p["message"] for p in info.value.details["problems"])


def test_public_surface_is_pinned() -> None:
    assert sorted(woo_connector.__all__) == sorted(
        [
            "load", "Registry", "ToolSpec", "hookimpl", "WooConnectorError", "ContractError",
            "InvalidInputError", "UnknownToolError", "ConfigError", "AuthFailedError",
            "PermissionDeniedError", "NotFoundError", "InvalidRequestError", "RateLimitedError",
            "ServerError", "NetworkError", "RequestTimeoutError", "BadResponseError",
            "RedirectRefusedError", "InternalError", "OutcomeUnknownError",
        ]
    )
    codes = {getattr(woo_connector, n).code for n in woo_connector.__all__ if n.endswith("Error")}
    assert {
        "invalid_input", "unknown_tool", "config_error", "auth_failed", "permission_denied",
        "not_found", "invalid_request", "rate_limited", "server_error", "network_error", "timeout",
        "bad_response", "redirect_refused", "internal_error", "outcome_unknown", "contract_error",
    } <= codes


def test_a_store_answer_of_the_wrong_shape_is_bad_response(connector: Registry) -> None:
    with responses.RequestsMock() as rsps:
        rsps.add("POST", "https://shop.example/wp-json/wc/v3/products", json={"ok": True}, status=201)
        with pytest.raises(woo_connector.BadResponseError) as info:
            connector.invoke("create-product", {"name": "X", "type": "variable",
                                                "variations": [{"regular_price": "1"}]}, CONN)
    assert "create-product" in info.value.message and info.value.details["missing"] == ["id"]


def test_a_store_list_where_an_object_belongs_is_bad_response(connector: Registry) -> None:
    with responses.RequestsMock() as rsps:
        rsps.add("GET", "https://shop.example/wp-json/wc/v3/products/5", json=[{"id": 5}])
        with pytest.raises(woo_connector.BadResponseError) as info:
            connector.invoke("get-product", {"id": 5}, CONN)
    assert info.value.code == "bad_response" and "get-product" in info.value.message


def test_a_bug_inside_a_tool_is_an_internal_error_naming_the_tool() -> None:
    def buggy(client, args):  # indexes our own data wrongly: the connector's bug, not the store's
        return {"order": {}["id"]}

    functions = functions_of_the_packs()
    functions["get-order"] = buggy
    registry = _registry(functions=functions)
    with pytest.raises(woo_connector.InternalError) as info:
        registry.invoke("get-order", {"id": 5}, CONN)
    error = info.value.to_dict()
    assert error["code"] == "internal_error" and error["details"] == {"tool": "get-order", "exception": "KeyError"}
    assert "get-order" in error["message"] and not isinstance(info.value, woo_connector.BadResponseError)


def test_a_date_that_does_not_exist_is_invalid_input_naming_the_field(connector: Registry) -> None:
    with pytest.raises(woo_connector.InvalidInputError) as info:
        connector.invoke("list-orders", {"modified_after": "2026-02-31T00:00:00"}, CONN)
    assert [p["pointer"] for p in info.value.details["problems"]] == ["/modified_after"]


def test_a_field_the_shared_query_declares_but_invalid_is_not_called_unknown(connector: Registry) -> None:
    with pytest.raises(woo_connector.InvalidInputError) as info:
        connector.check_input("list-coupons", {"page": 0, "colour": "red", "code": 5})
    problems = {p["pointer"]: p["message"] for p in info.value.details["problems"]}
    assert set(problems) == {"/page", "/colour", "/code"}
    assert problems["/colour"] == "unknown field 'colour'" and "unknown" not in problems["/page"]


def test_list_tools_are_handed_out_flat_and_closed(connector: Registry) -> None:
    """The shared query and envelope are folded into each list tool's own properties."""
    for tool in (name for name in MANIFEST_TOOLS if name.startswith("list-")):
        described = connector.describe(tool)
        inputs, outputs = described["inputSchema"], described["outputSchema"]
        paging = {"page", "per_page", "_fields", "all_pages", "max_items"}
        assert paging & set(inputs["properties"]) in (paging, set()), tool  # all, or (order notes) none
        assert inputs["additionalProperties"] is False and "$ref" not in inputs and "allOf" not in inputs
        assert outputs["required"] == ["items", "page", "per_page", "total", "total_pages", "has_more", "next_page"]
        assert outputs["additionalProperties"] is False
        if "modified_after" in inputs["properties"]:  # scalar defs are written into the field
            date = inputs["properties"]["modified_after"]
            assert "$ref" not in json.dumps(date) and date["allOf"][0]["format"] == "woo-date-time"


# -- tool packs ---------------------------------------------------------------------------


def _import_pack(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, package: str, **kw) -> object:
    project = write_pack(tmp_path, package, **kw)
    monkeypatch.syspath_prepend(str(project / "src"))
    return importlib.import_module(package)


def test_a_throw_away_tool_in_a_temporary_directory_is_listed_and_invoked(tmp_path, monkeypatch) -> None:
    """Manifest entry, two schemas, one function, all outside the repository: nothing else to edit."""
    module = _import_pack(tmp_path, monkeypatch, "throwaway_pack")
    registry = load(validate_output=True, packs=discover() + [load_pack("throwaway", module)])
    assert [t.name for t in registry.tools()] == MANIFEST_TOOLS + [COUPON_CODES]
    described = registry.describe(COUPON_CODES)
    limit = described["inputSchema"]["properties"]["limit"]
    assert (limit["type"], limit["minimum"], limit["maximum"]) == ("integer", 1, 100)  # defs/id.json reached
    with responses.RequestsMock() as rsps:
        rsps.add("GET", "https://shop.example/wp-json/wc/v3/coupons", json=[{"code": "save20"}, {"code": "vip"}])
        assert registry.invoke(COUPON_CODES, {"limit": 2}, CONN) == {"codes": ["save20", "vip"]}
    with pytest.raises(woo_connector.InvalidInputError):
        registry.invoke(COUPON_CODES, {"limit": 0}, CONN)  # id.json: at least 1


def test_a_pack_that_claims_a_built_in_name_is_refused_naming_the_pack(tmp_path, monkeypatch) -> None:
    module = _import_pack(tmp_path, monkeypatch, "colliding_pack", tool="get-order")
    with pytest.raises(ContractError) as info:
        load(packs=discover() + [load_pack("colliding", module)])
    assert info.value.code == "contract_error" and info.value.details["packs"] == ["colliding"]
    assert "tool pack 'colliding': tool 'get-order' is already provided by tool pack 'woocommerce'" in info.value.message


def test_a_pack_without_an_output_schema_is_refused_naming_the_pack(tmp_path, monkeypatch) -> None:
    module = _import_pack(tmp_path, monkeypatch, "halfdone_pack", output_schema=False)
    with pytest.raises(ContractError) as info:
        load(packs=discover() + [load_pack("halfdone", module)])
    assert info.value.details["packs"] == ["halfdone"]
    assert f"tool pack 'halfdone': {COUPON_CODES}: no schemas/{COUPON_CODES}.output.json" in info.value.message


def test_the_built_in_tools_are_a_tool_pack_like_any_other() -> None:
    builtin = discover()[0]
    assert builtin.name == "woocommerce" and not builtin.problems
    assert [t["name"] for t in builtin.tools] == MANIFEST_TOOLS
    assert set(builtin.functions) == set(MANIFEST_TOOLS)
