"""dry_run: every write tool can show what it would send without sending it.

Declared once, here, rather than in each tool's schema: any tool whose manifest says
``readOnlyHint: false`` accepts ``dry_run: true``, and its published output schema becomes "the
tool's output OR a dry-run result" (schemas/defs/dry_run.json). The registry calls
:func:`declare` when it joins a tool, :func:`strip_flag` before it validates a payload, and
runs the tool with a :class:`RecordingClient` when :func:`requested` says so.

A dry run runs the real tool function. Reads go to the store (that is how a dry run resolves
"the order as it is now" or "the variation this SKU maps to", and how a missing record is
reported before anything is written); writes are recorded and answered with a plausible stand-in
so a tool that writes twice (update an order, then add a note) reaches its second write. No tool
needs to know it is being previewed, so a tool added later gets dry runs for free.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from .client import IDEMPOTENT, WooClient
from .redact import MASK, is_sensitive_param
from .response import WooResponse
from .validation import Problem

__all__ = ["FLAG", "DEF", "accepts", "declare", "strip_flag", "requested", "RecordingClient"]

FLAG = "dry_run"
DEF = "defs/dry_run.json"
STAND_IN_ID = 0  # the id a dry run's pretend create gets; WooCommerce ids start at 1
FLAG_SCHEMA: dict[str, Any] = {
    "type": "boolean",
    "default": False,
    "description": (
        "true: validate, read what the call would touch, and return the exact write requests it "
        "would send (method, path, query, body) plus the record as it is now, without sending "
        "any of them. Reads are still made."
    ),
}


def accepts(annotations: Mapping[str, Any]) -> bool:
    """A tool takes dry_run unless its manifest says it only reads."""
    return not annotations.get("readOnlyHint", False)


def declare(input_schema: dict[str, Any], output_schema: dict[str, Any], result_schema: dict[str, Any]
            ) -> tuple[dict[str, Any], dict[str, Any]]:
    """The schemas a write tool publishes: ``dry_run`` added to the input, the dry-run result
    added to the output as a second ``anyOf`` branch (the root stays ``type: object`` for MCP).

    ``result_schema`` is the bundled defs/dry_run.json; it joins the output's ``$defs``.
    """
    inp = copy.deepcopy(input_schema)
    inp.setdefault("properties", {})[FLAG] = dict(FLAG_SCHEMA)
    tool_out = copy.deepcopy(output_schema)
    defs = tool_out.pop("$defs", {})
    defs["dry_run"] = {k: v for k, v in result_schema.items() if k != "$defs"}
    defs.update(result_schema.get("$defs", {}))
    head = {k: tool_out.pop(k) for k in ("title", "description") if k in tool_out}
    out = {
        **head,
        "type": "object",
        "anyOf": [tool_out, {"$ref": "#/$defs/dry_run", "required": [FLAG, "requests"]}],
        "$defs": defs,
    }
    return inp, out


def strip_flag(annotations: Mapping[str, Any] | None, payload: Any) -> tuple[Any, list[Problem]]:
    """The payload the tool's own schema checks (without ``dry_run``), and a problem if the flag
    is not a boolean. A read-only tool keeps the field, so its schema refuses it by name."""
    if annotations is None or not accepts(annotations) or not isinstance(payload, Mapping) or FLAG not in payload:
        return payload, []
    rest = {k: v for k, v in payload.items() if k != FLAG}
    if isinstance(payload[FLAG], bool):
        return rest, []
    return rest, [Problem(f"/{FLAG}", f"{payload[FLAG]!r} is not of type 'boolean'")]


def requested(args: dict[str, Any]) -> bool:
    """Pop the flag from validated args: True when this call is a dry run."""
    return bool(args.pop(FLAG, False))


class RecordingClient(WooClient):
    """A WooClient whose reads go to the store and whose writes are written down instead.

    Everything a tool can call (get/post/put/delete, fetch_page, iter_pages) funnels through
    :meth:`request`, so overriding that one method covers them all; any other attribute
    (``conn``, ``auth_method``...) is the wrapped client's.
    """

    def __init__(self, inner: WooClient) -> None:  # no super().__init__: no session of its own
        self._inner = inner
        self.requests: list[dict[str, Any]] = []
        self.current: Any = None
        self._first_read: Any = None
        self._resolved = False
        self._made: dict[str, Any] = {}

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def __repr__(self) -> str:
        return f"RecordingClient({self._inner!r})"

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        require_json: bool = True,
        anonymous: bool = False,
        retries: int | None = None,
    ) -> WooResponse:
        method = method.upper()
        made = self._made_here(path)
        if method in IDEMPOTENT and made is not None:
            return WooResponse(200, {}, copy.deepcopy(made), self._inner.url_for(path), [])
        if method in IDEMPOTENT:
            resp = self._inner.request(method, path, params=params, json=json,
                                       require_json=require_json, anonymous=anonymous, retries=retries)
            if self._first_read is None and method == "GET":
                self._first_read = resp.data
            return resp
        self.requests.append({
            "method": method,
            "path": path,
            "query": _safe_query(params),
            "body": copy.deepcopy(json),
        })
        if method == "POST" or made is not None:
            return WooResponse(201, {}, self._created(path, json), self._inner.url_for(path), [])
        # PUT/PATCH/DELETE act on a record that exists now: read it (a missing one fails here,
        # as the write would) and answer with it, changed as the body says.
        before = self._inner.request("GET", path, params=_safe_params(params)).data
        if not self._resolved:
            self.current, self._resolved = before, True
        after = before
        if method != "DELETE" and isinstance(before, dict) and isinstance(json, Mapping):
            after = {**before, **copy.deepcopy(dict(json))}
        return WooResponse(200, {}, after, self._inner.url_for(path), [])

    def _created(self, path: str, body: Any) -> Any:
        """The stand-in answer to a POST: the body with ``id`` STAND_IN_ID (a batch answers item
        by item). The new record is remembered so that the tool's follow-up reads of it
        (``GET /products/0``, its variations) are answered here instead of 404ing at the store."""
        if not isinstance(body, Mapping):
            return copy.deepcopy(body)
        if path.rstrip("/").endswith("/batch"):
            return {
                "create": [{"id": STAND_IN_ID, **item} for item in body.get("create") or [] if isinstance(item, Mapping)],
                "update": [dict(item) for item in body.get("update") or [] if isinstance(item, Mapping)],
                "delete": [{"id": item} for item in body.get("delete") or []],
            }
        record = {**copy.deepcopy(dict(body)), "id": STAND_IN_ID}
        self._made[f"{path.rstrip('/')}/{STAND_IN_ID}"] = record
        return record

    def _made_here(self, path: str) -> Any:
        """A record this dry run pretended to create at ``path`` (a collection under it is empty)."""
        path = path.rstrip("/")
        for made, record in self._made.items():
            if path == made:
                return record
            if path.startswith(made + "/"):
                return []
        return None

    def result(self) -> dict[str, Any]:
        """The dry-run answer (schemas/defs/dry_run.json)."""
        current = self.current if self._resolved else self._first_read
        return {"dry_run": True, "requests": self.requests, "current": current}


def _safe_query(params: Mapping[str, Any] | None) -> dict[str, Any]:
    """The query as recorded: credential-named parameters masked, whatever put them there."""
    return {k: (MASK if is_sensitive_param(str(k)) else v) for k, v in (params or {}).items()}


def _safe_params(params: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """Query parameters that also make sense on the GET of the record (``force`` does not)."""
    if not params:
        return None
    kept = {k: v for k, v in params.items() if k in ("context", "dp", "_fields")}
    return kept or None
