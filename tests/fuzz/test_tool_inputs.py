"""Every tool's input schema, driven with valid and mutated payloads against a sandbox store.

The property (issue 7, "only two outcomes"): a call returns a result or raises a
WooConnectorError, never anything else; a result matches the tool's output schema; a refused
payload is invalid_input naming a field, and nothing of it reached the store. The tools come from
the manifest, so a new tool is fuzzed without touching this file.

Examples are bounded and derandomized (the same payloads on every run, no example database), so
CI stays deterministic; the store is a sandbox of this module's own, so the writes the examples
make (most write examples are dry runs) leave the session sandboxes as other tests expect them.
"""

from __future__ import annotations

import functools
import json
import math
from collections import Counter
from collections.abc import Iterator
from datetime import datetime
from types import CodeType
from typing import Any

import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st
from hypothesis.internal.reflection import function_digest
from hypothesis_jsonschema import _canonicalise, _from_schema, _resolve, from_schema
from hypothesis_jsonschema._encode import encode_canonical_json
from jsonschema import Draft202012Validator, validators
from metaschema import passes as passes_the_meta_schema  # tests/ is on pythonpath (pyproject)

from woo_connector.errors import InvalidInputError, WooConnectorError
from woo_connector.registry import Registry, load, load_manifest
from woo_connector.sandbox import Sandbox
from woo_connector.validation import FORMAT_CHECKER, Checker

TOOLS = [entry["name"] for entry in load_manifest()["tools"]]
WRITES = ("POST", "PUT", "PATCH", "DELETE")
PAGE = 20  # a list example reads pages of at most 20 items, and at most two of them
# plan-partitions counts with one request per partition (up to 256 drawn, 230 requests for one
# plan): a few partitions already cut the sandbox's records into windows, and 12 is more than
# its coupons (10), so a plan with fewer windows than partitions asked is still drawn.
PARTITIONS = 12

