"""Schemas an agent can afford: derived from the full ones, never written by hand.

The full schemas describe every field WooCommerce sends or takes, nested defs and all (~165 KB
of output schemas for twelve tools; create-product's input alone ~10 KB); an agent needs the
shape of a correct call and of its result, not the reference manual.

Output: :func:`compact_schema` keeps ``type``, ``enum``/``const`` and property names down to a
number of object levels. Input: :func:`compact_input_schema` keeps the listed top-level fields
with their types, enums and bounds, and reduces what is nested inside them to a type.

Both are relaxations by construction: only constraints and structure are removed (``required``
below the root, patterns, ``additionalProperties: false``, deeper structure), ``oneOf`` becomes
``anyOf``, and ``type`` is kept exactly. So whatever validates against the full schema validates
against the compact one, which matters because MCP clients check ``structuredContent`` against
the ``outputSchema`` they were given (and may check arguments against the ``inputSchema``).
Hosts keep the full schemas (``Registry.tools()``); agents get them from ``describe-tool``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

__all__ = ["compact_schema", "compact_input_schema", "CompactInput", "first_sentence", "field_note", "DEPTH"]

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
            kept = [b for b in relaxed if not _implied(b, out)]
            if kept:
                out["allOf"] = kept
        elif not any(_implied(b, out) for b in relaxed):  # such a branch: the whole anyOf holds
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


def _implied(branch: dict[str, Any], node: dict[str, Any]) -> bool:
    """Whatever satisfies ``node``'s own keywords satisfies ``branch`` ({} or a repeat of them)."""
    return all(node.get(key) == value for key, value in branch.items())


_FIELD_KEPT = ("type", "enum", "const", "default", "minimum", "maximum")
# bytes: a nested object this small keeps its field names and types in the listing (a required
# field's shape is part of any call, so it may cost more than an optional one's)
NESTED_MAX = {"required": 320, "optional": 120}
NOTE_MAX = 110  # characters of a field's description in the listing
# "e.g. pa_color" and "e.g. AUD" end no sentence
_SENTENCE = re.compile(r"^(.+?(?<!\be\.g)(?<!\bi\.e)[.!?])(?=\s+[A-Z(`]|$)", re.S)


@dataclass
class CompactInput:
    """An agent's input schema and what it leaves to ``describe-tool``."""

    schema: dict[str, Any]
    hidden: list[str]  # top-level fields not listed (accepted all the same)
    collapsed: list[str]  # listed fields whose inner structure is reduced to a type

    @property
    def complete(self) -> bool:
        return not self.hidden and not self.collapsed


def compact_input_schema(full: dict[str, Any], *, fields: Iterable[str] | None = None,
                         field_notes: bool = True) -> CompactInput:
    """The input schema an agent reads in tools/list: the fields it needs for a correct call.

    ``fields`` names the top-level fields to list (``None``: all of them); the root's
    ``required`` fields and those its ``anyOf``/``oneOf`` require are always listed. A listed
    field keeps its type, enum, const, default, numeric bounds and (``field_notes``) the first
    sentence of its description; an object inside it becomes ``type: object`` (an array of
    objects ``items: {type: object}``) unless it is small enough to show (:data:`NESTED_MAX`).

    A relaxation by construction, like :func:`compact_schema`: only constraints and fields are
    removed, and the root's ``additionalProperties`` becomes true when a field is hidden, so
    every payload the full schema accepts the compact one accepts too (MCP clients may check
    arguments against it). The server validates against the full schema, whose errors name the
    field and quote its whole description.
    """
    defs = full.get("$defs") or {}
    props: dict[str, Any] = full.get("properties") or {}
    wanted = set(props) if fields is None else set(fields) | _required_names(full)
    trim = _FieldTrim(defs, field_notes)
    needed = _required_names(full)
    listed = {name: trim.field(sub, name, name in needed) for name, sub in props.items() if name in wanted}
    hidden = [name for name in props if name not in listed]
    out: dict[str, Any] = {"type": "object"}
    if isinstance(full.get("description"), str):
        out["description"] = full["description"]
    out["properties"] = listed
    for key in ("required", "minProperties"):
        if key in full:
            out[key] = full[key]
    branches = [_requirement(b) for b in full.get("anyOf", full.get("oneOf")) or []]
    if branches and all(branches):
        out["anyOf"] = branches  # oneOf -> anyOf: "exactly one" relaxed to "at least one"
    closed = full.get("additionalProperties") is False and not hidden
    out["additionalProperties"] = not closed
    return CompactInput(out, hidden, trim.collapsed)


def _required_names(full: dict[str, Any]) -> set[str]:
    names = set(full.get("required") or [])
    for branch in full.get("anyOf", full.get("oneOf")) or []:
        if isinstance(branch, dict):
            names |= set(branch.get("required") or [])
    return names


