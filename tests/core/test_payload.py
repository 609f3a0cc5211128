"""Bad payloads are one invalid_input naming the field; good ones reach the tool as the caller meant.

Every case here goes through ``Registry.check_input``, the one door every host, the CLI and
Agent Mode use. Nothing is sent: the checks run before a client exists.
"""

from __future__ import annotations

import math
from typing import Any

import pytest

from woo_connector.errors import InvalidInputError
from woo_connector.money import decimal_text
from woo_connector.payload import MAX_DEPTH, MAX_TEXT, MAX_VALUES
from woo_connector.registry import Registry


def nested_list(levels: int, leaf: Any = 1) -> Any:
    value = leaf
    for _ in range(levels):
        value = [value]
    return value


def nested_object(levels: int, leaf: Any = 1) -> Any:
    value = leaf
    for _ in range(levels):
        value = {"a": value}
    return value


def refusal(connector: Registry, tool: str, payload: Any) -> list[dict[str, str]]:
    with pytest.raises(InvalidInputError) as caught:
        connector.check_input(tool, payload)
    problems = caught.value.details["problems"]
    assert problems and all(p["pointer"].startswith("/") or p["pointer"] == "" for p in problems)
    caught.value.message.encode("utf-8")  # printable: no lone surrogate leaks into the message
    return problems


def meta(value: Any) -> dict[str, Any]:
    return {"id": 7, "meta_data": [{"key": "k", "value": value}]}


# -- depth and size ---------------------------------------------------------------------------


@pytest.mark.parametrize("tool, payload, where", [
    ("update-order", meta(nested_list(5_000)), "/meta_data/0/value/0/0"),
    ("update-order", meta(nested_object(100_000)), "/meta_data/0/value/a/a"),
    ("raw-api-request", {"path": "/orders", "method": "POST", "body": nested_list(5_000)}, "/body/0/0"),
    ("raw-api-request", {"path": "/orders", "method": "POST", "body": nested_object(100_000)}, "/body/a/a"),
    ("list-orders", {"search": nested_list(10_000)}, "/search/0/0"),
])
def test_deep_payloads_are_refused_naming_where(connector: Registry, tool: str, payload: Any, where: str) -> None:
    problems = refusal(connector, tool, payload)
    assert problems[0]["pointer"].startswith(where) and f"{MAX_DEPTH} levels" in problems[0]["message"]


def test_a_payload_referring_to_itself_is_refused_not_looped(connector: Registry) -> None:
    body: dict[str, Any] = {}
    body["self"] = body
    assert "levels deep" in refusal(connector, "raw-api-request", {"path": "/x", "body": body})[0]["message"]


def test_nesting_up_to_the_limit_passes(connector: Registry) -> None:
    # the payload, meta_data and its entry are three levels; the value fills the rest
    args = connector.check_input("update-order", meta(nested_list(MAX_DEPTH - 3)))
    assert args["meta_data"][0]["value"] == nested_list(MAX_DEPTH - 3)
    refusal(connector, "update-order", meta(nested_list(MAX_DEPTH - 2)))


