"""PHP's reading of a request: query strings as $_GET sees them, JSON and form bodies, and json_encode.

The sandbox must lose data exactly where a real store does (``a=x&a=y`` keeps ``y``; ``a[]``
and ``a[0]`` build arrays; a pair without a name is dropped) and refuse bodies with the same
``rest_invalid_json`` details, so clients are tested against PHP's rules rather than Python's.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_plus

from .list_cache import EncodedPage
from .wire import ApiError

_PHP_INT = re.compile(r"0|-?[1-9][0-9]{0,17}")


def _php_key(segment: str) -> int | str:
    return int(segment) if _PHP_INT.fullmatch(segment) else segment


def _split_php_name(name: str) -> tuple[str, list[str]]:
    """``a[b][]`` -> ("a", ["b", ""]); an unclosed ``[`` makes a plain name, as PHP does."""
    open_at = name.find("[")
    if open_at == 0:
        return "", []  # no variable name: PHP drops the pair
    if open_at == -1 or name.find("]", open_at) == -1:
        return name.replace(" ", "_").replace(".", "_").replace("[", "_", 1), []
    base, segments, pos = name[:open_at], [], open_at
    while pos < len(name) and name[pos] == "[":
        close = name.find("]", pos)
        if close == -1:
            break
        segments.append(name[pos + 1 : close])
        pos = close + 1
    return base.replace(" ", "_").replace(".", "_"), segments


def _as_php_value(value: Any) -> Any:
    """PHP arrays become lists when their keys are 0..n-1 in order, else dicts with str keys."""
    if not isinstance(value, dict):
        return value
    if list(value) == list(range(len(value))):
        return [_as_php_value(v) for v in value.values()]
    return {str(k): _as_php_value(v) for k, v in value.items()}


def parse_php_query(query: str) -> dict[str, Any]:
    """A query string as PHP's $_GET sees it: ``a[0]=x``/``a[]=x`` arrays, last repeat wins.

    ``a=x,y`` stays the string "x,y" (WordPress splits it later, per parameter), and a repeated
    plain name keeps only its last value, so a client that sends lists the requests way loses data
    exactly as it would against the real store.
    """
    root: dict[str, Any] = {}
    for part in query.split("&"):
        if not part:
            continue
        raw_name, _, raw_value = part.partition("=")
        name = unquote_plus(raw_name).lstrip(" ")
        if not name:
            continue
        base, segments = _split_php_name(name)
        if not base:
            continue
        container: dict[Any, Any] = root
        key: Any = base
        for segment in segments:
            inner = container.get(key)
            if not isinstance(inner, dict):
                inner = {}
                container[key] = inner
            container = inner
            if segment == "":
                ints = [k for k in container if isinstance(k, int)]
                key = max(ints) + 1 if ints else 0
            else:
                key = _php_key(segment)
        container[key] = unquote_plus(raw_value)
    return {name: _as_php_value(value) for name, value in root.items()}


def build_query_pairs(params: dict[str, Any]) -> list[tuple[str, str]]:
    """The inverse of :func:`parse_php_query`, as WordPress writes a query back into a ``Link``
    (``add_query_arg``): arrays with explicit indexes (``status[0]=any``), scalars as text.

    The sandbox's own encoder on purpose: if it shared the connector's, a bug there would be
    served back by the sandbox and every test would agree with it.
    """
    pairs: list[tuple[str, str]] = []

    def walk(name: str, value: Any) -> None:
        if value is None:
            return
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(f"{name}[{key}]", inner)
        elif isinstance(value, (list, tuple)):
            for index, inner in enumerate(value):
                walk(f"{name}[{index}]", inner)
        elif isinstance(value, bool):
            pairs.append((name, "1" if value else ""))
        else:
            pairs.append((name, str(value)))

    for name, value in params.items():
        walk(str(name), value)
    return pairs


def query_names(query: str) -> tuple[str, ...]:
    """The parameter names as sent (``status[0]``), for the request log; never the values."""
    return tuple(unquote_plus(p.partition("=")[0]) for p in query.split("&") if p)


@dataclass
class ParsedBody:
    body: Any = None
    post: dict[str, Any] | None = None  # what PHP puts in $_POST (form bodies of POST requests)
    error: ApiError | None = None  # rest_invalid_json, reported only once a route matched


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def parse_body(method: str, content_type: str, raw: bytes) -> ParsedBody:
    """JSON and form bodies the way WordPress reads them; anything else is left unparsed."""
    media = content_type.split(";", 1)[0].strip().lower()
    if media == "application/x-www-form-urlencoded":
        form = parse_php_query(raw.decode("utf-8", "replace"))
        return ParsedBody(body=form or None, post=form if method == "POST" else {})
    if media != "application/json" or not raw:
        return ParsedBody(post={})
    code, message = 4, "Syntax error"
    try:
        text = raw.decode("utf-8")
        return ParsedBody(body=json.loads(text, parse_constant=_reject_constant), post={})
    except UnicodeDecodeError:
        code, message = 5, "Malformed UTF-8 characters, possibly incorrectly encoded"
    except ValueError as exc:
        if str(exc).startswith("Invalid control character"):
            code, message = 3, "Control character error, possibly incorrectly encoded"
    error = ApiError(400, "rest_invalid_json", "Invalid JSON body passed.",
                     {"json_error_code": code, "json_error_message": message})
    return ParsedBody(post={}, error=error)


def php_json(value: Any) -> bytes:
    """JSON as PHP's json_encode writes it: compact, \\u-escaped, slashes escaped.

    A page whose items were encoded (and cached) one by one is joined rather than re-encoded."""
    if type(value) is EncodedPage:
        return value.joined()
    return json.dumps(value, separators=(",", ":")).replace("/", "\\/").encode("ascii")


class HeaderView(dict):
    """Request headers for handlers: lower-case names, looked up case-insensitively."""

    def __getitem__(self, name: str) -> str:
        return super().__getitem__(name.lower())

    def get(self, name: str, default: Any = None) -> Any:  # type: ignore[override]
        return super().get(name.lower(), default)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and super().__contains__(name.lower())
