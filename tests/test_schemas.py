"""Contract tests for schemas/: valid Draft 2020-12, resolvable refs, valid examples, and the
real store's bodies from the captures validating against the defs.

The captures are the ground truth for output shapes, so every order, product, variation,
customer, coupon and order note the real WooCommerce 10 store sent must validate; a body with
one field of the wrong type must not.
"""

from __future__ import annotations

import copy
import functools
import json
import re
from typing import Any, Iterator

import pytest
from captures import all_captures, capture  # tests/ is on pythonpath (pyproject)
from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError
from metaschema import check_schema, passes
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from woo_connector import errors as error_tree
from woo_connector.bundle import bundle
from woo_connector.registry import load_manifest
from woo_connector.resources import schemas_dir
from woo_connector.validation import FORMAT_CHECKER, SchemaSet, fast_validator

SCHEMAS = schemas_dir()
ID_BASE = "https://woo-connector.dev/schemas/"
META_SCHEMA = "https://json-schema.org/draft/2020-12/schema"

TOOLS = [tool["name"] for tool in load_manifest()["tools"]]  # connector.yaml is the only list
LIST_TOOLS = [tool for tool in TOOLS if tool.startswith("list-")]
# The connector's own shapes, complete and closed; every other def is a store object.
CONNECTOR_DEFS = {"defs/error.json", "defs/list_envelope.json", "defs/list_query.json", "defs/sync_query.json",
                  "defs/sync_result.json", "defs/amounts.json", "defs/order_amounts.json", "defs/product_amounts.json"}
TOOL_FILE = re.compile(r"^[a-z]+(-[a-z]+)*\.(input|output)\.json$")
SCHEMA_FILES = sorted(p.relative_to(SCHEMAS).as_posix() for p in SCHEMAS.rglob("*.json"))


def _load(rel: str) -> dict[str, Any]:
    return json.loads((SCHEMAS / rel).read_text(encoding="utf-8"))


REGISTRY: Registry = Registry().with_resources(
    (ID_BASE + rel, Resource.from_contents(_load(rel), default_specification=DRAFT202012))
    for rel in SCHEMA_FILES
)


def validator(rel: str) -> Draft202012Validator:
    """A validator for one file that resolves refs through the registry and checks formats."""
    return Draft202012Validator(
        _load(rel), registry=REGISTRY, format_checker=FORMAT_CHECKER
    )


@functools.cache
def compiled(rel: str) -> Any:
    """The file bundled and compiled with jsonschema-rs, as the connector checks with it.

    Its "valid" is the verdict (tests/core/test_fast_path.py proves it gives jsonschema's); only
    a document it refuses goes through jsonschema, which names the problems or, where the compiled
    one is stricter (Python's ``$`` before a final newline), finds none: its verdict stands. A
    100-order page costs milliseconds instead of seconds this way.
    """
    return fast_validator(bundle(_schema_set(), rel))


@functools.cache
def _schema_set() -> SchemaSet:
    return SchemaSet(SCHEMAS)


def errors_of(rel: str, instance: Any) -> list[str]:
    fast = compiled(rel)
    if fast is not None and fast.is_valid(instance):
        return []
    return [e.message for e in validator(rel).iter_errors(instance)]