def test_too_many_values_or_too_much_text_is_refused(connector: Registry) -> None:
    many = refusal(connector, "raw-api-request", {"path": "/x", "body": list(range(MAX_VALUES + 1))})
    assert f"{MAX_VALUES:,} values" in many[0]["message"]
    big = refusal(connector, "raw-api-request", {"path": "/x", "body": ["x" * (MAX_TEXT // 2)] * 3})
    assert "characters of text" in big[0]["message"]


# -- values JSON cannot carry -------------------------------------------------------------------


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
@pytest.mark.parametrize("tool, payload, where", [
    ("get-order", lambda v: {"id": v}, "/id"),
    ("update-product", lambda v: {"id": 7, "regular_price": v}, "/regular_price"),
    ("create-product", lambda v: {"name": "T", "type": "variable", "variations": [{"sale_price": v}]}, "/variations/0/sale_price"),
    ("update-order", lambda v: meta({"nested": [v]}), "/meta_data/0/value/nested/0"),
    ("raw-api-request", lambda v: {"path": "/x", "body": {"amount": v}}, "/body/amount"),
    ("raw-api-request", lambda v: {"path": "/x", "query": {"n": v}}, "/query/n"),
    ("list-orders", lambda v: {"max_items": v}, "/max_items"),
])
def test_non_finite_numbers_are_refused_naming_the_field(connector: Registry, bad: float, tool: str, payload: Any, where: str) -> None:
    problems = refusal(connector, tool, payload(bad))
    named = [p for p in problems if p["pointer"] == where]
    assert named and "finite number" in named[0]["message"]
    assert ("NaN" if math.isnan(bad) else "Infinity") in named[0]["message"]


@pytest.mark.parametrize("tool, payload, where", [
    ("list-orders", {"search": "caf\udce9"}, "/search"),
    ("list-orders", {"status": ["processing", "\ud800"]}, "/status/1"),
    ("update-order", {"id": 7, "billing": {"city": "Syd\udfffney"}}, "/billing/city"),
    ("update-order", meta({"deep": ["\ud83d"]}), "/meta_data/0/value/deep/0"),
    ("raw-api-request", {"path": "/x", "query": {"q": "\ud800"}}, "/query/q"),
    ("list-products", {"extra_query": {"vendor": "\udc00"}}, "/extra_query/vendor"),
    ("update-order", {"id": 7, "billing": {"\ud800": "x"}}, "/billing/\\ud800"),
])
def test_lone_surrogates_are_refused_in_any_string(connector: Registry, tool: str, payload: Any, where: str) -> None:
    problems = refusal(connector, tool, payload)
    assert [p for p in problems if p["pointer"] == where and "lone surrogate" in p["message"]], problems


@pytest.mark.parametrize("value, kind", [(b"abc", "bytes"), ({1, 2}, "set"), (object(), "object")])
def test_values_that_are_not_json_are_refused(connector: Registry, value: Any, kind: str) -> None:
    problems = refusal(connector, "raw-api-request", {"path": "/x", "body": {"v": value}})
    assert problems == [{"pointer": "/body/v", "message": f"is a {kind}, not a JSON value"}]


def test_field_names_that_are_not_text_are_refused(connector: Registry) -> None:
    problems = refusal(connector, "raw-api-request", {"path": "/x", "body": {1: "one"}})
    assert problems[0]["pointer"] == "/body" and "field names must be text" in problems[0]["message"]


@pytest.mark.parametrize("payload, where", [
    ({"id": 2**63}, "/id"),
    ({"id": -(2**70)}, "/id"),
    ({"id": 10**5000}, "/id"),
    ({"id": 1e300}, "/id"),
])
def test_integers_php_cannot_hold_are_refused(connector: Registry, payload: Any, where: str) -> None:
    problems = refusal(connector, "get-order", payload)
    assert problems[0]["pointer"] == where and "64 bits" in problems[0]["message"]


# -- integers by value --------------------------------------------------------------------------


def test_floats_that_are_integers_become_integers_where_the_schema_wants_one(connector: Registry) -> None:
    assert connector.check_input("get-order", {"id": 355.0}) == {"id": 355}
    listed = connector.check_input("list-orders", {"max_items": 1.0, "per_page": 20.0, "include": [3.0, 4]})
    assert listed == {"max_items": 1, "per_page": 20, "include": [3, 4]}
    assert all(type(v) is int for v in (listed["max_items"], listed["per_page"], *listed["include"]))
    order = connector.check_input("update-order", {
        "id": 7.0, "line_items": [{"product_id": 12.0, "quantity": 2.0}], "customer_id": 0.0,
    })
    assert order == {"id": 7, "line_items": [{"product_id": 12, "quantity": 2}], "customer_id": 0}
    assert type(order["line_items"][0]["quantity"]) is int and type(order["customer_id"]) is int


def test_free_json_and_amounts_keep_their_floats(connector: Registry) -> None:
    """Where the schema does not ask for an integer, 1.0 stays what the caller sent."""
    args = connector.check_input("update-order", meta({"weight": 1.0}))
    assert type(args["meta_data"][0]["value"]["weight"]) is float and type(args["id"]) is int
    raw = connector.check_input("raw-api-request", {"path": "/x", "body": {"n": 2.0}})
    assert type(raw["body"]["n"]) is float
    assert type(connector.check_input("update-product", {"id": 7, "regular_price": 19.0})["regular_price"]) is float


def test_the_callers_payload_is_left_alone(connector: Registry) -> None:
    payload = {"id": 7.0, "line_items": [{"id": 3.0, "quantity": 1.0}]}
    connector.check_input("update-order", payload)
    assert payload == {"id": 7.0, "line_items": [{"id": 3.0, "quantity": 1.0}]}
    assert type(payload["line_items"][0]["quantity"]) is float


def test_a_fraction_is_still_not_an_integer(connector: Registry) -> None:
    problems = refusal(connector, "get-order", {"id": 355.5})
    assert problems[0]["pointer"] == "/id"


# -- money --------------------------------------------------------------------------------------


@pytest.mark.parametrize("value, text", [
    (4e-7, "0.0000004"),
    (19.9, "19.9"),
    (19.95, "19.95"),
    (0.1 + 0.2, "0.30000000000000004"),
    (1e22, "10000000000000000000000"),
    (19.0, "19.0"),
    (0, "0"),
    (1999, "1999"),
    ("19.90", "19.90"),
    ("", ""),
])
def test_amounts_leave_as_their_exact_decimal_text(value: Any, text: str) -> None:
    assert decimal_text(value) == text


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_non_finite_amounts_have_no_text(value: float) -> None:
    with pytest.raises(ValueError):
        decimal_text(value)


# -- dates --------------------------------------------------------------------------------------


DATE_FIELD = ("date_", "after", "before", "modified_after", "modified_before")


def date_fields(schema: dict[str, Any], where: str = "") -> list[tuple[str, dict[str, Any]]]:
    """Every property named like a date, anywhere in a bundled schema (its $defs included)."""
    found: list[tuple[str, dict[str, Any]]] = []
    stack = [(schema, where)]
    while stack:
        node, at = stack.pop()
        if isinstance(node, dict):
            for name, prop in (node.get("properties") or {}).items():
                if name.startswith(DATE_FIELD) and isinstance(prop, dict):
                    found.append((f"{at}/{name}", prop))
            stack.extend((v, f"{at}/{k}") for k, v in node.items())
        elif isinstance(node, list):
            stack.extend((v, at) for v in node)
    return found


def formats_of(prop: dict[str, Any]) -> set[str]:
    parts = [prop, *prop.get("allOf", [])]
    return {p["format"] for p in parts if isinstance(p, dict) and "format" in p}


def test_every_date_field_of_every_tool_is_checked_as_a_date(connector: Registry) -> None:
    checked = 0
    for spec in connector.tools():
        for where, prop in date_fields(spec.input_schema, spec.name):
            assert "woo-date-time" in formats_of(prop), where
            checked += 1
    assert checked >= 20  # 4 per dated list tool, 4 per product write, 4 per variation


@pytest.mark.parametrize("bad", [
    "2026-02-31T10:00:00",     # no 31 February
    "0702-01-01T10:00:00",     # year 0702
    "٢٠٢٦-١١-٢٦T10:00:00",     # Arabic-Indic digits
    "２０２６-11-26T10:00:00",  # full-width digits
    "2026-11-26T25:00:00",
])
def test_every_date_field_refuses_dates_that_do_not_exist_or_are_not_ascii(connector: Registry, bad: str) -> None:
    for spec in connector.tools():
        for where, _prop in date_fields({"properties": spec.input_schema.get("properties", {})}):
            name = where.rsplit("/", 1)[1]
            payload = {name: bad}
            if "id" in spec.input_schema.get("required", []):
                payload["id"] = 7
            problems = refusal(connector, spec.name, payload)
            assert any(p["pointer"] == f"/{name}" for p in problems), (spec.name, name, problems)


def test_no_input_pattern_uses_unicode_classes(connector: Registry) -> None:
    r"""``\d`` and ``\w`` match any script's digits and letters in Python's re."""
    for spec in connector.tools():
        stack: list[Any] = [spec.input_schema]
        while stack:
            node = stack.pop()
            if isinstance(node, dict):
                pattern = node.get("pattern")
                assert not (isinstance(pattern, str) and any(c in pattern for c in ("\\d", "\\w", "\\s"))), (spec.name, pattern)
                stack.extend(node.values())
            elif isinstance(node, list):
                stack.extend(node)


# -- the CLI ------------------------------------------------------------------------------------


@pytest.mark.usefixtures("cli_loads_the_session_connector")  # tests/core/conftest.py
@pytest.mark.parametrize("tool, text, where, what", [
    ("get-order", '{"id": NaN}', "/id", "NaN"),
    ("update-product", '{"id": 7, "regular_price": -Infinity}', "/regular_price", "Infinity"),
    ("list-orders", '{"search": "\\ud800"}', "/search", "lone surrogate"),
    ("update-order", '{"id": 7, "meta_data": [{"key": "k", "value": ' + "[" * 200 + "]" * 200 + "}]}", "/", "nested more than"),
])
def test_the_cli_prints_the_json_error_for_values_json_text_can_smuggle(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tool: str, text: str, where: str, what: str
) -> None:
    import json

    from woo_connector import cli

    for var in cli.ENV_FIELDS:
        monkeypatch.delenv(var, raising=False)
    code = cli.main(["invoke", tool, "--input", text])
    out, err = capsys.readouterr()
    error = json.loads(out)["error"]
    assert code == 2 and error["code"] == "invalid_input" and what in error["message"]
    assert any(p["pointer"].startswith(where) for p in error["details"]["problems"])
    assert "Traceback" not in err
