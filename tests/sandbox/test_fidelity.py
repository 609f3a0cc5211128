"""Replay the real store's recorded exchanges against the sandbox and compare what matters.

Every capture in shared/woo-captures whose request the sandbox's resources serve is replayed,
in recording order, against one freshly seeded store, through ``routes.dispatch`` (the same
call path as the transport minus sockets and auth, which the transport's own tests cover). For
each we compare: the status; the WooCommerce error ``code``; whether X-WP-Total,
X-WP-TotalPages and Allow are present (and Allow's value); the ``Link`` rel values; and the
body's keys and JSON types, recursively. Values are not compared, with two documented
leniencies: ``null`` matches any type (date_paid, stock_quantity... are null or not by value)
and ``_links`` is compared as an object only (its rels depend on values such as customer_id).

Ids: the seed reproduces the captured ids of every object a capture reads (order 377, product
291 with variation 292, coupon 344, customer 3...). Objects the captures create get whatever id
the sandbox allocates; the test maps captured -> sandbox ids as it goes (752 -> the sandbox's
first new order, and so on) and rewrites later paths and bodies.

Captures left out are listed in ``EXCLUDED`` with the reason. The share is printed as
``fidelity: N/M captures match`` and asserted to stay at or above ``FLOOR``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from woo_connector.sandbox.routes import dispatch
from woo_connector.sandbox.store import Store
from woo_connector.sandbox.wire import Request

CAPTURES = Path("/work/shared/woo-captures")
if not CAPTURES.exists():
    CAPTURES = Path(__file__).resolve().parents[1] / "fixtures" / "woo-captures"

TRANSPORT = "authentication / WordPress front controller behaviour: the transport's job, covered by tests/sandbox/test_auth.py and test_server.py"
EXCLUDED: dict[str, str] = {
    "001": "namespace index is served by the transport (server.namespace_index), not by a resource route",
    "002": "WordPress root /wp-json/ is served by the transport",
    "003": TRANSPORT, "004": TRANSPORT,
    **{f"{n:03d}": TRANSPORT for n in (189, 190, 191, 192, 193, 195, 196, 197, 201, 205, 206, 207, 209, 211,
                                       213, 214, 215, 216)},
    "231": "/wp-json/wc/v4 is outside the wc/v3 namespace the resources serve (transport answers rest_no_route)",
    "124": "malformed JSON is refused by the transport's body parser before routing",
    "252": "malformed JSON is refused by the transport's body parser before routing",
}
FLOOR = 0.97

KEY_ROLES = {"shop_manager": "shop_manager"}


def _captures() -> list[tuple[str, dict[str, Any]]]:
    return [(p.name[:3], json.loads(p.read_text(encoding="utf-8"))) for p in sorted(CAPTURES.glob("[0-9][0-9][0-9]_*.json"))]


# -- shape comparison ---------------------------------------------------------------------------


def kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def infer(value: Any) -> dict[str, Any]:
    """A schema of the captured value: types, and for objects the keys every instance has."""
    schema: dict[str, Any] = {"types": {kind(value)}}
    if isinstance(value, dict):
        schema["required"] = set(value)
        schema["allowed"] = set(value)
        schema["props"] = {k: infer(v) for k, v in value.items()}
    elif isinstance(value, list):
        items = None
        for item in value:
            items = infer(item) if items is None else merge(items, infer(item))
        schema["items"] = items
    return schema


def merge(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"types": a["types"] | b["types"]}
    if "props" in a or "props" in b:
        pa, pb = a.get("props", {}), b.get("props", {})
        out["required"] = a.get("required", set(pb)) & b.get("required", set(pa))
        out["allowed"] = a.get("allowed", set()) | b.get("allowed", set())
        out["props"] = {k: merge(pa[k], pb[k]) if k in pa and k in pb else (pa.get(k) or pb[k]) for k in out["allowed"]}
    if "items" in a or "items" in b:
        ia, ib = a.get("items"), b.get("items")
        out["items"] = merge(ia, ib) if ia and ib else (ia or ib)
    return out


def differences(schema: dict[str, Any], value: Any, path: str = "$") -> list[str]:
    found = kind(value)
    if found == "null" or schema["types"] == {"null"}:
        return []
    if found not in schema["types"] - {"null"}:
        return [f"{path}: {found} where the store sent {sorted(schema['types'])}"]
    problems: list[str] = []
    if found == "object" and "props" in schema:
        if path.endswith("._links"):
            return []
        keys = set(value)
        missing = schema["required"] - keys
        extra = keys - schema["allowed"]
        if missing:
            problems.append(f"{path}: missing keys {sorted(missing)}")
        if extra:
            problems.append(f"{path}: unexpected keys {sorted(extra)}")
        for key in keys & set(schema["props"]):
            problems += differences(schema["props"][key], value[key], f"{path}.{key}")
    if found == "array" and schema.get("items"):
        for index, item in enumerate(value[:25]):
            problems += differences(schema["items"], item, f"{path}[{index}]")
    return problems


def rels(link: str | None) -> list[str]:
    return sorted(re.findall(r'rel="([^"]+)"', link or ""))


def compare(captured: dict[str, Any], status: int, headers: dict[str, str], body: Any) -> list[str]:
    want = captured["response"]
    problems = []
    if status != want["status"]:
        problems.append(f"status {status} != {want['status']}")
    want_body = want["body"]
    if isinstance(want_body, dict) and "code" in want_body and "message" in want_body:
        got_code = body.get("code") if isinstance(body, dict) else None
        if got_code != want_body["code"]:
            problems.append(f"code {got_code!r} != {want_body['code']!r}")
    for name in ("X-WP-Total", "X-WP-TotalPages"):
        if (name in want["headers"]) != (name in headers):
            problems.append(f"header {name} presence differs")
    if want["headers"].get("Allow") != headers.get("Allow"):
        problems.append(f"Allow {headers.get('Allow')!r} != {want['headers'].get('Allow')!r}")
    if rels(want["headers"].get("Link")) != rels(headers.get("Link")):
        problems.append(f"Link rels {rels(headers.get('Link'))} != {rels(want['headers'].get('Link'))}")
    if "application/json" not in headers.get("Content-Type", ""):
        problems.append("Content-Type is not JSON")
    problems += differences(infer(want_body), body)
    return problems


# -- replay ---------------------------------------------------------------------------------------


class Replayer:
    """Feeds captures to one store, translating ids the captures created into the sandbox's."""

    def __init__(self) -> None:
        self.store = Store.create(seed=42, orders=300)
        self.ids: dict[int, int] = {}
        self.keys = {key.role + ":" + key.permissions: key for key in self.store.keys.values()}

    def translate(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self.translate(v) for v in value]
        if isinstance(value, dict):
            return {k: (self.ids.get(v, v) if k in ("id", "product_id", "variation_id") and isinstance(v, int)
                        else self.translate(v)) for k, v in value.items()}
        return value

    def route(self, path: str) -> str:
        route = path.split("/wp-json/wc/v3", 1)[1] if "/wp-json/wc/v3" in path else path
        return "/".join(str(self.ids.get(int(p), p)) if p.isdigit() else p for p in route.split("/"))

    def query(self, query: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, value in query.items():
            if name.startswith("oauth_") or name in ("consumer_key", "consumer_secret"):
                continue
            match = re.fullmatch(r"(\w+)\[(\d*)\]", name)
            if match:
                values = value if isinstance(value, list) else [value]
                out.setdefault(match.group(1), []).extend(values)
            else:
                out[name] = value
        return out

    def key_for(self, auth: str) -> Any:
        role = "shop_manager" if "shop_manager" in auth else "administrator"
        permissions = "read" if re.search(r"\bro\b", auth) else "read_write"
        return self.keys.get(f"{role}:{permissions}")

    def run(self, captured: dict[str, Any]) -> tuple[int, dict[str, str], Any]:
        req = captured["request"]
        body = req.get("body")
        if isinstance(body, str) and "form-urlencoded" in str(req.get("headers", {}).get("Content-Type", "")):
            from urllib.parse import parse_qsl
            body = dict(parse_qsl(body))
        request = Request(
            method=req["method"], route=self.route(req["path"]), query=self.query(req.get("query") or {}),
            body=self.translate(body), headers={"Content-Type": "application/json"},
            base_url="https://127.0.0.1:8443", key=self.key_for(req.get("auth", "")),
        )
        response = dispatch(self.store, request)
        self.learn(captured["response"]["body"], response.body)
        return response.status, response.headers, response.body

    def learn(self, want: Any, got: Any) -> None:
        """Record captured -> sandbox ids of objects a write created (and batch items)."""
        if isinstance(want, dict) and isinstance(got, dict):
            if isinstance(want.get("id"), int) and isinstance(got.get("id"), int) and want["id"] not in self.ids \
                    and want["id"] != got["id"]:
                self.ids[want["id"]] = got["id"]
            if isinstance(want.get("data"), dict) and "new_draft_order_id" in want["data"] and isinstance(got.get("data"), dict):
                self.ids[want["data"]["new_draft_order_id"]] = got["data"].get("new_draft_order_id")
            for part in ("create", "update"):
                for w, g in zip(want.get(part) or [], got.get(part) or []):
                    self.learn(w, g)


def replay_all() -> tuple[list[str], dict[str, list[str]]]:
    replayer = Replayer()
    matched: list[str] = []
    failed: dict[str, list[str]] = {}
    for number, captured in _captures():
        if number in EXCLUDED:
            continue
        try:
            status, headers, body = replayer.run(captured)
            problems = compare(captured, status, headers, body)
        except Exception as exc:  # a crash is a mismatch with its reason, never a silent skip
            problems = [f"raised {type(exc).__name__}: {exc}"]
        if problems:
            failed[number] = problems
        else:
            matched.append(number)
    return matched, failed


@pytest.fixture(scope="module")
def replay() -> tuple[list[str], dict[str, list[str]]]:
    return replay_all()


def test_every_capture_is_replayed_or_excluded_with_a_reason() -> None:
    numbers = {n for n, _ in _captures()}
    assert numbers, "no captures found"
    assert set(EXCLUDED) <= numbers
    assert all(reason.strip() for reason in EXCLUDED.values())


def test_fidelity_share(replay: tuple[list[str], dict[str, list[str]]]) -> None:
    matched, failed = replay
    total = len(matched) + len(failed)
    print(f"\nfidelity: {len(matched)}/{total} captures match ({len(EXCLUDED)} excluded)")
    for number, problems in sorted(failed.items()):
        print(f"  {number}: {'; '.join(problems[:3])}")
    assert total > 150
    assert len(matched) / total >= FLOOR, failed


def test_shape_comparison_catches_a_missing_key() -> None:
    want = {"request": {}, "response": {"status": 200, "headers": {}, "body": {"id": 1, "total": "1.00"}}}
    assert compare(want, 200, {"Content-Type": "application/json"}, {"id": 2}) == ["$: missing keys ['total']"]
    assert compare(want, 200, {"Content-Type": "application/json"}, {"id": 2, "total": 1}) == [
        "$.total: number where the store sent ['string']"]