def _requirement(branch: Any) -> dict[str, Any]:
    """A root anyOf/oneOf branch reduced to its ``required`` list ({} when it has none)."""
    if isinstance(branch, dict) and isinstance(branch.get("required"), list):
        return {"required": branch["required"]}
    return {}


class _FieldTrim:
    """Trims one top-level field at a time, noting which ones lost inner structure."""

    def __init__(self, defs: dict[str, Any], notes: bool) -> None:
        self.defs = defs
        self.notes = notes
        self.collapsed: list[str] = []
        self.shape_max = NESTED_MAX["optional"]

    def field(self, node: Any, name: str, required: bool = False) -> dict[str, Any]:
        self.shape_max = NESTED_MAX["required" if required else "optional"]
        out = self._trim(node, name, depth=0, seen=())
        if self.notes and isinstance(node, dict):
            described = node.get("description") or self._resolved(node, ())[0].get("description")
            if isinstance(described, str):
                out["description"] = field_note(described)
        return out

    def _resolved(self, node: dict[str, Any], seen: tuple[str, ...]) -> tuple[dict[str, Any], tuple[str, ...]]:
        """``node`` with its local ``$ref`` merged in; ``{}`` for a cycle or a ref it cannot follow."""
        ref = node.get("$ref")
        if ref is None:
            return node, seen
        key = ref.removeprefix("#/$defs/") if isinstance(ref, str) and ref.startswith("#/$defs/") else None
        if key is None or key in seen or not isinstance(self.defs.get(key), dict):
            return {}, seen
        merged = {**self.defs[key], **{k: v for k, v in node.items() if k != "$ref"}}
        return self._resolved(merged, (*seen, key))

    def _trim(self, node: Any, name: str, depth: int, seen: tuple[str, ...]) -> dict[str, Any]:
        """``depth`` 0: the field itself (or its array's items); 1: a property inside it."""
        if not isinstance(node, dict):
            return {}
        node, seen = self._resolved(node, seen)
        out: dict[str, Any] = {k: node[k] for k in _FIELD_KEPT if k in node}
        shaped = False
        if any(k in node for k in ("properties", "additionalProperties", "patternProperties")):
            shape = self._shape(node, name, depth, seen)
            shaped = shape is not None
            if shape is None:
                if name not in self.collapsed:
                    self.collapsed.append(name)
            else:
                out.update(shape)
        for combinator in ("anyOf", "oneOf"):
            branches = node.get(combinator)
            if not isinstance(branches, list):
                continue
            relaxed: list[dict[str, Any]] = []
            for branch in branches:
                trimmed = self._trim(branch, name, depth, seen)
                if shaped and isinstance(branch, dict) and isinstance(branch.get("required"), list):
                    trimmed["required"] = branch["required"]  # "sku or id": part of a correct call
                if trimmed not in relaxed:
                    relaxed.append(trimmed)
            if all(relaxed) and len(relaxed) > 1:
                out["anyOf"] = relaxed  # oneOf -> anyOf: "exactly one" relaxed to "at least one"
            elif all(relaxed):
                out.update({k: v for k, v in relaxed[0].items() if k not in out})
        items = node.get("items")
        if isinstance(items, dict):
            trimmed = self._trim(items, name, depth, seen)
            if trimmed:
                out["items"] = trimmed
        return out

    def _shape(self, node: dict[str, Any], name: str, depth: int, seen: tuple[str, ...]) -> dict[str, Any] | None:
        """A small object's property names and types, one level down; None when it would cost
        more than :data:`NESTED_MAX` allows (then only describe-tool shows it)."""
        props = node.get("properties")
        if depth > 0 or not isinstance(props, dict) or not props:
            return None
        shape: dict[str, Any] = {"properties": {k: self._trim(v, name, depth + 1, seen) for k, v in props.items()}}
        if isinstance(node.get("required"), list):
            shape["required"] = node["required"]
        if len(json.dumps(shape, separators=(",", ":"))) > self.shape_max:
            return None
        return shape


def field_note(text: str, limit: int = NOTE_MAX) -> str:
    """A field's first sentence; a long one is cut at its last clause break (outside brackets)
    within ``limit``. describe-tool quotes the whole description."""
    sentence = first_sentence(text)
    if len(sentence) <= limit:
        return sentence
    breaks = [m.start() for m in re.finditer(r": |; |, | \(", sentence[: limit + 1])
              if m.start() >= 12 and _balanced(sentence[: m.start()])]
    cut = max(breaks) if breaks else sentence.rfind(" ", 0, limit)
    return sentence[:cut].rstrip(" ,;:") + "…"


def _balanced(text: str) -> bool:
    return text.count("(") == text.count(")")


def first_sentence(text: str) -> str:
    match = _SENTENCE.match(" ".join(text.split()))
    return match.group(1) if match else text
