"""response.loads/decode_body: a compiled parser's speed must not change what an answer decodes to."""

from __future__ import annotations

import functools
import json
import marshal
import math

import pytest

from captures import all_captures, body_bytes
from woo_connector.response import decode_body, decode_json, loads


def _same(a: object, b: object) -> bool:
    """Equal and of the same types all the way down (1 == 1.0 == True would hide a change).

    It is asked of every captured body twice, 600,000 values: marshal's version 2 encoding
    compares them at C speed. It takes only the exact built-in types (a subclass is refused),
    writes bool, int and float apart, floats by their bits, dicts in key order and every string
    alike whether or not it is interned or shared (no back-references before version 3), so
    equal encodings mean equal values of the same types. What it refuses (a subclass, nesting
    past its depth limit) goes through the walk below."""
    try:
        return marshal.dumps(a, 2) == marshal.dumps(b, 2)
    except ValueError:
        return _same_walked(a, b)


def _same_walked(a: object, b: object) -> bool:
    """The same question, value by value: a loop over pairs rather than recursion."""
    pairs = [(a, b)]
    while pairs:
        a, b = pairs.pop()
        if type(a) is not type(b):
            return False
        if isinstance(a, dict):
            if list(a) != list(b):  # type: ignore[arg-type]
                return False
            pairs.extend((a[k], b[k]) for k in a)  # type: ignore[index]
        elif isinstance(a, list):
            if len(a) != len(b):  # type: ignore[arg-type]
                return False
            pairs.extend(zip(a, b))  # type: ignore[arg-type]
        elif isinstance(a, float) and math.isnan(a):
            if not math.isnan(b):  # type: ignore[arg-type]
                return False
        elif a != b:
            return False
    return True


def test_same_tells_apart_what_equality_does_not() -> None:
    """The comparison the tests below rest on: 1 == 1.0 == True and key order are differences."""
    for a, b in [(1, 1.0), (1, True), ({"a": 1, "b": 2}, {"b": 2, "a": 1}), ([1], (1,)), ({"k": [0]}, {"k": [0.0]})]:
        assert not _same(a, b) and not _same_walked(a, b), (a, b)
    deep: list[object] = []
    for _ in range(3000):  # past marshal's depth limit: the walk answers
        deep = [deep]
    assert _same([math.nan, {"k": "v"}], [math.nan, {"k": "v"}]) and _same(deep, deep)


@functools.cache
def _bodies() -> tuple[tuple[str, str], ...]:
    """Every captured JSON body as its text; read once (two tests walk them), shared read-only."""
    out = []
    for name, exchange in all_captures():
        if "response" not in exchange:
            continue
        text = body_bytes(exchange).decode("utf-8")
        try:
            json.loads(text)
        except ValueError:
            continue  # HTML error pages and the like: decode_json's other path
        out.append((name, text))
    return tuple(out)


def test_every_captured_body_decodes_as_the_standard_library_does() -> None:
    bodies = _bodies()
    assert len(bodies) > 250
    for name, text in bodies:
        assert _same(loads(text), json.loads(text)), name


@pytest.mark.parametrize(
    "text",
    [
        '{"price": NaN}', '[Infinity, -Infinity]', '1e400', '"\\ud800 lone"', '{"k\\udfff": 1}',
        "[" * 2000 + "]" * 2000, '{"a": 1, "a": 2}', "-0", "18446744073709551615", "-99999999999999999999999", '"\\u0000\\u2028"',
    ],
    ids=["nan", "infinity", "huge-float", "lone-surrogate", "surrogate-key", "deep", "duplicate-key",
         "minus-zero", "u64-max", "big-int", "control-escapes"],
)
def test_what_the_fast_parser_refuses_decodes_exactly_as_before(text: str) -> None:
    try:
        expected = json.loads(text)
    except RecursionError:  # the standard library's own limit: the same failure as before
        with pytest.raises(RecursionError):
            loads(text)
        return
    assert _same(loads(text), expected)
    value, warnings = decode_json("\ufeff" + text)
    assert _same(value, expected) and warnings


def test_broken_json_is_still_refused() -> None:
    for text in ('{"id": 1, "line_items": [', "{'id': 1}", "[1,]"):
        with pytest.raises(ValueError):
            loads(text)


@pytest.mark.parametrize(
    "body",
    [b'\xef\xbb\xbf[{"id": 1}]', b'<b>Notice</b>: x\n{"id": 2}', b'{"name": "caf\xe9"}', b"", b"  \n", b'{"a": NaN}'],
    ids=["bom", "php-notice", "latin-1-byte", "empty", "blank", "nan"],
)
def test_a_body_that_is_not_clean_json_takes_the_text_path(body: bytes) -> None:
    assert decode_body(body) == decode_json(body.decode("utf-8", errors="replace"))


def test_a_clean_body_decodes_from_its_bytes_as_its_text_would() -> None:
    for name, text in _bodies():
        value, warnings = decode_body(bytearray(text.encode("utf-8")))
        assert _same(value, json.loads(text)) and warnings == [], name
