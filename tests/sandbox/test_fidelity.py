"""Replay the real store's recorded exchanges against a running sandbox over HTTP and compare.

Every capture in tests/fixtures/woo-captures (``captures.CAPTURES``) is sent, in recording order, with ``requests`` to two
sandboxes started by this module (HTTPS for the captures taken on :8443, plain HTTP for those on
:8080) that share one freshly seeded store, so state carries across as it did on the real store
(752 created over HTTPS gets its note over OAuth/HTTP). The whole path runs: sockets, TLS,
PHP query parsing, authentication, permission checks, routing, handlers, ``_fields`` and headers.

Credentials are translated, not interpreted: the captured store's three keys (read from the
captured Basic headers) are replaced by the sandbox's rw, ro and shop-manager keys wherever they
appear (Basic header, ``consumer_key``/``consumer_secret`` query, ``oauth_consumer_key``); keys
the real store did not know (``ck_0000...``, ``cs_wrong``, ``ck_nope``) stay as they were. OAuth
requests are re-signed with oauthlib's RFC 5849 signer, as the capturing client signed them
(checked: its signature reproduces every captured one), with the sandbox's secret when the
captured signature used the real secret and with a wrong secret when it did not (205). Captured
timestamps keep their age relative to the capture run (207 stays an hour old), nonces are kept,
so 208 and 209 are the same signed request sent twice and the second is a replay.

For each we compare: the status; the WooCommerce error ``code``; whether X-WP-Total and
X-WP-TotalPages are present; Allow's value; the ``Link`` rel values; a JSON Content-Type; the
message of authentication errors (one code, many causes); and the body's keys and JSON types,
recursively. Values are not compared otherwise, with documented leniencies:
``null`` matches any type; ``_links`` is compared as an object only; and objects keyed by data
(``routes`` in discovery documents, the date-keyed ``totals`` of sales reports) are compared
value by value against every captured value, not key by key, because the sandbox serves a
trimmed route table and report ranges move with the clock.

Ids: the seed reproduces the captured ids of every object a capture reads. Objects the captures
create get whatever id the sandbox allocates; the test maps captured -> sandbox ids as it goes
and rewrites later paths and bodies. Captures left out are listed in ``EXCLUDED`` with the reason.
"""

from __future__ import annotations

import base64
import json
import re
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

import pytest
import requests
from oauthlib.oauth1.rfc5849 import signature as rfc5849

from captures import CAPTURES
from woo_connector.sandbox import Sandbox
from woo_connector.sandbox.store import Store

# oauthlib's plain signing functions take the secret as is; the *_with_client forms need a Client
pytestmark = pytest.mark.filterwarnings("ignore:use sign_hmac:DeprecationWarning")

EXCLUDED: dict[str, str] = {}
FLOOR = 1.0
MAPS = re.compile(r"\$\.routes|\$\[\d+\]\.totals")
"""Objects whose keys are data, compared value by value (see the module docstring)."""

WRONG_SECRET = "cs_" + "f" * 40


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
        if MAPS.fullmatch(path):
            every = None
            for inner in schema["props"].values():
                every = inner if every is None else merge(every, inner)
            return [p for key, inner in value.items() if every for p in differences(every, inner, f"{path}[{key!r}]")][:5]
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
        elif want_body["code"].startswith("woocommerce_rest_authentication") and body.get("message") != want_body["message"]:
            # one code, many causes (wrong secret, old timestamp, replayed nonce...): the message tells which
            problems.append(f"message {body.get('message')!r} != {want_body['message']!r}")
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


# -- credentials ----------------------------------------------------------------------------------


def captured_keys(captures: list[tuple[str, dict[str, Any]]]) -> dict[str, list[tuple[str, str]]]:
    """The captured stores' key pairs by kind, read from the Basic headers their captures sent.

    Captures 262 onwards come from a rebuilt store with its own keys: each kind has one pair per
    store, in recording order, and all of them map to the sandbox's key of that kind.
    """
    kinds = {"basic rw (": "rw", "basic ro (": "ro", "basic shop_manager (": "shop_manager"}
    found: dict[str, list[tuple[str, str]]] = {}
    for _, exchange in captures:
        label = exchange["request"].get("auth", "")
        header = exchange["request"]["headers"].get("Authorization", "")
        for prefix, kind in kinds.items():
            if label.startswith(prefix) and header.startswith("Basic "):
                ck, _, cs = base64.b64decode(header[6:]).decode().partition(":")
                if (ck, cs) not in found.setdefault(kind, []):
                    found[kind].append((ck, cs))
    return found