# Valid payloads are drawn once per tool (GENERATE); each mutation property then draws FUZZ
# examples from them. Both derandomized: the same payloads on every run.
GENERATE = settings(
    max_examples=5,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
FUZZ = settings(
    max_examples=5,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
)
POISONED = settings(FUZZ, max_examples=2)  # per tool and class of poison; none reaches the store

# A validator for which 7.0 is not an integer (jsonschema's own says it is, as JSON does).
STRICT_INTEGERS = validators.extend(
    Draft202012Validator,
    type_checker=Draft202012Validator.TYPE_CHECKER.redefine("integer", lambda _c, v: type(v) is int),
)

DATES = st.datetimes(min_value=datetime(1000, 1, 1), max_value=datetime(2999, 12, 31)).map(
    lambda d: d.replace(microsecond=0).isoformat()
)


_SEEDS: dict[CodeType, tuple[int, bytes]] = {}


def derandomized(test: Any) -> Any:
    """The @given ``test`` with the seed ``derandomize=True`` would give it, worked out once per
    function body. hypothesis derives that seed, and a database key, from a digest of the
    test's source, which it reads and tokenizes anew for each run: twice for each of the 217
    runs here, about a second. The nested properties have one source for every tool, so the
    digest is taken once and handed to hypothesis: the same seed, so the same payloads."""
    inner = test.hypothesis.inner_test
    if inner.__code__ not in _SEEDS:
        digest = function_digest(inner)
        _SEEDS[inner.__code__] = (int.from_bytes(digest, "big"), digest)
    number, digest = _SEEDS[inner.__code__]
    test._hypothesis_internal_database_key = digest  # as hypothesis's own find() sets it
    return seed(number)(test)


class Store:
    """The module's sandbox, the connector, valid payloads per tool, and a tally of outcomes."""

    def __init__(self, sandbox: Sandbox, registry: Registry) -> None:
        self.sandbox = sandbox
        self.registry = registry
        self.conn = sandbox.connection()
        self.known_ids = {
            resource: [item["id"] for item in registry.invoke(f"list-{resource}s", {"per_page": 20, "_fields": ["id"]},
                                                              self.conn)["items"]]
            for resource in ("order", "product", "customer")
        }
        self.tally: Counter[tuple[str, str]] = Counter()
        self.writes: Counter[str] = Counter()
        self._corpus: dict[str, list[dict[str, Any]]] = {}
        self._outputs: dict[str, Checker] = {}

    def output_checker(self, tool: str) -> Checker:
        """The tool's output schema compiled once (a validator per result cost seconds): the
        compiled validator gives the verdict, jsonschema names what is wrong (validation.Checker)."""
        if tool not in self._outputs:
            self._outputs[tool] = Checker.of(self.registry.tool(tool).output_schema)
        return self._outputs[tool]

    def corpus(self, tool: str) -> list[dict[str, Any]]:
        """Valid payloads of a tool, generated once from its schema and shared by every property."""
        if tool not in self._corpus:
            found: list[dict[str, Any]] = []

            spec = self.registry.tool(tool)
            real = Draft202012Validator(spec.input_schema, format_checker=FORMAT_CHECKER)

            @GENERATE
            @given(payload=payloads(self, tool))
            def collect(payload: dict[str, Any]) -> None:
                # what the generator cannot express (minProperties, if/then, unevaluatedProperties
                # over a $ref) makes some draws invalid: those are left out, not filtered for
                if real.is_valid(payload):
                    found.append(payload)

            derandomized(collect)()
            # the schema's own examples (valid: tests/test_schemas.py) always take part
            self._corpus[tool] = [dict(e) for e in spec.input_schema.get("examples", [])] + found
        return self._corpus[tool]

    def call(self, kind: str, tool: str, payload: Any) -> dict[str, Any] | WooConnectorError:
        """One invoke; anything but a result or a WooConnectorError fails the test right here."""
        self.sandbox.requests_log.clear()
        try:
            outcome: dict[str, Any] | WooConnectorError = self.registry.invoke(tool, payload, self.conn)
        except WooConnectorError as exc:
            outcome = exc
        sent = list(self.sandbox.requests_log)
        writes = sum(1 for method, _path, _names, status in sent if method in WRITES and status < 400)
        self.writes[kind] += writes
        self.tally[(kind, "result" if isinstance(outcome, dict) else outcome.code)] += 1
        if isinstance(outcome, InvalidInputError):
            assert names_a_field(outcome, payload), outcome.to_dict()
            assert not [m for m, _p, _n, _s in sent if m in WRITES], f"{tool}: refused as invalid_input after a write"
        return outcome


def names_a_field(error: InvalidInputError, payload: Any) -> bool:
    """The refusal says which field: JSON pointers in details.problems (the registry's shape),
    or a pointer or field list in details, or a field of the payload named in the message."""
    problems = error.details.get("problems") or []
    if problems:
        return all(isinstance(p.get("pointer"), str) and p.get("message") for p in problems)
    if error.details.get("pointer") or error.details.get("fields") or error.details.get("field"):
        return True
    return isinstance(payload, dict) and any(isinstance(k, str) and k in error.message for k in payload)


@pytest.fixture(scope="module", autouse=True)
def _cheaper_strategy_building() -> Iterator[None]:
    """Three costs of hypothesis-jsonschema, cut while this module runs (building strategies and
    drawing nested objects was over half of it):

    - it checks every schema it builds from or filters with against the meta-schema in pure
      Python (jsonschema's ``check_schema``, tens of milliseconds for a product input). The
      same Draft 2020-12 meta-schema check by jsonschema-rs (tests/metaschema.py) takes
      microseconds; a schema it refuses (or one naming another draft) still goes the
      library's own way.
    - it canonicalises the same sub-schemas over and over (a product's fields for each tool and
      again on every draw of a nested object). ``canonicalish`` is a pure function of the
      schema's canonical JSON, which it computes first anyway: each distinct one is worked out
      once, and every caller still gets a fresh copy to change.
    - a nested object's strategy builds the strategy of each field anew on every draw
      (``merged_as_strategies``). Built from the same schemas, alphabet and formats it is the
      same strategy (strategies are immutable and draw only from the choices they are given),
      so each is built once. The payloads drawn are byte-for-byte the ones drawn without this.
    """
    check = _canonicalise._get_validator_class
    canonicalish = _canonicalise.canonicalish
    merged_as_strategies = _from_schema.merged_as_strategies
    done: dict[str, str] = {}
    built: dict[tuple[str, int, int], tuple[Any, Any, st.SearchStrategy[Any]]] = {}

    def validator_class(schema: Any) -> Any:
        if isinstance(schema, dict) and "$schema" not in schema and passes_the_meta_schema(schema):
            return Draft202012Validator
        return check(schema)

    def canonical(schema: Any) -> Any:
        if not isinstance(schema, dict):
            return canonicalish(schema)
        key = encode_canonical_json(schema)
        if key not in done:
            done[key] = json.dumps(canonicalish(schema))
        return json.loads(done[key])

    def merged_strategy(schemas: list[Any], *, alphabet: Any, custom_formats: Any) -> st.SearchStrategy[Any]:
        key = (encode_canonical_json(schemas), id(alphabet), id(custom_formats))
        if key not in built:  # the entry keeps alphabet and formats alive: their ids stay theirs
            strategy = merged_as_strategies(schemas, alphabet=alphabet, custom_formats=custom_formats)
            built[key] = (alphabet, custom_formats, strategy)
        return built[key][2]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_canonicalise, "_get_validator_class", validator_class)
        for module in (_canonicalise, _from_schema, _resolve):
            patch.setattr(module, "canonicalish", canonical)
        patch.setattr(_from_schema, "merged_as_strategies", merged_strategy)
        yield


