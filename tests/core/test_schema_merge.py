"""schema_merge.merged: an allOf of plain object or array schemas becomes one schema with the
same verdict on every document; anything it cannot say exactly is left as it was."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from woo_connector.schema_merge import merged

ORDERISH = {
    "$defs": {
        "line": {"type": "object", "title": "A line", "properties": {
            "qty": {"type": "integer", "minimum": 1}, "total": {"type": "string", "pattern": "^[0-9]+$"}},
            "additionalProperties": True},
        "amounts": {"type": "object", "properties": {"net": {"type": "number"}}, "required": ["net"],
                    "additionalProperties": False},
        "order": {"type": "object", "properties": {
            "id": {"type": "integer"}, "lines": {"type": "array", "items": {"$ref": "#/$defs/line"}}},
            "required": ["id"]},
        "view": {"type": "object", "additionalProperties": True, "properties": {
            "amounts": {"$ref": "#/$defs/amounts"},
            "lines": {"type": "array", "items": {"type": "object", "properties": {"amounts": {"$ref": "#/$defs/amounts"}}}}}},
    },
    "type": "object",
    "properties": {"items": {"type": "array", "items": {"allOf": [{"$ref": "#/$defs/order"}, {"$ref": "#/$defs/view"}]}}},
}


def _all_ofs(node: Any) -> int:
    if isinstance(node, dict):
        return ("allOf" in node) + sum(_all_ofs(value) for key, value in node.items() if key != "$defs")
    if isinstance(node, list):
        return sum(_all_ofs(item) for item in node)
    return 0


def test_an_order_and_its_view_become_one_walk() -> None:
    flat = merged(ORDERISH)
    assert _all_ofs(ORDERISH) == 1 and _all_ofs(flat) == 0
    order = flat["properties"]["items"]["items"]
    assert order["type"] == "object" and order["required"] == ["id"]
    assert set(order["properties"]) == {"id", "lines", "amounts"}
    line = order["properties"]["lines"]["items"]
    assert set(line["properties"]) == {"qty", "total", "amounts"}  # the line's own and the view's
    assert line["properties"]["amounts"] == {"$ref": "#/$defs/amounts"}  # a property's own $ref: as it was


@pytest.mark.parametrize("member", [
    {"type": "object", "additionalProperties": False, "properties": {"b": {}}},  # closes over its own fields only
    {"type": "object", "unevaluatedProperties": False},
    {"type": "object", "patternProperties": {"^x": {"type": "string"}}},
    {"type": "object", "minProperties": 2},
    {"anyOf": [{"required": ["a"]}, {"required": ["b"]}]},
    {"type": "string"},
    {"$ref": "#/$defs/other", "required": ["b"]},  # a $ref with company is not read in place
    {"type": ["object", "null"]},
])
def test_an_allof_with_anything_else_is_left_as_it_was(member: dict[str, Any]) -> None:
    schema = {"$defs": {"other": {"type": "object"}},
              "allOf": [{"type": "object", "properties": {"a": {"type": "integer"}}}, member]}
    assert merged(schema)["allOf"] == schema["allOf"]


def test_a_property_two_members_describe_is_held_to_both() -> None:
    schema = {"allOf": [{"type": "object", "properties": {"n": {"type": "integer", "minimum": 0}}},
                        {"type": "object", "properties": {"n": {"type": "integer", "maximum": 9}}, "required": ["n"]}]}
    flat = merged(schema)
    assert flat["properties"]["n"] == {"allOf": [{"type": "integer", "minimum": 0}, {"type": "integer", "maximum": 9}]}
    check = Draft202012Validator(flat)
    assert check.is_valid({"n": 5}) and not check.is_valid({"n": -1}) and not check.is_valid({"n": 10})
    assert not check.is_valid({})


KEYS = st.sampled_from(["id", "lines", "amounts", "qty", "total", "net", "items", "x"])
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.floats(-2, 2, allow_nan=False),
                    st.sampled_from(["", "12", "1.5", "abc"]))
DOCUMENTS = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                          st.dictionaries(KEYS, inner, max_size=4)), max_leaves=20)


def _orderish_documents() -> Any:
    line = st.fixed_dictionaries({}, optional={"qty": DOCUMENTS | st.integers(0, 3), "total": DOCUMENTS | st.just("7"),
                                               "amounts": DOCUMENTS | st.just({"net": 1.5})})
    order = st.fixed_dictionaries({}, optional={"id": DOCUMENTS | st.integers(), "lines": st.lists(line, max_size=3) | DOCUMENTS,
                                                "amounts": DOCUMENTS | st.just({"net": 2})})
    return st.fixed_dictionaries({"items": st.lists(order, max_size=3)}) | DOCUMENTS


BEFORE, AFTER = Draft202012Validator(ORDERISH), Draft202012Validator(merged(ORDERISH))


@settings(max_examples=300, deadline=None, derandomize=True)
@given(_orderish_documents())
def test_the_merged_schema_gives_the_same_verdict_on_every_document(document: Any) -> None:
    assert AFTER.is_valid(document) == BEFORE.is_valid(document)


@pytest.mark.parametrize(("document", "valid"), [
    ({"items": [{"id": 1, "lines": [{"qty": 2, "total": "7", "amounts": {"net": 1}}], "amounts": {"net": 2}}]}, True),
    ({"items": [{"id": 1, "extra": [None]}]}, True),
    ({"items": [{"lines": []}]}, False),  # the order's required id
    ({"items": [{"id": 1, "lines": [{"qty": 0}]}]}, False),  # the line's own rule
    ({"items": [{"id": 1, "lines": [{"amounts": {"net": 1, "x": 2}}]}]}, False),  # the view's rule, in a line
    ({"items": [{"id": 1, "amounts": {}}]}, False),  # the view's rule, on the order
])
def test_both_verdicts_survive_the_merge(document: Any, valid: bool) -> None:
    assert BEFORE.is_valid(document) is valid and AFTER.is_valid(document) is valid


def test_every_tool_output_merges_to_a_schema_with_the_same_verdict_on_the_captures(connector: Any) -> None:
    """The compiled validator of each tool's output, as the connector builds it, against the same
    schema unmerged: the same verdict on every body the real store sent (test_fast_path then
    holds the merged validator to jsonschema's verdict on orders and products and their mutations)."""
    import jsonschema_rs
    from captures import all_captures, body_bytes

    from woo_connector.validation import _pattern_first

    bodies = []
    for _, exchange in all_captures():
        try:
            body = json.loads(body_bytes(exchange))
        except (ValueError, TypeError):
            continue
        bodies.extend(body if isinstance(body, list) else [body])
    assert len(bodies) > 100
    verdicts = set()
    for spec in connector.tools():
        schema = _pattern_first(spec.output_schema)
        before, after = jsonschema_rs.validator_for(schema), jsonschema_rs.validator_for(merged(schema))
        for body in bodies:
            valid = before.is_valid(body)
            assert after.is_valid(body) == valid, spec.name
            verdicts.add(valid)
    assert verdicts == {True, False}
    order = merged(connector.tool("get-order").output_schema)
    assert {"line_items", "amounts"} <= set(order.get("properties", {}))  # the order and its view, one walk