class Credentials:
    """Swaps the captured store's keys for the sandbox's and re-signs OAuth requests."""

    def __init__(self, captured: dict[str, list[tuple[str, str]]], sandbox: Sandbox, reference: int) -> None:
        self.swap: dict[str, str] = {}
        self.secrets: dict[str, str] = {}  # captured consumer key -> captured secret
        for kind, pairs in captured.items():
            key = sandbox.key(kind)
            for ck, cs in pairs:
                self.swap[ck], self.swap[cs] = key.consumer_key, key.consumer_secret
                self.secrets[ck] = cs
        self.reference = reference  # the newest captured oauth_timestamp: "the moment of capture"
        self.now = int(time.time())

    def value(self, text: str) -> str:
        return self.swap.get(text, text)

    def basic(self, header: str) -> str:
        try:
            ck, sep, cs = base64.b64decode(header[6:], validate=True).decode().partition(":")
        except (ValueError, UnicodeDecodeError):
            return header  # a garbled header (192) goes out garbled
        if not sep:
            return header
        return "Basic " + base64.b64encode(f"{self.value(ck)}:{self.value(cs)}".encode()).decode()

    def timestamp(self, captured: str) -> str:
        return str(self.now - (self.reference - int(captured))) if captured.isdigit() else captured

    def oauth(self, method: str, captured_url: str, url: str, pairs: list[tuple[str, str]], header: str | None,
              ) -> tuple[list[tuple[str, str]], str | None]:
        """Query pairs and Authorization header for ``url`` on the sandbox, signed as the capture was."""
        header_pairs = rfc5849.collect_parameters(headers={"Authorization": header}, exclude_oauth_signature=False) \
            if header and header.startswith("OAuth ") else []
        every = pairs + header_pairs
        params = dict(every)
        captured_signature = params.get("oauth_signature")
        ck = params.get("oauth_consumer_key", "")
        signer = rfc5849.sign_hmac_sha256 if params.get("oauth_signature_method") == "HMAC-SHA256" else rfc5849.sign_hmac_sha1
        secret = WRONG_SECRET
        if captured_signature is not None and ck in self.secrets:
            rest = [(k, v) for k, v in every if k != "oauth_signature"]
            if captured_signature == self._sign(signer, method, captured_url.split("?")[0], rest, self.secrets[ck]):
                secret = self.value(self.secrets[ck])

        def renew(items: list[tuple[str, str]]) -> list[tuple[str, str]]:
            out = []
            for k, v in items:
                if k == "oauth_timestamp":
                    v = self.timestamp(v)
                elif k in ("oauth_consumer_key", "consumer_key", "consumer_secret"):
                    v = self.value(v)
                out.append((k, v))
            return out

        pairs, header_pairs = renew(pairs), renew(header_pairs)
        if captured_signature is not None:
            unsigned = [(k, v) for k, v in pairs + header_pairs if k != "oauth_signature"]
            fresh = self._sign(signer, method, url, unsigned, secret)
            pairs = [(k, fresh if k == "oauth_signature" else v) for k, v in pairs]
            header_pairs = [(k, fresh if k == "oauth_signature" else v) for k, v in header_pairs]
        if header_pairs:
            header = "OAuth " + ", ".join(f'{k}="{quote(v, safe="")}"' for k, v in header_pairs)
        return pairs, header

    @staticmethod
    def _sign(signer: Any, method: str, url: str, params: list[tuple[str, str]], secret: str) -> str:
        base = rfc5849.signature_base_string(method, rfc5849.base_string_uri(url),
                                             rfc5849.normalize_parameters(params))
        return signer(base, secret, None)  # the deprecated form takes the secret as is: no client object


# -- replay ---------------------------------------------------------------------------------------