@pytest.fixture(scope="module")
def store() -> Iterator[Store]:
    registry = load(validate_output=False)  # output is checked here, against the schema, per call
    with Sandbox(seed=3, orders=40, https=True, log_size=10_000) as sandbox:
        shop = Store(sandbox, registry)
        yield shop
        print("\nfuzz tally (class, outcome): count")
        for (kind, outcome), count in sorted(shop.tally.items()):
            print(f"  {kind:<22} {outcome:<18} {count}")
        print("  writes the store accepted, by class:", dict(shop.writes))
    registry.close()


SCALARS = {"type": ["string", "integer", "boolean", "null"], "maxLength": 8}


def generation_view(node: Any, top: bool = True) -> Any:
    """The schema as hypothesis-jsonschema draws from it cheaply, still inside the real one:
    arrays of at most two items, short free text, free-form values (meta values, raw bodies,
    plugin fields) as scalars, and "one of these fields is required" as the first of them."""
    if isinstance(node, list):
        return [generation_view(n, False) for n in node]
    if not isinstance(node, dict):
        return node
    named = ("properties", "$defs", "patternProperties")
    out = {k: ({n: generation_view(s, False) for n, s in v.items()} if k in named else generation_view(v, False))
           for k, v in node.items() if k not in ("description", "examples", "title", "default")}
    keys = set(out)
    if not top and not keys:
        return dict(SCALARS)
    alternatives = out.get("anyOf")
    if isinstance(alternatives, list) and alternatives and all(set(a) == {"required"} for a in alternatives):
        out.pop("anyOf")
        out["required"] = sorted(set(out.get("required", [])) | set(alternatives[0]["required"]))
    choices = out.get("oneOf")
    if isinstance(choices, list) and choices and all(set(c) == {"required"} and len(c["required"]) == 1
                                                     for c in choices):
        # "exactly one of these fields": each branch names its field and rules the others out, so
        # every branch is drawn directly instead of drawing any and filtering for exactly one
        names = [c["required"][0] for c in choices]
        out.pop("oneOf")
        out["anyOf"] = [{"required": [n], "properties": {o: False for o in names if o != n}} for n in names]
    if "unevaluatedProperties" in out and "$ref" in out:
        out.pop("unevaluatedProperties")  # hypothesis-jsonschema cannot; invalid draws are left out
    if out.get("additionalProperties") is True:
        out["additionalProperties"] = {"type": "string", "maxLength": 8}
    if out.get("type") == "array" or "items" in out:
        out["maxItems"] = min(out.get("maxItems", 2), 2)
    types = out.get("type") if isinstance(out.get("type"), list) else [out.get("type")]
    if "string" in types and not {"pattern", "format", "enum", "const"} & keys:
        out["maxLength"] = min(out.get("maxLength", 12), 12)
    return out


def defs_used(node: Any, defs: dict[str, Any]) -> dict[str, Any]:
    """The $defs a field reaches through its refs (and theirs): hypothesis-jsonschema checks every
    def it is handed against the metaschema, for each field, though it only draws from these."""
    used: dict[str, Any] = {}
    todo = [node]
    while todo:
        item = todo.pop()
        if isinstance(item, dict):
            ref = item.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                name = ref.removeprefix("#/$defs/")
                if name not in used and name in defs:
                    used[name] = defs[name]
                    todo.append(defs[name])
            todo.extend(item.values())
        elif isinstance(item, list):
            todo.extend(item)
    return {name: defs[name] for name in defs if name in used}


