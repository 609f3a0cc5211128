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


def php_name(name: str) -> tuple[str, list[str]]:
    """Split ``a.b[x][]`` into PHP's top-level name ``a_b`` and the bracket keys ``['x', '']``.

    PHP rewrites names while it parses a query: leading spaces go, dots and spaces become
    underscores, and an unmatched ``[`` becomes ``_``. ``consumer.key``, ``consumer key``,
    ``consumer[key`` and `` consumer_key`` all arrive as ``consumer_key``; checks on names a
    caller sends must look at this name, not the one written.
    """
    name = name.lstrip(" ")
    open_at = name.find("[")
    if open_at == -1:
        return _php_base(name), []
    if "]" not in name[open_at:]:
        # An unmatched "[" is itself turned into "_" and ends the renaming.
        return _php_base(name[:open_at]) + "_" + name[open_at + 1 :], []
    keys: list[str] = []
    rest = name[open_at:]
    while rest.startswith("["):
        close = rest.find("]")
        if close == -1:
            break
        keys.append(rest[1:close])
        rest = rest[close + 1 :]
    return _php_base(name[:open_at]), keys


def _php_base(name: str) -> str:
    return name.replace(".", "_").replace(" ", "_")


def php_base_name(name: str) -> str:
    """The ``$_GET`` key PHP files a query name under (``consumer.key[]`` -> ``consumer_key``)."""
    return php_name(name)[0]


def effective_method(method: str, params: Mapping[str, Any] | None) -> str:
    """The verb WordPress will act on: ``?_method=POST`` overrides the one sent (captures 285-287)."""
    if params:
        for name, value in params.items():
            if isinstance(name, str) and "method" in name and php_base_name(name) == "_method":
                return str(value).upper() if isinstance(value, str) else "POST"
    return method


_RESERVED = ("consumer_key", "consumer_secret")


def refused_query_names(params: Mapping[str, Any] | None) -> list[tuple[str, str]]:
    """Query names a caller may not send, judged after PHP's renaming, with the reason for each.

    Credentials (``consumer_key``, ``consumer_secret``, ``oauth_*``) would act as another key;
    ``_method`` makes WordPress run a different verb than the one sent (a "GET" that creates).
    """
    out: list[tuple[str, str]] = []
    for name in params or {}:
        base = php_base_name(str(name)).lower()
        if base in _RESERVED or base.startswith("oauth_"):
            out.append((str(name), f"is read by the store as {base}, a credential: the connection supplies those"))
        elif base == "_method":
            out.append((str(name), "is read by WordPress as _method, which overrides the HTTP method: use 'method'"))
    return out


def store_query(
    args: Mapping[str, Any], *, omit: Iterable[str] = (), only: Iterable[str] | None = None
) -> dict[str, Any]:
    """A tool payload as the store's query: every tool builds its query here, so ``_fields``
    given as a list always leaves as the comma list WordPress reads (``_fields[0]=id`` is ignored)."""
    wanted = None if only is None else set(only)
    dropped = set(omit)
    params = {k: v for k, v in args.items() if k not in dropped and (wanted is None or k in wanted)}
    # Plugin filters ride in extra_query (checked by payload.normalised) and leave as top-level names.
    params.update(params.pop("extra_query", None) or {})
    fields = params.get("_fields")
    if isinstance(fields, list):
        params["_fields"] = ",".join(str(f) for f in fields)
    return params
