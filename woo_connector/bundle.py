"""Self-contained schemas for hosts and agents.

The files under schemas/ share shapes through relative ``$ref``s (``defs/order.json``). A host or
an MCP client receives one schema per tool and cannot fetch our files, so what we hand out has
every referenced file folded into ``$defs`` and every ``$ref`` pointing inside the document.

Scalar shapes (``defs/date_time.json``, ``money.json``, ``id.json``) are written into each field
that uses them rather than referenced: an agent reads the pattern where the field is, and a
validator does not resolve a reference for every date of every order of a 300-order page.

A tool schema that extends a shared object (``defs/list_query.json``, ``defs/list_envelope.json``)
with ``$ref`` and ``unevaluatedProperties: false`` is handed out flat: the shared properties are
written into its own ``properties`` and it is closed with ``additionalProperties: false``. Hosts
and agents that list a tool's fields from ``properties`` (most do) then see every field.
"""

from __future__ import annotations

import copy
import json
from typing import Any
from urllib.parse import urldefrag, urljoin

from .validation import SCHEMA_BASE, SchemaSet


def bundle(schemas: SchemaSet, rel: str) -> dict[str, Any]:
    """The schema at ``rel`` with every file it references folded into its ``$defs``."""
    by_uri = {doc.get("$id", SCHEMA_BASE + name): name for name, doc in schemas.documents.items()}
    folded: dict[str, Any] = {}

    def fold(name: str, uri: str) -> str:
        key = name.removesuffix(".json").removeprefix("defs/").replace("/", "_")
        if key not in folded:
            folded[key] = {}  # placeholder first: a cycle of references terminates here
            doc = copy.deepcopy(schemas.get(name))
            doc.pop("$schema", None)
            doc.pop("$id", None)
            folded[key] = rewrite(doc, uri, f"/$defs/{key}")
        return key

    def rewrite(node: Any, base: str, local: str) -> Any:
        if isinstance(node, list):
            return [rewrite(item, base, local) for item in node]
        if not isinstance(node, dict):
            return node
        out: dict[str, Any] = {}
        for field, value in node.items():
            if field == "$ref" and isinstance(value, str):
                if value.startswith("#"):
                    out[field] = "#" + local + value[1:]
                    continue
                target, fragment = urldefrag(urljoin(base, value))
                name = by_uri.get(target)
                if name is None:
                    raise KeyError(f"{rel}: $ref {value!r} does not resolve")
                out[field] = f"#/$defs/{fold(name, target)}{fragment}"
            else:
                out[field] = rewrite(value, base, local)
        return out

    root = copy.deepcopy(schemas.get(rel))
    base = root.pop("$id", SCHEMA_BASE + rel)
    result = rewrite(root, base, "")
    if folded:
        result.setdefault("$defs", {}).update(folded)
    return _prune(_flatten(_inline_scalars(result)))


def _inline_scalars(root: dict[str, Any]) -> dict[str, Any]:
    """Replace each ``$ref`` to a scalar def (no properties, no items) by the def's keywords."""

    def scalar(ref: Any) -> dict[str, Any] | None:
        found = _local(root, ref) if isinstance(ref, str) else None
        if isinstance(found, dict) and not {"properties", "items", "prefixItems"} & set(found):
            return found
        return None

    def inline(node: Any) -> Any:
        if isinstance(node, list):
            return [inline(item) for item in node]
        if not isinstance(node, dict):
            return node
        node = {k: inline(v) for k, v in node.items()}
        found = scalar(node.get("$ref"))
        if found is None:
            return node
        # the def's own wording stays behind: the field's description says what it is
        shape = inline({k: v for k, v in found.items() if k not in ("$defs", "title", "examples", "$comment")})
        merged = {k: v for k, v in node.items() if k != "$ref"}
        if any(k in merged and merged[k] != v for k, v in shape.items() if k != "description"):
            merged.setdefault("allOf", []).append(shape)  # two patterns, say: both must hold
        else:
            merged.update({k: v for k, v in shape.items() if k not in merged})
        return merged

    return inline(root)


def _prune(root: dict[str, Any]) -> dict[str, Any]:
    """Drop the ``$defs`` nothing points at any more (inlined or flattened away)."""
    available = root.pop("$defs", {})
    kept: dict[str, Any] = {}
    text = json.dumps(root)
    while True:
        new = {k: v for k, v in available.items() if k not in kept and f'"#/$defs/{k}' in text}
        if not new:
            break
        kept.update(new)
        text = json.dumps(new)
    if kept:
        root["$defs"] = kept
    return root


_PLAIN_OBJECT = {"type", "title", "description", "properties", "required", "$defs"}


def _flatten(root: dict[str, Any]) -> dict[str, Any]:
    """Write the plain objects the root extends into the root itself (see the module docstring)."""
    parts = root.get("allOf", [])
    if any(not isinstance(part, dict) or set(part) != {"$ref"} for part in parts):
        return root
    refs = ([root["$ref"]] if isinstance(root.get("$ref"), str) else []) + [part["$ref"] for part in parts]
    targets = [_local(root, ref) for ref in refs]
    if not refs or any(
        not isinstance(t, dict) or t.get("type") != "object" or not set(t) <= _PLAIN_OBJECT for t in targets
    ):
        return root  # anything fancier than "these properties too" stays as written
    properties: dict[str, Any] = {}
    required: list[str] = []
    for target in targets:
        properties.update(target.get("properties", {}))
        required += [name for name in target.get("required", []) if name not in required]
    properties.update(root.get("properties", {}))
    required += [name for name in root.get("required", []) if name not in required]
    flat = {k: v for k, v in root.items() if k not in ("$ref", "allOf", "properties", "required", "unevaluatedProperties", "$defs")}
    flat["properties"] = properties
    if required:
        flat["required"] = required
    if root.get("unevaluatedProperties") is False:
        flat["additionalProperties"] = False
    if "$defs" in root:
        flat["$defs"] = root["$defs"]
    return flat


def _local(root: dict[str, Any], ref: str) -> Any:
    if not ref.startswith("#/"):
        return None
    node: Any = root
    for part in ref[2:].split("/"):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node