@functools.cache
def field_strategy(schema: str) -> st.SearchStrategy[Any]:
    """One strategy per distinct field schema (given as its JSON), for every tool that has
    the field: tools share most fields (31 tools, 453 fields, 81 distinct), and building one
    (canonicalising, checking it against the metaschema) costs more than drawing from it."""
    return from_schema(json.loads(schema), custom_formats={"woo-date-time": DATES})


def payloads(store: Store, tool: str) -> st.SearchStrategy[dict[str, Any]]:
    """Valid payloads of a tool: its schema's, with ids the store has half the time, lists
    bounded to a few pages, plans of at most PARTITIONS partitions (still more than the
    sandbox's smallest table has records), and writes mostly as dry runs."""
    spec = store.registry.tool(tool)
    view = generation_view(spec.input_schema)
    defs = view.get("$defs", {})
    fields = {name: field_strategy(json.dumps({**prop, "$defs": defs_used(prop, defs)}))
              for name, prop in view["properties"].items()}
    required = set(view.get("required", []))
    # One strategy per field, built once: hypothesis-jsonschema rebuilds a big object's field
    # strategies on every draw.
    base = st.fixed_dictionaries(
        {name: fields[name] for name in sorted(required)},
        optional={name: field for name, field in fields.items() if name not in required},
    )
    resource = tool.split("-", 1)[1]
    known = store.known_ids.get(resource, [])
    props = spec.input_schema.get("properties", {})

    @st.composite
    def shaped(draw: st.DrawFn) -> dict[str, Any]:
        payload = dict(draw(base))
        if known and "id" in payload and draw(st.booleans()):
            payload["id"] = draw(st.sampled_from(known))
        if "all_pages" in props:  # a list: pages of 20, and at most two of them
            payload["per_page"] = min(payload.get("per_page", PAGE), PAGE)
            if payload.get("all_pages") or "max_items" in payload:
                payload["max_items"] = min(payload.get("max_items", 2 * PAGE), 2 * PAGE)
                payload["per_page"] = PAGE
        if "partitions" in payload:  # plan-partitions: a request per partition (PARTITIONS)
            payload["partitions"] = min(payload["partitions"], PARTITIONS)
        if "dry_run" in props and draw(st.integers(0, 4)) > 0:
            payload["dry_run"] = True
        return payload

    return shaped()


def refused(store: Store, tool: str, payload: Any) -> list[dict[str, str]]:
    """The registry's problems with a payload (schema and input rules), empty when it passes."""
    try:
        store.registry.check_input(tool, payload)
    except InvalidInputError as exc:
        return exc.details.get("problems") or [{"pointer": "", "message": exc.message}]
    return []


def screened(store: Store, tool: str, payload: Any) -> bool:
    """Whether the payload itself is refused before its schema is checked."""
    try:
        store.registry.check_input(tool, payload)
    except InvalidInputError as exc:
        return "64 bits" in exc.message
    return False


def check_result(store: Store, tool: str, outcome: Any) -> None:
    if isinstance(outcome, dict):
        errors = [p.message for p in store.output_checker(tool).problems(outcome)]
        assert not errors, f"{tool} result does not match its output schema: {errors[:3]}"


# -- valid payloads ---------------------------------------------------------------------------


@pytest.mark.parametrize("tool", TOOLS)
def test_valid_payloads_give_a_result_or_a_connector_error(store: Store, tool: str) -> None:
    for payload in store.corpus(tool):
        outcome = store.call("valid", tool, payload)
        check_result(store, tool, outcome)
        # the schema took it, so an invalid_input here is a rule no schema says (a raw path that
        # leaves /wp-json/, an integer beyond 64 bits, fields a tool takes only apart): it still
        # names the field (Store.call) and sent nothing


# -- mutated payloads -------------------------------------------------------------------------


