"""Self-contained schemas for hosts and agents.

The files under schemas/ share shapes through relative ``$ref``s (``defs/order.json``). A host or
an MCP client receives one schema per tool and cannot fetch our files, so what we hand out has
every referenced file folded into ``$defs`` and every ``$ref`` pointing inside the document.
"""

from __future__ import annotations

import copy
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
    return result