def walk(node: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """Every sub-schema-ish dict with its JSON pointer, so checks can name the culprit."""
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            if key in ("examples", "default", "const", "enum"):
                continue
            yield from walk(value, f"{path}/{key}")
    elif isinstance(node, list):
        for n, value in enumerate(node):
            yield from walk(value, f"{path}/{n}")


# --------------------------------------------------------------------------- files and layout


@pytest.mark.parametrize("rel", SCHEMA_FILES)
def test_file_is_valid_draft_2020_12_with_id_title_description(rel: str) -> None:
    schema = _load(rel)
    check_schema(schema)  # jsonschema's check_schema, answered at compiled speed (tests/metaschema.py)
    assert schema["$schema"] == META_SCHEMA
    assert schema["$id"] == ID_BASE + rel
    assert schema["title"].strip()
    assert schema["description"].strip()


def test_the_meta_schema_check_refuses_what_jsonschema_refuses() -> None:
    """check_schema (tests/metaschema.py) is jsonschema's, answered by jsonschema-rs when it can."""
    for bad in ({"type": "objx"}, {"pattern": "("}, {"patternProperties": {"(": {}}}, {"minItems": -1},
                {"properties": {"a": {"required": "a"}}}):
        with pytest.raises(SchemaError):
            check_schema(bad)
    lenient = {"$id": "not a uri", "type": "object"}  # jsonschema-rs checks uri-reference, jsonschema not
    assert not passes(lenient)
    check_schema(lenient)  # jsonschema's yes stands


@pytest.mark.parametrize("rel", SCHEMA_FILES)
def test_every_ref_is_relative_and_resolves(rel: str) -> None:
    schema = _load(rel)
    resolver = REGISTRY.resolver(base_uri=schema["$id"])
    refs = [(p, n["$ref"]) for p, n in walk(schema) if isinstance(n.get("$ref"), str)]
    for pointer, ref in refs:
        assert not ref.startswith(("http:", "https:", "/")), f"{rel}{pointer}: absolute $ref {ref}"
        resolved = resolver.lookup(ref).contents
        assert isinstance(resolved, dict) and resolved, f"{rel}{pointer}: {ref} is empty"


def test_top_level_refs_go_through_defs_and_defs_refs_are_siblings() -> None:
    for rel in SCHEMA_FILES:
        for pointer, node in walk(_load(rel)):
            ref = node.get("$ref")
            if not isinstance(ref, str):
                continue
            if rel.startswith("defs/"):
                assert "/" not in ref.split("#")[0], f"{rel}{pointer}: {ref}"
            else:
                assert ref.startswith("defs/"), f"{rel}{pointer}: {ref}"


def test_every_tool_has_both_files_and_nothing_else_is_there() -> None:
    top = {p.name for p in SCHEMAS.glob("*.json")}
    expected = {f"{t}.{side}.json" for t in TOOLS for side in ("input", "output")}
    expected |= {"verify.output.json", "connection.json"}
    assert top == expected
    for name in top - {"connection.json"}:
        assert TOOL_FILE.match(name), name


@pytest.mark.parametrize("rel", SCHEMA_FILES)
def test_examples_validate_where_they_sit(rel: str) -> None:
    """Top-level examples and property-level examples alike: an agent copies both."""
    root = validator(rel)
    found = 0
    for pointer, node in walk(_load(rel)):
        for n, example in enumerate(node.get("examples", [])):
            found += 1
            problems = [e.message for e in root.evolve(schema=node).iter_errors(example)]
            assert not problems, f"{rel}{pointer}/examples/{n}: {problems}"
    if rel.endswith(".input.json") or rel == "connection.json":
        assert found, f"{rel} has no examples"


@pytest.mark.parametrize("tool", TOOLS)
def test_inputs_are_closed_objects_with_described_properties_and_examples(tool: str) -> None:
    schema = _load(f"{tool}.input.json")
    assert schema["type"] == "object"
    # closed on its own, or (extending a shared object) closed over what the $ref adds
    assert schema.get("additionalProperties") is False or schema.get("unevaluatedProperties") is False
    assert 1 <= len(schema["examples"]) <= 3
    for name, prop in schema["properties"].items():
        assert prop.get("description", "").strip(), f"{tool}.{name} has no description"


@pytest.mark.parametrize("rel", SCHEMA_FILES)
def test_every_property_anywhere_is_described(rel: str) -> None:
    """Agents read these descriptions; a bare property is a field they have to guess about."""
    for pointer, node in walk(_load(rel)):
        for name, prop in (node.get("properties") or {}).items():
            assert isinstance(prop, dict) and prop.get("description", "").strip(), f"{rel}{pointer}/{name}"


@pytest.mark.parametrize("rel", [r for r in SCHEMA_FILES if r.endswith(".output.json")])
def test_outputs_are_objects(rel: str) -> None:
    assert _load(rel)["type"] == "object"


@pytest.mark.parametrize(
    "rel", [r for r in SCHEMA_FILES if r.startswith("defs/") and not r.endswith("_input.json")]
)
def test_output_defs_require_nothing_and_stay_open(rel: str) -> None:
    """_fields can project any subset and plugins add fields, so a def must not insist."""
    if rel in CONNECTOR_DEFS:  # the connector's own objects, always complete
        return
    for pointer, node in walk(_load(rel)):
        assert "required" not in node, f"{rel}{pointer}"
        if node.get("type") == "object" and "properties" in node:
            assert node.get("additionalProperties") is True, f"{rel}{pointer}"


def _rules(prop: dict[str, Any]) -> dict[str, Any]:
    """A property without its wording, which names the resource."""
    return {k: v for k, v in prop.items() if k != "description"}


def test_list_tools_extend_the_shared_query_and_restate_none_of_it() -> None:
    """A list tool extends the shared query, or (a list the store does not page) takes none of it."""
    shared = set(_load("defs/list_query.json")["properties"])
    dated = set(_load("defs/list_query.json")["$defs"]["dated"]["properties"])
    assert LIST_TOOLS
    for tool in LIST_TOOLS:
        schema = _load(f"{tool}.input.json")
        refs = {schema.get("$ref")} | {part["$ref"] for part in schema.get("allOf", [])}
        if "defs/list_query.json" not in refs:  # a list the store does not page (order notes):
            assert not (shared | dated) & set(schema["properties"]), f"{tool} takes only part of the query"
            continue
        assert schema["unevaluatedProperties"] is False and "additionalProperties" not in schema, tool
        assert not (shared | dated) & set(schema["properties"]), f"{tool} restates a shared parameter"


@pytest.mark.parametrize("tool", [tool for tool in TOOLS if tool.startswith("update-")])
def test_update_inputs_carry_no_defaults(tool: str) -> None:
    """A host that fills defaults in must not turn {id, price} into {id, price, type: simple}."""
    for name, prop in _load(f"{tool}.input.json")["properties"].items():
        assert "default" not in prop, f"{tool}.{name}"


def test_list_outputs_extend_the_one_envelope() -> None:
    for tool in LIST_TOOLS:
        schema = _load(f"{tool}.output.json")
        assert schema["$ref"] == "defs/list_envelope.json", tool
        assert set(schema["properties"]) == {"items"} and schema["unevaluatedProperties"] is False, tool


def test_the_date_pattern_is_written_once_with_ascii_digits() -> None:
    month = "(0[1-9]|1[0-2])"  # every date pattern spells the month this way
    spelled = [rel for rel in SCHEMA_FILES if month in (SCHEMAS / rel).read_text(encoding="utf-8")]
    assert spelled == ["defs/date_time.json"]
    patterns = [n["pattern"] for _, n in walk(_load("defs/date_time.json")) if month in n.get("pattern", "")]
    assert len(patterns) == 1 and "\\d" not in patterns[0] and "[0-9]" in patterns[0]


@pytest.mark.parametrize(
    "value",
    ["2026-02-31T00:00:00", "2025-02-29T10:00:00", "0702-01-01T00:00:00", "2026-11-26", "٢٠٢٦-11-26T00:00:00",
     "2026-11-26T24:00:00", "2026-11-26T18:00:00+25:00"],
)
def test_date_time_refuses_dates_that_do_not_exist_or_are_not_ascii(value: str) -> None:
    assert errors_of("defs/date_time.json", value), value
    assert errors_of("list-orders.input.json", {"modified_before": value}), value


def test_store_dates_and_optional_times_share_the_pattern() -> None:
    order = {"date_created": "2026-11-25T17:53:38", "date_paid": None}
    assert not errors_of("defs/order.json", order)
    assert errors_of("defs/order.json", {"date_created": "2026-02-30T17:53:38"})
    assert errors_of("defs/order.json", {"date_created": "2026-11-25 17:53:38"})  # the store writes a T
    assert not errors_of("update-product.input.json", {"id": 1, "date_on_sale_from": "2026-12-01"})
    assert errors_of("update-product.input.json", {"id": 1, "date_on_sale_from": "2026-02-30"})


def test_secrets_are_marked_write_only() -> None:
    conn = _load("connection.json")
    secret = conn["properties"]["consumer_secret"]
    assert secret["writeOnly"] is True and secret["x-secret"] is True
    password = _load("create-customer.input.json")["properties"]["password"]
    assert password["writeOnly"] is True and password["x-secret"] is True


# --------------------------------------------------------------------------- real store bodies

_KIND_PATHS = {
    "order": re.compile(r"^/orders(/\d+)?$"),
    "order_note": re.compile(r"^/orders/\d+/notes(/\d+)?$"),
    "product": re.compile(r"^/products(/\d+)?$"),
    "variation": re.compile(r"^/products/\d+/variations(/\d+)?$"),
    "customer": re.compile(r"^/customers(/\d+)?$"),
    "coupon": re.compile(r"^/coupons(/\d+)?$"),
}


@functools.cache
def captured() -> dict[str, list[tuple[str, dict[str, Any]]]]:
    """Every resource object in a 2xx capture body, sorted by kind; read on first use (not while
    every xdist worker collects the suite) and shared read-only (``_first`` hands out copies)."""
    found: dict[str, list[tuple[str, dict[str, Any]]]] = {k: [] for k in _KIND_PATHS}
    for name, exchange in all_captures():
        if exchange["response"]["status"] not in (200, 201) or "_envelope" in exchange["request"]["query"]:
            continue  # an _envelope answer wraps the resource in {body, status, headers} (288, 289)
        route = exchange["request"]["path"].removeprefix("/wp-json/wc/v3")
        body = exchange["response"]["body"]
        for kind, pattern in _KIND_PATHS.items():
            if pattern.match(route):
                items = body if isinstance(body, list) else [body]
                found[kind].extend((name, item) for item in items if isinstance(item, dict))
    return found



@pytest.mark.parametrize(
    "kind,minimum",
    [("order", 800), ("product", 600), ("variation", 20), ("customer", 100), ("coupon", 10), ("order_note", 3)],
)
def test_every_captured_object_validates_against_its_def(kind: str, minimum: int) -> None:
    objects = captured()[kind]
    assert len(objects) >= minimum, f"only {len(objects)} {kind} objects found"
    check = validator(f"defs/{kind}.json")
    fast = compiled(f"defs/{kind}.json")
    assert fast is not None  # a check of 800 orders by jsonschema alone takes seconds
    # An object the store sent more than once (a list page and a single read) is checked once:
    # its errors depend on the object alone. A failure names every capture that carried it.
    distinct: dict[str, tuple[dict[str, Any], list[str]]] = {}
    for name, obj in objects:
        distinct.setdefault(json.dumps(obj, sort_keys=True), (obj, []))[1].append(name)
    failures = [
        f"{', '.join(names)} id={obj.get('id')}: {e.json_path}: {e.message}"
        for obj, names in distinct.values()
        if not fast.is_valid(obj)  # the verdict; jsonschema says what is wrong (see ``compiled``)
        for e in check.iter_errors(obj)
    ]
    assert not failures, "\n".join(failures[:20])


def test_order_captures_cover_lists_reads_and_writes() -> None:
    files = {int(name[:3]) for name, _ in captured()["order"]}
    # 009/010 are pages past the end, 030 the empty trash, 042 a never-ordered product, 043 no drafts yet
    empty = {9, 10, 30, 42, 43}
    assert set(range(5, 56)) - empty <= files


def _first(kind: str, predicate=lambda o: True) -> dict[str, Any]:
    return copy.deepcopy(next(o for _, o in captured()[kind] if predicate(o)))


def test_a_deliberately_broken_order_fails() -> None:
    order = _first("order", lambda o: o.get("line_items") and "total" in o)
    assert not errors_of("defs/order.json", order)
    order["total"] = float(order["total"])
    assert errors_of("defs/order.json", order)


@pytest.mark.parametrize(
    "kind,path,bad",
    [
        ("order", ("line_items", 0, "price"), "24.50"),  # price is the one numeric money field
        ("order", ("date_created",), "2026-11-25T17:53:38+11:00"),  # WooCommerce sends no offset
        ("order", ("billing",), "Olivia Kelly"),
        ("product", ("stock_quantity",), "lots"),
        ("product", ("regular_price",), 19.95),
        ("variation", ("attributes",), {"id": 1}),
        ("customer", ("email",), None),
        ("coupon", ("usage_limit",), "10"),
        ("order_note", ("customer_note",), "yes"),
    ],
)
def test_wrongly_typed_fields_fail(kind: str, path: tuple, bad: Any) -> None:
    obj = _first(kind, lambda o: bool(o.get(path[0])) or path[0] in o)
    target = obj
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = bad
    assert errors_of(f"defs/{kind}.json", obj)


# --------------------------------------------------------------------------- input payloads


def test_list_orders_refuses_a_date_without_time_like_the_store() -> None:
    assert errors_of("list-orders.input.json", {"modified_after": "2026-11-26"})  # capture 245
    assert errors_of("list-orders.input.json", {"after": "yesterday"})  # capture 243
    assert errors_of("list-orders.input.json", {"modified_after": "2024-13-45T00:00:00"})  # 244


@pytest.mark.parametrize(
    "value",
    ["2026-11-26T18:09:35", "2026-11-26T07:09:35Z", "2026-11-26T07:09:35.250+11:00", "2026-07-31T00:00:00"],
)
def test_list_orders_accepts_date_times_the_store_accepts(value: str) -> None:
    assert not errors_of("list-orders.input.json", {"modified_after": value, "dates_are_gmt": True})


@pytest.mark.parametrize("per_page", [0, 101, 500, "abc"])
def test_per_page_outside_1_to_100_fails(per_page: Any) -> None:
    for tool in LIST_TOOLS:
        assert errors_of(f"{tool}.input.json", {"per_page": per_page}), tool


def test_page_zero_and_unknown_fields_fail() -> None:
    assert errors_of("list-orders.input.json", {"page": 0})
    assert errors_of("list-orders.input.json", {"frobnicate": "yes"})
    assert errors_of("get-order.input.json", {"id": 1, "context": "edit", "foo": 1})
    assert errors_of("create-product.input.json", {"name": "X", "totally_unknown_field": 123})


def test_status_takes_custom_slugs_alone_or_in_arrays() -> None:
    for status in ["awaiting-shipment", ["awaiting-shipment", "on-hold"], "any", "trash", ["checkout-draft"]]:
        assert not errors_of("list-orders.input.json", {"status": status}), status
    for status in ["Not A Slug", [], ["ok", "bad slug"], "on-hold,pending"]:
        assert errors_of("list-orders.input.json", {"status": status}), status


def test_customer_zero_lists_guests_and_id_lists_hold_positive_ints() -> None:
    assert not errors_of("list-orders.input.json", {"customer": 0, "include": [355, 356]})
    assert errors_of("list-orders.input.json", {"customer": -1})
    assert errors_of("list-orders.input.json", {"include": [0]})
    assert errors_of("list-orders.input.json", {"include": "355,356"})


def test_fields_accepts_a_list_or_a_comma_string() -> None:
    assert not errors_of("list-orders.input.json", {"_fields": ["id", "billing.email"]})
    assert not errors_of("list-orders.input.json", {"_fields": "id,status,date_modified_gmt,total"})
    assert errors_of("list-orders.input.json", {"_fields": "id, status"})
    assert errors_of("list-orders.input.json", {"_fields": []})


@pytest.mark.parametrize("price", ["19.95", 19.95, 20, "", "0"])
def test_create_product_takes_prices_as_numbers_or_decimal_strings(price: Any) -> None:
    assert not errors_of("create-product.input.json", {"name": "Numeric Price", "regular_price": price})


@pytest.mark.parametrize("price", ["19,95", "$19.95", -1, "abc", True])
def test_create_product_refuses_prices_that_are_not_decimals(price: Any) -> None:
    assert errors_of("create-product.input.json", {"name": "Bad Price", "regular_price": price})


def test_variations_only_with_type_variable() -> None:
    variation = {"regular_price": "29.95", "attributes": [{"id": 2, "option": "Black"}]}
    assert not errors_of(
        "create-product.input.json", {"name": "Cap", "type": "variable", "variations": [variation]}
    )
    assert errors_of("create-product.input.json", {"name": "Cap", "type": "simple", "variations": [variation]})
    assert errors_of("create-product.input.json", {"name": "Cap", "variations": [variation]})
    assert "variations" not in _load("update-product.input.json")["properties"]


def test_variation_attributes_need_an_option_and_id_or_name() -> None:
    base = {"name": "Cap", "type": "variable"}
    assert errors_of("create-product.input.json", {**base, "variations": [{"attributes": [{"option": "Black"}]}]})
    assert errors_of("create-product.input.json", {**base, "variations": [{"attributes": [{"id": 2}]}]})


def test_store_refusals_from_the_captures_are_refused_here_too() -> None:
    assert errors_of("create-product.input.json", {"name": "Bad Type", "type": "bundle"})  # 121
    assert errors_of(
        "create-product.input.json", {"name": "Bad Stock", "manage_stock": True, "stock_quantity": "lots"}
    )  # 122
    assert errors_of("create-customer.input.json", {"first_name": "No Email"})  # 146
    assert errors_of("create-customer.input.json", {"email": "not-an-email"})  # 145
    assert errors_of("update-order.input.json", {"id": 752, "billing": {"email": "not-an-email"}})  # 057


def _request_body(number: int) -> dict[str, Any]:
    return capture(number)["request"]["body"]


@pytest.mark.parametrize("number", [48, 49, 50, 51, 52, 53, 54, 55, 233, 259])
def test_captured_order_updates_are_valid_update_order_payloads(number: int) -> None:
    assert not errors_of("update-order.input.json", {"id": 752, **_request_body(number)})


@pytest.mark.parametrize("number", [107, 108, 120])
def test_captured_product_creates_are_valid_create_product_payloads(number: int) -> None:
    assert not errors_of("create-product.input.json", _request_body(number))


@pytest.mark.parametrize("number", [112, 113, 114, 115])
def test_captured_product_updates_are_valid_update_product_payloads(number: int) -> None:
    assert not errors_of("update-product.input.json", {"id": 756, **_request_body(number)})


def test_captured_variation_creates_are_valid_variation_inputs() -> None:
    batch = _request_body(109)["create"] + [_request_body(110)]
    payload = {"name": "Cap", "type": "variable", "variations": batch}
    assert not errors_of("create-product.input.json", payload)


def test_captured_customer_create_is_a_valid_payload() -> None:
    assert not errors_of("create-customer.input.json", _request_body(142))


def test_update_order_needs_a_change_and_a_well_formed_note() -> None:
    assert errors_of("update-order.input.json", {"id": 752})
    assert not errors_of("update-order.input.json", {"id": 752, "note": {"note": "Shipped."}})
    assert errors_of("update-order.input.json", {"id": 752, "note": {"note": ""}})
    assert errors_of("update-order.input.json", {"id": 752, "note": {"customer_note": True}})
    assert errors_of("update-order.input.json", {"status": "completed"})


def test_meta_data_writes_need_id_or_key_and_take_any_value() -> None:
    for value in [None, "x", 3, {"carrier": "AusPost", "parcels": [1, 2]}, [1], True]:
        assert not errors_of("update-order.input.json", {"id": 1, "meta_data": [{"key": "k", "value": value}]})
    assert errors_of("update-order.input.json", {"id": 1, "meta_data": [{"value": "orphan"}]})
    assert errors_of("update-order.input.json", {"id": 1, "meta_data": [{"key": "k"}]})


def test_raw_request_paths_stay_on_the_store() -> None:
    good = ["/orders/377/refunds", "/wp-json/wc/v2/orders", "/"]
    for path in good:
        assert not errors_of("raw-api-request.input.json", {"path": path}), path
    for path in ["orders", "//evil.example/steal", "https://evil.example/x", "/orders 1"]:
        assert errors_of("raw-api-request.input.json", {"path": path}), path
    assert errors_of("raw-api-request.input.json", {"path": "/orders", "method": "TRACE"})
    assert errors_of("raw-api-request.input.json", {"path": "/orders", "query": {"consumer_secret": "x"}})
    assert not errors_of(
        "raw-api-request.input.json",
        {"path": "/orders", "query": {"status": ["a", "b"], "per_page": 5, "x": True}, "body": [1, {"a": None}]},
    )


@pytest.mark.parametrize(
    "change,ok",
    [
        ({}, True),
        ({"auth": "oauth1", "site_url": "http://127.0.0.1:8080"}, True),
        ({"timeout": 300, "verify_ssl": False, "ca_bundle": "/etc/ssl/ca.pem"}, True),
        ({"timeout": 0}, False),
        ({"timeout": 301}, False),
        ({"auth": "bearer"}, False),
        ({"site_url": "ftp://shop.example.com"}, False),
        ({"consumer_key": ""}, False),
        ({"password": "x"}, False),
    ],
)
def test_connection_schema(change: dict[str, Any], ok: bool) -> None:
    conn = {"site_url": "https://shop.example.com", "consumer_key": "ck_x", "consumer_secret": "cs_x", **change}
    assert (not errors_of("connection.json", conn)) is ok


def test_connection_needs_key_and_secret() -> None:
    assert errors_of("connection.json", {"site_url": "https://shop.example.com", "consumer_key": "ck_x"})


# --------------------------------------------------------------------------- output shapes


def _list_page(items: list[dict[str, Any]]) -> dict[str, Any]:
    return {"items": items, "page": 1, "per_page": 100, "total": 312, "total_pages": 4, "has_more": True, "next_page": 2}


def test_list_output_wraps_captured_items_and_is_closed() -> None:
    orders = [o for n, o in captured()["order"] if n.startswith("006_")]
    assert len(orders) == 100
    assert not errors_of("list-orders.output.json", _list_page(orders))
    projected = [o for n, o in captured()["order"] if n.startswith("014_")]
    assert not errors_of("list-orders.output.json", _list_page(projected))
    # closed and complete whatever the page holds: two orders, so jsonschema (asked to name the
    # problems once the compiled check says no) reads two orders instead of a hundred
    few = _list_page(orders[:2])
    assert not errors_of("list-orders.output.json", few)
    assert errors_of("list-orders.output.json", {**few, "extra": 1})
    assert errors_of("list-orders.output.json", {k: v for k, v in few.items() if k != "total"})
    end = {"items": [], "page": 4, "per_page": 100, "total": None, "total_pages": None, "has_more": False, "next_page": None}
    for tool in LIST_TOOLS:
        assert not errors_of(f"{tool}.output.json", end)


def test_every_connector_error_serialises_into_error_json() -> None:
    for name in error_tree.__all__:
        cls = getattr(error_tree, name)
        err = cls("Sorry, you cannot list resources.", http_status=401, woo_code="woocommerce_rest_cannot_view")
        assert not errors_of("defs/error.json", err.to_dict()), name
    assert errors_of("defs/error.json", {"code": "auth_failed", "message": "x"})


def test_create_product_output_reports_partial_variation_failure() -> None:
    product = _first("product", lambda o: o.get("type") == "variable")
    variations = [o for _, o in captured()["variation"]][:2]
    failure = error_tree.InvalidRequestError(
        "Invalid or duplicated SKU.", http_status=400, woo_code="product_invalid_sku"
    ).to_dict()
    out = {
        **product,
        "variation_details": variations,
        "variation_errors": [{"index": 2, "sku": "CAP-CAP-001-2", "error": failure}],
        "complete": False,
    }
    assert not errors_of("create-product.output.json", out)
    out["variation_errors"][0]["index"] = "2"
    assert errors_of("create-product.output.json", out)


def test_update_order_output_carries_the_added_note() -> None:
    order = _first("order")
    note = _first("order_note")
    assert not errors_of("update-order.output.json", {**order, "added_note": note})
    assert errors_of("update-order.output.json", {**order, "added_note": {"id": "540"}})


def test_verify_and_raw_outputs() -> None:
    ok = {
        "ok": True,
        "store_url": "https://127.0.0.1:8443",
        "api_url": "https://127.0.0.1:8443/wp-json/wc/v3",
        "wc_version": "10.0.2",
        "wp_version": "6.8.8",
        "auth_method": "basic",
        "message": "Connected.",
    }
    assert not errors_of("verify.output.json", ok)
    failed = {**ok, "ok": False, "wc_version": None, "error": error_tree.AuthFailedError("Consumer secret is invalid.").to_dict()}
    assert not errors_of("verify.output.json", failed)
    assert errors_of("verify.output.json", {**ok, "auth_method": "auto"})
    bad_url = {**failed, "auth_method": None}  # the connection failed before a method was chosen
    assert not errors_of("verify.output.json", bad_url)
    raw = {"status": 200, "headers": {"X-WP-Total": "312"}, "body": [{"id": 1}]}
    assert not errors_of("raw-api-request.output.json", raw)
    assert errors_of("raw-api-request.output.json", {**raw, "headers": {"X-WP-Total": 312}})
