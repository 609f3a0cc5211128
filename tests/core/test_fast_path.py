"""What the per-call fast path (issue 8) must keep: jsonschema's verdicts from the compiled
validator, the rule that output validation never turns a write the store has done into an error
(issue 7: the host would retry it and write twice), remembered connections that are still checked
when they change, and URLs without credentials."""

from __future__ import annotations

import copy
import dataclasses
import functools
import json
import logging
from typing import Any

import pytest
import responses
from captures import all_captures, capture  # tests/ is on pythonpath (pyproject)
from jsonschema import Draft202012Validator

import woo_connector
from woo_connector.registry import Registry
from woo_connector.validation import Checker, fast_validator

CONN = {"site_url": "https://shop.example", "consumer_key": "ck_x", "consumer_secret": "cs_secretvalue"}
ORDER_URL = "https://shop.example/wp-json/wc/v3/orders/727"


def _order(**changes: Any) -> dict[str, Any]:
    """A real store's order (capture 19) as order 727, with ``changes`` applied."""
    return {**capture(19)["response"]["body"], "id": 727, **changes}


def test_a_write_whose_answer_mismatches_returns_its_result_and_reports_it(
    connector: Registry, caplog: pytest.LogCaptureFixture
) -> None:
    answer = _order(status=3)  # the schema says a string
    with responses.RequestsMock() as rsps, caplog.at_level(logging.WARNING, "woo_connector.output"):
        rsps.add("PUT", ORDER_URL, json=answer)
        result = connector.invoke("update-order", {"id": 727, "customer_note": "x"}, CONN)
    assert result["id"] == 727 and result["status"] == 3
    problems = connector.last_output_problems
    assert [p["pointer"] for p in problems] == ["/status"]
    logged = [r.getMessage() for r in caplog.records if r.name == "woo_connector.output"]
    assert len(logged) == 1 and "update-order" in logged[0] and "/status" in logged[0]
    assert "cs_secretvalue" not in logged[0]


def test_the_next_call_starts_with_no_reported_problems(connector: Registry) -> None:
    answer = _order(status=3)
    with responses.RequestsMock() as rsps:
        rsps.add("PUT", ORDER_URL, json=answer)
        connector.invoke("update-order", {"id": 727, "customer_note": "x"}, CONN)
        assert connector.last_output_problems
        answer["status"] = "completed"
        rsps.add("PUT", ORDER_URL, json=answer)
        connector.invoke("update-order", {"id": 727, "customer_note": "y"}, CONN)
    assert connector.last_output_problems == []


def test_a_read_whose_answer_mismatches_is_refused(connector: Registry) -> None:
    answer = _order(status=3)
    with responses.RequestsMock() as rsps:
        rsps.add("GET", ORDER_URL, json=answer)
        with pytest.raises(woo_connector.BadResponseError) as info:
            connector.invoke("get-order", {"id": 727}, CONN)
    assert [p["pointer"] for p in info.value.details["problems"]] == ["/status"]
    assert connector.last_output_problems == []


# -- the compiled validator agrees with jsonschema ---------------------------------------------

MUTATIONS = [
    lambda o: o.__setitem__("id", "377"),
    lambda o: o["line_items"][0].pop("product_id"),
    lambda o: o["billing"].__setitem__("email", "not-an-email"),
    lambda o: o.__setitem__("status", 3),
    lambda o: o["meta_data"].append({"id": 1, "value": "x"}),
    lambda o: o.__setitem__("date_created", "2026-02-31T10:00:00"),
    lambda o: o.__setitem__("date_created", "2024-02-29T10:00:00"),
    lambda o: o.__setitem__("date_created", "2023-02-29T10:00:00"),
    lambda o: o.__setitem__("date_created", "２０26-11-26T18:00:00"),
    lambda o: o.__setitem__("date_modified", None),
    lambda o: o.__setitem__("total", 12.5),
    lambda o: o.__setitem__("stauts", "completed"),
    lambda o: o["billing"].__setitem__("cpf", "123"),
    lambda o: o.__setitem__("line_items", {}),
]


@functools.cache
def _instances() -> tuple[Any, ...]:
    """Every object the real store sent, each order also broken in the ways above; built once per
    run and shared read-only by the tools' cases. An object the store sent twice (the same order
    in a list and a single read) is one document here: a verdict depends on the document alone."""
    found: list[Any] = []
    for _name, exchange in all_captures():
        body = exchange["response"].get("body")
        for item in body if isinstance(body, list) else [body]:
            if isinstance(item, dict):
                found.append(item)
    orders = [item for item in found if "line_items" in item and item.get("line_items")][:6]
    for order in orders:
        for mutate in MUTATIONS:
            broken = copy.deepcopy(order)
            mutate(broken)
            found.append(broken)
    distinct = {json.dumps(item, sort_keys=True): item for item in found}
    return tuple(distinct.values())


