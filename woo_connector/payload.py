"""A tool payload on its way in: screened before the schema sees it, normalised once after.

Hosts hand us Python values, not JSON text, so a payload can hold what JSON cannot: NaN and
Infinity (``json.loads`` accepts them too), lone surrogates, integers too large for PHP, bytes,
cycles, or nesting thousands of levels deep. jsonschema, ``json.dumps`` and ``deepcopy`` all
recurse, so such a payload used to escape as a bare ``RecursionError``, ``ValueError`` or
``UnicodeEncodeError`` somewhere inside a tool. :func:`screen` walks the payload without
recursion and refuses all of it as one ``invalid_input`` naming each bad field.

After the schema check, :func:`normalised` makes the payload say what the caller meant, so no
tool has to: a float that is an integer by value (``355.0``, ``1.0``) where the schema wants an
integer becomes that integer (``/orders/355``, not ``/orders/355.0``), and plugin filters in
``extra_query`` are checked against the tool's own filters and the names the connection owns.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from typing import Any

from jsonschema import Draft202012Validator, validators
from jsonschema.exceptions import ValidationError

from .errors import InvalidInputError
from .query import php_base_name, refused_query_names
from .validation import pointer

MAX_DEPTH = 64
"""Containers inside containers; no WooCommerce payload nests a tenth of this."""
MAX_VALUES = 200_000
"""Values in one payload (a variable product with 1,000 variations is about 30,000)."""
MAX_TEXT = 16 * 1024 * 1024
"""Characters of text in one payload, names included; WordPress hosts cap bodies at a few MB."""
INTEGER_LIMIT = 2**63
"""PHP integers are 64-bit: a larger JSON integer becomes a float inside WooCommerce."""
MAX_PROBLEMS = 20

EXTRA_QUERY = "extra_query"
# WordPress reads these on every route and answers in another shape (a JSONP script, a body
# wrapping headers and status): the connector could no longer read the list it asked for.
_SHAPE_CHANGING = {"_envelope": "wraps the answer in an envelope", "_jsonp": "turns the answer into a script"}

Path = tuple[Any, ...]


def screen(payload: Any) -> None:
    """Refuse, as one InvalidInputError, what no schema check or JSON encoder can take safely."""
    problems: list[tuple[Path, str]] = []
    values = text = 0
    stack: list[tuple[Any, Path, int]] = [(payload, (), 0)]
    while stack and len(problems) < MAX_PROBLEMS:
        value, path, depth = stack.pop()
        values += 1
        if values > MAX_VALUES:
            problems.append(((), f"the payload holds more than {MAX_VALUES:,} values"))
            break
        if isinstance(value, (dict, list, tuple)):
            if depth >= MAX_DEPTH:
                problems.append((path, f"nested more than {MAX_DEPTH} levels deep"))
                continue
            if values + len(value) > MAX_VALUES:
                problems.append(((), f"the payload holds more than {MAX_VALUES:,} values"))
                break
            if isinstance(value, dict):
                children = []
                for key, child in value.items():
                    if not isinstance(key, str):
                        problems.append((path, f"field names must be text, not {type(key).__name__}"))
                        continue
                    text += len(key)
                    if not _encodable(key):
                        problems.append((path + (key,), "the field name holds a lone surrogate (not valid Unicode)"))
                    children.append((child, path + (key,), depth + 1))
                stack.extend(reversed(children))
            else:
                stack.extend((child, path + (i,), depth + 1) for i, child in reversed(list(enumerate(value))))
            continue
        found = _scalar_problem(value)
        if isinstance(value, str):
            text += len(value)
        if found:
            problems.append((path, found))
        if text > MAX_TEXT:
            problems.append(((), f"the payload holds more than {MAX_TEXT:,} characters of text"))
            break
    if problems:
        raise _refusal(problems)


def normalised(schema: Mapping[str, Any], payload: Mapping[str, Any]) -> dict[str, Any]:
    """The validated payload as tools should see it (a new dict; the caller's is left alone)."""
    out = dict(payload)
    if _has_integral_float(out):
        out = _integers_where_declared(schema, out)
    if EXTRA_QUERY in out:
        _check_extra_query(schema, out[EXTRA_QUERY])
    return out


# -- screening ------------------------------------------------------------------------------


def _scalar_problem(value: Any) -> str | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, str):
        return None if _encodable(value) else "holds a lone surrogate (not valid Unicode)"
    if isinstance(value, int):
        if abs(value) >= INTEGER_LIMIT:
            return "is an integer beyond 64 bits, which WooCommerce (PHP) cannot hold"
        return None
    if isinstance(value, float):
        if math.isfinite(value):
            return None
        shown = "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
        return f"is {shown}, which JSON cannot carry: give a finite number"
    return f"is a {type(value).__name__}, not a JSON value"


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _refusal(problems: list[tuple[Path, str]]) -> InvalidInputError:
    # A field name with a lone surrogate is shown escaped (\ud800): the message must encode.
    listed = [{"pointer": pointer(_printable(part) for part in path), "message": message} for path, message in problems]
    return InvalidInputError(
        "Invalid input: " + "; ".join(f"{p['pointer'] or '/'}: {p['message']}" for p in listed),
        details={"problems": listed},
    )


