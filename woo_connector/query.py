"""Query strings the way PHP (and so WordPress) reads them.

PHP keeps only the last of ``status=a&status=b``, so a list sent the way ``requests`` sends it by
default silently loses values. Lists go out as ``status[0]=a&status[1]=b`` instead: PHP reads
that as an array, and WooCommerce's OAuth 1.0a check signs it under the same indexed names
(``status[]=a`` fails its signature check, capture 201).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

Pairs = list[tuple[str, str]]


def scalar(value: Any) -> str:
    """Render one value as WordPress expects it: booleans as true/false, numbers plainly."""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return ""
    return str(value)


def php_pairs(params: Mapping[str, Any] | Iterable[tuple[str, Any]] | None) -> Pairs:
    """Flatten params to (name, value) pairs, lists and dicts as PHP arrays with explicit keys."""
    if not params:
        return []
    items = params.items() if isinstance(params, Mapping) else params
    out: Pairs = []
    for name, value in items:
        _flatten(str(name), value, out)
    return out


def _flatten(name: str, value: Any, out: Pairs) -> None:
    if value is None:
        return
    if isinstance(value, Mapping):
        for key, inner in value.items():
            _flatten(f"{name}[{key}]", inner, out)
    elif isinstance(value, (list, tuple)):
        for index, inner in enumerate(value):
            _flatten(f"{name}[{index}]", inner, out)
    else:
        out.append((name, scalar(value)))


def store_query(
    args: Mapping[str, Any], *, omit: Iterable[str] = (), only: Iterable[str] | None = None
) -> dict[str, Any]:
    """A tool payload as the store's query: every tool builds its query here, so ``_fields``
    given as a list always leaves as the comma list WordPress reads (``_fields[0]=id`` is ignored)."""
    wanted = None if only is None else set(only)
    dropped = set(omit)
    params = {k: v for k, v in args.items() if k not in dropped and (wanted is None or k in wanted)}
    fields = params.get("_fields")
    if isinstance(fields, list):
        params["_fields"] = ",".join(str(f) for f in fields)
    return params