# A def's first error on a document, by the def's text (with every def it reaches) and the
# document's identity: the documents are _instances(), built once and never changed.
_DEF_VERDICTS: dict[tuple[str, int], tuple[Any, Any]] = {}


def _closures(defs: dict[str, Any]) -> dict[str, str]:
    """Each def as the canonical JSON of itself and every def it reaches through ``$ref``."""
    def reached(name: str) -> dict[str, Any]:
        out: dict[str, Any] = {}
        todo = [name]
        while todo:
            current = todo.pop()
            if current in out or current not in defs:
                continue
            out[current] = defs[current]
            nodes = [defs[current]]
            while nodes:
                node = nodes.pop()
                if isinstance(node, dict):
                    ref = node.get("$ref")
                    if isinstance(ref, str) and ref.startswith("#/$defs/"):
                        todo.append(ref.removeprefix("#/$defs/"))
                    nodes.extend(node.values())
                elif isinstance(node, list):
                    nodes.extend(node)
        return out

    return {name: json.dumps(reached(name), sort_keys=True) for name in defs}


def _share_def_verdicts(monkeypatch: pytest.MonkeyPatch, schema: dict[str, Any]) -> None:
    """For this test, jsonschema's ``$ref`` takes a def's verdict on a document from an earlier
    tool's test when that tool's def reads the same (its own text and every def it reaches).
    The tools share their defs (update-order's order is get-order's, create-product's product
    is get-product's, every address and meta value is one def), so each order was checked
    against the order def twice and each product against the product def twice: half of this
    module's time. Every verdict is still jsonschema's, worked out by the connector's own
    validator once per def and document; ``schema`` is the bundle whose validator runs here."""
    closures = _closures(schema.get("$defs", {}))
    plain = Draft202012Validator.VALIDATORS["$ref"]

    def ref(validator: Any, ref: Any, instance: Any, node: Any) -> Any:
        name = ref.removeprefix("#/$defs/") if isinstance(ref, str) and ref.startswith("#/$defs/") else None
        if name not in closures:
            yield from plain(validator, ref, instance, node)
            return
        key = (closures[name], id(instance))
        if key not in _DEF_VERDICTS:  # the entry keeps the document alive: its id stays its own
            _DEF_VERDICTS[key] = (next(iter(plain(validator, ref, instance, node)), None), instance)
        error = _DEF_VERDICTS[key][0]
        if error is not None:
            yield error

    monkeypatch.setitem(Draft202012Validator.VALIDATORS, "$ref", ref)