class Replayer:
    """Sends captures to the sandboxes, translating ids the captures created into the sandbox's."""

    def __init__(self, https: Sandbox, http: Sandbox, credentials: Credentials) -> None:
        self.sites = {"https": https, "http": http}
        self.credentials = credentials
        self.ids: dict[int, int] = {}
        self.session = requests.Session()

    def translate(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self.translate(v) for v in value]
        if isinstance(value, dict):
            return {k: (self.ids.get(v, v) if k in ("id", "product_id", "variation_id") and isinstance(v, int)
                        else self.translate(v)) for k, v in value.items()}
        return value

    def path(self, path: str) -> str:
        return "/".join(str(self.ids.get(int(p), p)) if p.isdigit() else p for p in path.split("/"))

    def send(self, captured: dict[str, Any]) -> requests.Response:
        req = captured["request"]
        parts = urlsplit(req["url"])
        sandbox = self.sites[parts.scheme]
        url = sandbox.url + self.path(parts.path)
        pairs = parse_qsl(parts.query, keep_blank_values=True)
        if "rest_route" in dict(pairs):
            pairs = [(k, self.path(v) if k == "rest_route" else v) for k, v in pairs]
        headers = {k: v for k, v in req["headers"].items() if k in ("Content-Type", "X-HTTP-Method-Override")}
        authorization = req["headers"].get("Authorization")
        if any(k.startswith("oauth_") for k, _ in pairs) or (authorization or "").startswith("OAuth "):
            pairs, authorization = self.credentials.oauth(req["method"], req["url"], url, pairs, authorization)
        else:
            pairs = [(k, self.credentials.value(v) if k in ("consumer_key", "consumer_secret") else v) for k, v in pairs]
            if authorization and authorization.startswith("Basic "):
                authorization = self.credentials.basic(authorization)
        if authorization:
            headers["Authorization"] = authorization
        body = req.get("body")
        data: Any = None
        if isinstance(body, str):
            data = body.encode("utf-8")
        elif body is not None:
            data = json.dumps(self.translate(body)).encode("utf-8")
        query = urlencode(pairs)
        return self.session.request(req["method"], url + ("?" + query if query else ""), data=data,
                                    headers=headers, verify=self.sites["https"].ca_bundle, timeout=30,
                                    allow_redirects=False)

    def run(self, captured: dict[str, Any]) -> tuple[int, dict[str, str], Any]:
        response = self.send(captured)
        try:
            body = response.json()
        except ValueError:
            body = response.text
        self.learn(captured["response"]["body"], body)
        return response.status_code, dict(response.headers), body

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


@pytest.fixture(scope="module")
def sandboxes() -> Iterator[tuple[Sandbox, Sandbox]]:
    """A dedicated HTTPS + HTTP pair over one store: the replay's writes never reach other tests."""
    store = Store.create(seed=42, orders=300)
    https = Sandbox(store=store, https=True).start()
    http = Sandbox(store=store, https=False).start()
    try:
        yield https, http
    finally:
        http.stop()
        https.stop()


def replay_all(https: Sandbox, http: Sandbox) -> tuple[list[str], dict[str, list[str]]]:
    captures = _captures()
    stamps = [int(v) for _, c in captures for k, v in parse_qsl(urlsplit(c["request"]["url"]).query)
              if k == "oauth_timestamp" and v.isdigit()]
    replayer = Replayer(https, http, Credentials(captured_keys(captures), https, max(stamps)))
    matched: list[str] = []
    failed: dict[str, list[str]] = {}
    for number, captured in captures:
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
def replay(sandboxes: tuple[Sandbox, Sandbox]) -> tuple[list[str], dict[str, list[str]]]:
    return replay_all(*sandboxes)


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


def test_data_keyed_objects_are_compared_value_by_value() -> None:
    want = {"request": {}, "response": {"status": 200, "headers": {},
                                        "body": {"routes": {"/a": {"methods": ["GET"]}, "/b": {"methods": ["POST"]}}}}}
    assert compare(want, 200, {"Content-Type": "application/json"}, {"routes": {"/c": {"methods": ["PUT"]}}}) == []
    assert compare(want, 200, {"Content-Type": "application/json"}, {"routes": {"/c": {"methods": "PUT"}}}) == [
        "$.routes['/c'].methods: string where the store sent ['array']"]


def test_resigning_reproduces_the_captured_client_and_keeps_a_wrong_secret_wrong() -> None:
    captures = _captures()
    keys = captured_keys(captures)
    assert set(keys) == {"rw", "ro", "shop_manager"}
    assert all(len(pairs) == 2 for pairs in keys.values())  # the first store's and the rebuilt one's
    rw_key, rw_secret = keys["rw"][0]
    signer = Credentials.__new__(Credentials)
    signer.secrets, signer.swap, signer.reference, signer.now = {rw_key: rw_secret}, {}, 0, 0
    for number in ("198", "205"):
        url = dict(captures)[number]["request"]["url"]
        pairs = parse_qsl(urlsplit(url).query)
        rest = [(k, v) for k, v in pairs if k != "oauth_signature"]
        reproduced = signer._sign(rfc5849.sign_hmac_sha1, "GET", url.split("?")[0], rest, rw_secret)
        assert (reproduced == dict(pairs)["oauth_signature"]) is (number == "198")
        resigned, _ = signer.oauth("GET", url, url, pairs, None)
        expected_secret = rw_secret if number == "198" else WRONG_SECRET
        assert dict(resigned)["oauth_signature"] == signer._sign(rfc5849.sign_hmac_sha1, "GET", url.split("?")[0],
                                                                 [p for p in resigned if p[0] != "oauth_signature"],
                                                                 expected_secret)
