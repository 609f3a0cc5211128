"""Output schemas an agent can afford: derived from the full ones, never written by hand.

The full output schemas describe every field WooCommerce sends, nested defs and all (~165 KB for
twelve tools); an agent needs the shape, not the reference manual. A compact schema keeps
``type``, ``enum``/``const`` and property names down to :data:`DEPTH` levels of objects;
everything else is dropped (the tool's description already says what the result is).

It is a relaxation by construction: only constraints are removed (``required``, patterns,
bounds, ``additionalProperties: false``, deeper structure becomes ``{}``), ``oneOf`` becomes
``anyOf``, and ``type`` is kept exactly. So whatever validates against the full schema validates
against the compact one, which matters because MCP clients check ``structuredContent`` against
the ``outputSchema`` they were given. Hosts keep the full schemas (``Registry.tools()``).
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["compact_schema", "compact_input_schema", "first_sentence", "DEPTH"]

DEPTH = 1  # object levels whose property names and types are kept (an order's fields, not its lines')
_KEPT = ("type", "enum", "const")


def compact_schema(full: dict[str, Any], depth: int = DEPTH) -> dict[str, Any]:
    """The agent-sized copy of a bundled schema (its ``$ref``s point into its own ``$defs``)."""
    out = _compact(full, full.get("$defs", {}), depth, seen=())
    out["type"] = "object"  # MCP wants an object at the root; the full schema's root is one
    return out


def _compact(node: Any, defs: dict[str, Any], depth: int, *, seen: tuple[str, ...]) -> dict[str, Any]:
    if not isinstance(node, dict):
        return {}
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        name = ref.removeprefix("#/$defs/")
        if name in seen or name not in defs:
            return {}  # a cycle, or a ref into a def's inside: allow anything there
        merged = {**defs[name], **{k: v for k, v in node.items() if k != "$ref"}}
        return _compact(merged, defs, depth, seen=(*seen, name))
    if ref is not None:
        return {}
    out: dict[str, Any] = {k: node[k] for k in _KEPT if k in node}
    for combinator in ("anyOf", "oneOf", "allOf"):
        branches = node.get(combinator)
        if not isinstance(branches, list):
            continue
        relaxed = [_compact(b, defs, depth, seen=seen) for b in branches]
        if combinator == "allOf":
            if any(relaxed):
                out["allOf"] = relaxed
        elif all(relaxed):  # a branch relaxed to {} accepts anything: the whole anyOf holds
            out["anyOf"] = relaxed  # oneOf -> anyOf: "exactly one" relaxed to "at least one"
    if depth <= 0:
        return out
    props = node.get("properties")
    if isinstance(props, dict):
        out["properties"] = {
            name: _compact(sub, defs, depth - 1, seen=seen)
            for name, sub in props.items()
        }
    items = node.get("items")
    if isinstance(items, dict):
        # an array's items sit at the same object level as the array (a list envelope's records)
        out["items"] = _compact(items, defs, depth, seen=seen)
    return out


_INPUT_DROPPED = frozenset({"examples", "title", "$schema", "$comment", "pattern"})
_SENTENCE = re.compile(r"^(.+?[.!?])(?=\s+[A-Z(`]|$)", re.S)  # "e.g. pa_color" does not end one


def compact_input_schema(full: dict[str, Any], *, field_notes: bool = True) -> dict[str, Any]:
    """The input schema an agent reads: every field, type, enum, bound and ``required`` kept,
    descriptions cut to the root's and each field's first sentence, examples and regex patterns
    dropped. The server still validates against the full schema, whose error names the field and
    quotes its whole description, so nothing an agent needs to fix a call is lost.
    ``field_notes`` false drops the fields' sentences too, for a listing that must shrink more."""
    return _trim(full, level=0, last=1 if field_notes else 0)


def _trim(node: Any, level: int, last: int) -> Any:
    """``level``: 0 the root, 1 its fields, 2 deeper; descriptions are kept down to ``last``."""
    if isinstance(node, list):
        return [_trim(item, level, last) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in _INPUT_DROPPED:
            continue
        if key == "description" and isinstance(value, str):
            if level == 0:
                out[key] = value
            elif level <= last:
                out[key] = first_sentence(value)
        elif key == "properties" and isinstance(value, dict):
            out[key] = {name: _trim(sub, level + 1, last) for name, sub in value.items()}
        elif key == "$defs" and isinstance(value, dict):
            out[key] = {name: _trim(sub, 2, last) for name, sub in value.items()}
        else:
            out[key] = _trim(value, level if key in ("anyOf", "oneOf", "allOf") else max(level, 2), last)
    return out


def first_sentence(text: str) -> str:
    match = _SENTENCE.match(" ".join(text.split()))
    return match.group(1) if match else text