@pytest.mark.parametrize("tool", ["get-order", "get-product", "get-customer", "update-order", "create-product"])
def test_the_compiled_validator_gives_jsonschemas_verdict(
    connector: Registry, tool: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    checker = connector._checker(tool, "output")
    assert checker.fast is not None
    _share_def_verdicts(monkeypatch, checker.validator.schema)
    verdicts = {True: 0, False: 0}
    for instance in _instances():
        expected = checker.validator.is_valid(instance)
        assert checker.fast.is_valid(instance) is expected, instance.get("id")
        verdicts[expected] += 1
    assert verdicts[True] >= 3 and verdicts[False] >= 20  # both answers were put to the test


def test_input_checks_agree_and_still_name_every_field(connector: Registry) -> None:
    checker = connector._checker("list-orders", "input")
    slow = dataclasses.replace(checker, fast=None)
    payloads = [{"per_page": 100, "modified_after": "2026-11-26T07:09:35Z"},
                {"per_page": 0, "modified_after": "2026-02-30T00:00:00", "stauts": "x"},
                {"status": ["processing", 5], "_fields": "id"}, {1: 2}, []]
    for payload in payloads:
        assert checker.problems(payload) == slow.problems(payload)
    assert {p.pointer for p in checker.problems(payloads[1])} == {"/per_page", "/modified_after", "/stauts"}


def test_a_recursive_schema_is_left_to_jsonschema() -> None:
    """jsonschema-rs recurses on the native stack: a deep payload would crash, not raise."""
    schema = {"$defs": {"n": {"type": "array", "items": {"$ref": "#/$defs/n"}}}, "$ref": "#/$defs/n"}
    assert fast_validator(schema) is None
    assert fast_validator({"$defs": {"n": {"type": "array"}}, "items": {"$ref": "#/$defs/n"}}) is not None
    deep: list[Any] = []
    node = deep
    for _ in range(3000):
        node.append([])
        node = node[0]
    with pytest.raises(RecursionError):
        Checker.of(schema).problems(deep)


# -- the validated connection is remembered ----------------------------------------------------


def test_a_connection_dict_is_checked_once_and_a_changed_one_again(connector: Registry) -> None:
    first = connector.connection(dict(CONN))
    assert connector.connection(dict(CONN)) is first
    assert connector.connection({**CONN, "timeout": 5}).timeout == 5
    with pytest.raises(woo_connector.ConfigError):
        connector.connection({**CONN, "verify_ssl": 1})  # equal to True in Python, not to the schema
    connector.connection({**CONN, "verify_ssl": True})
    with pytest.raises(woo_connector.ConfigError):
        connector.connection({**CONN, "verify_ssl": 1})
    assert "cs_secretvalue" not in repr(connector)


def test_where_the_compiled_validator_is_stricter_jsonschema_decides(connector: Registry) -> None:
    """Python's ``$`` also matches before a final newline, Rust's does not: jsonschema-rs says no,
    jsonschema yes. The fast "no" only sends the payload to jsonschema, whose verdict stands."""
    checker = connector._checker("get-order", "output")
    order = _order()
    order["date_created"] = "2026-11-26T18:00:00\n"
    assert checker.fast.is_valid(order) is False and checker.validator.is_valid(order) is True
    assert checker.problems(order) == []


def test_a_format_the_compiled_validator_checks_by_pattern_alone_is_still_judged_by_jsonschema() -> None:
    """The compiled validator gets the sure-pass pattern instead of a format callback (any
    callback makes it about 30% slower); a string the pattern refuses goes to jsonschema, which
    checks the format itself: a real date before the year 1000 passes, 30 February does not."""
    checker = Checker.of({"type": "object", "properties": {
        "when": {"type": "string", "format": "woo-date-time"}, "who": {"type": "string", "format": "email"}}})
    early = {"when": "0999-12-31T10:00:00", "who": "a@b"}
    assert checker.fast.is_valid(early) is False and checker.problems(early) == []
    assert checker.fast.is_valid({"when": "2026-02-28T10:00:00", "who": "a@b"}) is True
    assert [p.pointer for p in checker.problems({"when": "2026-02-30T10:00:00", "who": "a@b"})] == ["/when"]
    assert [p.pointer for p in checker.problems({"when": "2026-02-28T10:00:00", "who": "ab"})] == ["/who"]


def test_a_property_named_like_a_data_keyword_is_still_a_schema_to_the_compiled_validator() -> None:
    """``default``, ``enum`` and the like are data as keywords but schemas as property names: a
    format inside such a property is still checked (called back, or by its sure-pass pattern)."""
    checker = Checker.of({"type": "object", "properties": {
        "default": {"type": "string", "format": "ipv4"}, "enum": {"type": "string", "format": "woo-date-time"}}})
    bad = {"default": "not-an-ip", "enum": "2026-02-28T10:00:00"}
    assert checker.fast.is_valid(bad) is False
    assert [p.pointer for p in checker.problems(bad)] == ["/default"]
    assert checker.fast.is_valid({"default": "10.0.0.1", "enum": "2026-02-28T10:00:00"}) is True


def test_the_date_pattern_tried_first_matches_only_dates_that_exist() -> None:
    """The compiled validator checks this pattern instead of the woo-date-time format, so a
    match must mean date.fromisoformat accepts the date (and every real date should match)."""
    import re
    from datetime import date

    from woo_connector.validation import SURE_PASS

    pattern = re.compile(SURE_PASS["woo-date-time"])
    matched = 0
    for year in (1000, 1200, 1600, 1700, 1900, 1996, 2000, 2023, 2024, 2100, 2400, 2999):
        for month in range(0, 14):
            for day in range(0, 33):
                text = f"{year:04d}-{month:02d}-{day:02d}T10:00:00"
                try:
                    date.fromisoformat(text[:10])
                    real = True
                except ValueError:
                    real = False
                assert bool(pattern.match(text)) == real, text
                matched += real
    assert matched == sum(366 if y % 4 == 0 and (y % 100 or y % 400 == 0) else 365
                          for y in (1000, 1200, 1600, 1700, 1900, 1996, 2000, 2023, 2024, 2100, 2400, 2999))


def test_a_successful_answer_carries_the_url_asked_for_without_credentials(connector: Registry) -> None:
    conn = {**CONN, "auth": "query"}
    with responses.RequestsMock() as rsps:
        rsps.add("GET", ORDER_URL, json=_order())
        connector.invoke("get-order", {"id": 727}, conn)
        sent = rsps.calls[0].request.url
    assert "cs_secretvalue" in sent  # auth: query puts the secret in the URL that goes out...
    shown = connector.client(conn).last_response.url
    assert shown == ORDER_URL  # ...the answer names the URL before auth: nothing to mask