def leaf_paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Where a value sits in a payload: every member, nested ones too."""
    out = [path] if path else []
    if isinstance(value, dict):
        for key, child in value.items():
            out += leaf_paths(child, path + (key,))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            out += leaf_paths(child, path + (index,))
    return out


def put(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    copy = dict(value) if isinstance(value, dict) else list(value)
    copy[path[0]] = put(value[path[0]], path[1:], new) if path[1:] else new
    return copy


def pointer(path: tuple[Any, ...]) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


def nested(levels: int) -> Any:
    value: Any = "x"
    for _ in range(levels):
        value = [value]
    return value


# Values no schema check may see: each must be refused as invalid_input at the spot it was put.
POISON: dict[str, st.SearchStrategy[Any]] = {
    "non_finite": st.sampled_from([math.nan, math.inf, -math.inf]),
    "lone_surrogate": st.tuples(st.text(max_size=5), st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF))
    .map("".join),
    "deep_nesting": st.integers(65, 5_000).map(nested),
    "huge_integer": st.integers(2**63, 10**40) | st.integers(-(10**40), -(2**63)),
    "not_json": st.sampled_from([b"bytes", {1, 2}, object(), 1j]),
}


def as_floats(value: Any) -> Any:
    """Every integer as the float of the same value (bools stay bools)."""
    if isinstance(value, bool) or not isinstance(value, (int, dict, list)):
        return value
    if isinstance(value, int):
        return float(value) if abs(value) < 2**53 else value
    if isinstance(value, dict):
        return {k: as_floats(v) for k, v in value.items()}
    return [as_floats(v) for v in value]


@pytest.mark.parametrize("kind", sorted(POISON))
@pytest.mark.parametrize("tool", TOOLS)
def test_poisoned_payloads_are_refused_naming_the_spot(store: Store, tool: str, kind: str) -> None:
    @POISONED
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        payload = data.draw(st.sampled_from(store.corpus(tool)), label="valid")
        spots = leaf_paths(payload) + [("zz_new_field",)]
        spot = data.draw(st.sampled_from(spots), label="spot")
        outcome = store.call(kind, tool, put(payload, spot, data.draw(POISON[kind], label=kind)))
        assert isinstance(outcome, InvalidInputError), f"{kind} at {pointer(spot)}: {outcome!r}"
        pointers = [p["pointer"] for p in outcome.details["problems"]]
        assert any(p.startswith(pointer(spot)) for p in pointers), (pointer(spot), pointers)

    derandomized(run)()


@pytest.mark.parametrize("tool", TOOLS)
def test_unknown_top_level_fields_and_wrong_types_are_refused(store: Store, tool: str) -> None:
    @FUZZ
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        payload = data.draw(st.sampled_from(store.corpus(tool)), label="valid")
        typo = data.draw(st.sampled_from(["stauts", "zz_unknown", "Id", "per-page", "dryrun"]), label="typo")
        outcome = store.call("unknown_field", tool, {**payload, typo: "x"})
        assert isinstance(outcome, InvalidInputError)
        if screened(store, tool, payload):
            return  # a value no schema check may see (an integer beyond 64 bits) is refused first
        assert {"pointer": f"/{typo}", "message": f"unknown field {typo!r}"} in outcome.details["problems"]

        field = data.draw(st.sampled_from(sorted(payload) or ["id"]), label="field")
        wrong = data.draw(st.sampled_from([{"a": {"b": 1}}, [[1]], True, -7, "7", None]), label="wrong")
        outcome = store.call("wrong_type", tool, {**payload, field: wrong})
        check_result(store, tool, outcome)
        if not refused(store, tool, payload):
            # the original passed the checks: if the changed one does not, the change is named
            problems = refused(store, tool, {**payload, field: wrong})
            assert not problems or any(p["pointer"].startswith(f"/{field}") or field in p["message"]
                                       for p in problems), (field, problems)

    derandomized(run)()


@pytest.mark.parametrize("tool", TOOLS)
def test_integers_given_as_floats_mean_the_same_payload(store: Store, tool: str) -> None:
    strict = STRICT_INTEGERS(store.registry.tool(tool).input_schema)
    for payload in store.corpus(tool):
        floated = as_floats(payload)
        try:
            expected: Any = store.registry.check_input(tool, payload)
        except InvalidInputError as exc:
            expected = exc.details["problems"]
        try:
            got: Any = store.registry.check_input(tool, floated)
        except InvalidInputError as exc:
            got = exc.details["problems"]
        assert got == expected  # by value: 7.0 == 7
        if not isinstance(expected, list):
            # by type: where the schema wants an integer the float became that integer
            # (elsewhere, in meta values, raw bodies and amounts, it stays what the caller sent)
            assert not [e.message for e in strict.iter_errors(got)]
            check_result(store, tool, store.call("integral_float", tool, floated))