def _printable(part: Any) -> Any:
    if isinstance(part, str) and not _encodable(part):
        return part.encode("utf-8", "backslashreplace").decode("utf-8")
    return part


# -- integers -------------------------------------------------------------------------------


def _has_integral_float(value: Any) -> bool:
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, float) and node.is_integer():
            return True
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, (list, tuple)):
            stack.extend(node)
    return False


def _strict_integer(checker: Any, instance: Any) -> bool:
    return isinstance(instance, int) and not isinstance(instance, bool)


# jsonschema counts 355.0 as an integer (JSON does not tell them apart); this validator does not,
# so its "type" errors are exactly the places where the schema wants an integer and got a float.
_StrictIntegers = validators.extend(
    Draft202012Validator,
    type_checker=Draft202012Validator.TYPE_CHECKER.redefine("integer", _strict_integer),
)
_strict_cache: dict[int, tuple[Mapping[str, Any], Draft202012Validator]] = {}


def _strict(schema: Mapping[str, Any]) -> Draft202012Validator:
    cached = _strict_cache.get(id(schema))
    if cached is None or cached[0] is not schema:  # the schema is kept, so its id is not reused
        cached = (schema, _StrictIntegers(schema))
        _strict_cache[id(schema)] = cached
    return cached[1]


def _integers_where_declared(schema: Mapping[str, Any], payload: dict[str, Any]) -> dict[str, Any]:
    spots = {tuple(error.absolute_path) for error in _integer_type_errors(_strict(schema).iter_errors(payload))}
    problems: list[tuple[Path, str]] = []
    for path in sorted(spots, key=lambda p: [str(part) for part in p]):
        number = _at(payload, path)
        if abs(number) >= INTEGER_LIMIT:
            problems.append((path, "is an integer beyond 64 bits, which WooCommerce (PHP) cannot hold"))
        else:
            payload = _replaced(payload, path, int(number))
    if problems:
        raise _refusal(problems)
    return payload


def _integer_type_errors(errors: Any) -> Iterator[ValidationError]:
    """"type" errors on integral floats where the schema allows integer, in anyOf branches too."""
    stack = list(errors)
    while stack:
        error = stack.pop()
        allowed = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
        if (error.validator == "type" and "integer" in allowed
                and isinstance(error.instance, float) and error.instance.is_integer()):
            yield error
        stack.extend(error.context or ())


def _at(value: Any, path: Path) -> Any:
    for part in path:
        value = value[part]
    return value


def _replaced(value: Any, path: Path, new: Any) -> Any:
    """A copy of ``value`` with ``new`` at ``path``; only the containers on the path are copied."""
    if not path:
        return new
    head, rest = path[0], path[1:]
    copy: Any = dict(value) if isinstance(value, dict) else list(value)
    copy[head] = _replaced(value[head], rest, new)
    return copy


# -- extra_query ----------------------------------------------------------------------------


def _check_extra_query(schema: Mapping[str, Any], extra: Mapping[str, Any]) -> None:
    """A plugin filter may not stand in for a filter the tool has, nor for what the connection owns.

    Names are judged as PHP will read them (``status[]`` and `` status`` are ``status``), with
    the same check raw-api-request's ``query`` gets for credentials and ``_method``.
    """
    known = set(schema.get("properties") or {})
    problems: list[tuple[Path, str]] = [((EXTRA_QUERY, name), why) for name, why in refused_query_names(extra)]
    refused = {name for (_, name), _why in problems}
    for name in extra:
        if name in refused:
            continue
        base = php_base_name(name)
        if base in known:
            problems.append(((EXTRA_QUERY, name), f"is read by the store as {base!r}, a filter of this tool: use the {base} field"))
        elif base in _SHAPE_CHANGING:
            problems.append(((EXTRA_QUERY, name), f"is read by WordPress as {base}, which {_SHAPE_CHANGING[base]}"))
    if problems:
        raise _refusal(problems)
