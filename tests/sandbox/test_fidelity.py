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
import functools
import hashlib
import hmac
import json
import re
import threading
import time
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from collections.abc import Callable, Iterator, Mapping
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

import pytest
import requests
from oauthlib.oauth1.rfc5849 import signature as rfc5849

from captures import CAPTURES
from woo_connector.sandbox import Sandbox
from woo_connector.sandbox.routes import dispatch
from woo_connector.sandbox.store import Store, stamp
from woo_connector.sandbox.wire import Request

# oauthlib's plain signing functions take the secret as is; the *_with_client forms need a Client
pytestmark = pytest.mark.filterwarnings("ignore:use sign_hmac:DeprecationWarning")

EXCLUDED: dict[str, str] = {}
REBUILT = 262
"""Captures from this number on were recorded on a rebuilt store (README, "Captures 262 onwards")."""
FLOOR = 1.0
MAPS = re.compile(r"\$\.routes|\$\[\d+\]\.totals")
"""Objects whose keys are data, compared value by value (see the module docstring)."""

WRONG_SECRET = "cs_" + "f" * 40


@functools.cache
def _captures() -> list[tuple[str, dict[str, Any]]]:
    """Every capture, parsed once for the module's tests (they only read them)."""
    return [(p.name[:3], json.loads(p.read_text(encoding="utf-8"))) for p in sorted(CAPTURES.glob("[0-9][0-9][0-9]_*.json"))]


# -- shape comparison ---------------------------------------------------------------------------


KINDS = {type(None): "null", bool: "boolean", int: "number", float: "number", str: "string",
         list: "array", dict: "object"}


def kind(value: Any) -> str:
    return KINDS.get(type(value), "object")


def infer(value: Any) -> dict[str, Any]:
    """A schema of the captured value: types, and for objects the keys every instance has."""
    return infer_all([value])


def infer_all(values: list[Any]) -> dict[str, Any]:
    """One schema for all of ``values`` (a list's items, one key across objects): what merging
    their schemas one by one gives, built in one pass because capture bodies hold hundreds."""
    types = set(map(type, values))
    schema: dict[str, Any] = {"types": {KINDS.get(t, "object") for t in types}}
    if dict in types:
        objects = values if len(types) == 1 else [v for v in values if type(v) is dict]
        schema["required"] = required = set(objects[0]).intersection(*objects[1:])
        schema["allowed"] = allowed = set().union(*objects)
        schema["props"] = Props(objects, required, allowed)
    if list in types:
        items = [item for value in values if type(value) is list for item in value]
        schema["items"] = infer_all(items) if items else None
    return schema


class Props(Mapping[str, dict[str, Any]]):
    """Each key's schema across the objects, inferred the first time it is read.

    A comparison reads only the keys the sandbox's answer has, with a value, outside ``_links``:
    most of a big capture's schema (the /wp-json/ documents' route tables were half of the
    replay's time) is never needed, so it is never built. What is built is what eager inference
    built."""

    def __init__(self, objects: list[dict[str, Any]], required: set[str], allowed: set[str]) -> None:
        self.objects, self.required, self.allowed = objects, required, allowed
        self._built: dict[str, dict[str, Any]] = {}

    def __getitem__(self, key: str) -> dict[str, Any]:
        built = self._built.get(key)
        if built is None:
            if key not in self.allowed:
                raise KeyError(key)
            # a key every object has needs no membership test per object (most keys, most objects)
            values = [o[key] for o in self.objects] if key in self.required else [o[key] for o in self.objects if key in o]
            built = self._built[key] = infer_all(values)
        return built

    def __contains__(self, key: object) -> bool:
        return key in self.allowed

    def __iter__(self) -> Iterator[str]:
        return iter(self.allowed)

    def __len__(self) -> int:
        return len(self.allowed)

    def every_value(self) -> dict[str, Any] | None:
        """One schema for the values of every key (a data-keyed object's entries): what merging
        the keys' schemas one by one gives, as :func:`infer_all` of all the values at once."""
        values = [value for o in self.objects for value in o.values()]
        return infer_all(values) if values else None


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
    if found not in schema["types"]:  # found is not "null" here
        return [f"{path}: {found} where the store sent {sorted(schema['types'])}"]
    problems: list[str] = []
    if found == "object" and "props" in schema:
        if path.endswith("._links"):
            return []
        if MAPS.fullmatch(path):
            props = schema["props"]
            every = props.every_value() if isinstance(props, Props) else None
            if not isinstance(props, Props):
                for inner in props.values():
                    every = inner if every is None else merge(every, inner)
            return [p for key, inner in value.items() if every for p in differences(every, inner, f"{path}[{key!r}]")][:5]
        keys = set(value)
        missing = schema["required"] - keys
        extra = keys - schema["allowed"]
        if missing:
            problems.append(f"{path}: missing keys {sorted(missing)}")
        if extra:
            problems.append(f"{path}: unexpected keys {sorted(extra)}")
        props = schema["props"]
        for key in keys & set(props):
            if value[key] is not None:  # null matches any type: its schema need not be built
                problems += differences(props[key], value[key], f"{path}.{key}")
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
        # the sandboxes are on loopback: no proxy, netrc or CA settings from the environment, which
        # requests would otherwise look up again for every request
        self.session.trust_env = False

    def translate(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self.translate(v) for v in value]
        if isinstance(value, dict):
            return {k: (self.ids.get(v, v) if k in ("id", "product_id", "variation_id") and isinstance(v, int)
                        else [self.ids.get(i, i) for i in v] if k == "delete" and isinstance(v, list)
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


class Receiver:
    """A webhook receiver on 127.0.0.1, as the capturing run had on :80/hook; keeps what arrives."""

    def __init__(self) -> None:
        received = self.received = []  # type: list[tuple[str, str, dict[str, str], bytes]]

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                received.append((self.command, self.path, dict(self.headers.items()), raw))
                answer = b'{"received": true}'
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        # polled every 10 ms, so close() waits that long, not serve_forever's 0.5 s
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def rebuilt() -> Iterator[tuple[Sandbox, Receiver]]:
    """Captures 262 onwards came from a rebuilt store: a fresh store of its own, and a receiver the
    store may deliver webhooks to (the capture's :80 is replaced by the receiver's port)."""
    receiver = Receiver()
    store = Store.create(seed=42, orders=300)
    https = Sandbox(store=store, https=True, webhook_ports=(receiver.port,)).start()
    try:
        yield https, receiver
    finally:
        https.stop()
        receiver.close()


def capture_moment(captured: dict[str, Any]) -> datetime | None:
    date = captured["response"]["headers"].get("Date")
    return parsedate_to_datetime(date) if date else None


def recording_order(captures: list[tuple[str, dict[str, Any]]]) -> list[tuple[str, dict[str, Any]]]:
    """The rebuilt store's captures are numbered by topic, not time: replay them by their Date,
    a receiver's exchange (no Date) right after the request that caused it."""
    keyed, last = [], datetime.min.replace(tzinfo=timezone.utc)
    for number, captured in captures:
        last = capture_moment(captured) or last
        keyed.append((last, number, captured))
    return [(number, captured) for _, number, captured in sorted(keyed, key=lambda item: item[0])]


def dispatch_as_admin(store: Store, method: str, route: str, body: Any = None) -> dict[str, Any]:
    response = dispatch(store, Request(method, route, {}, body, {}, "https://127.0.0.1"))
    assert response.status < 300, response.body
    return response.body


class RebuiltState:
    """The rebuilt store's data that captures 262-318 read, laid onto a fresh sandbox store.

    Everything here is read from the captures (their ids, SKUs, stamps and descriptions): which
    object a rebuilt id stands for is chosen by the state the capture shows (510: a completed order
    whose line's product manages stock; 616: fully refunded; 675: with a fee, a coupon and
    shipping), and the 13 orders of the paged sync window (312-315) get the captured
    ``date_modified_gmt``. Objects the capturing run made just before a capture (customer 65,
    coupon 821, order 822) are made just before it here.
    """

    WINDOW_SIXTH = "2026-11-30T05:00:00"
    """Order 701 is never shown (that is what 314 demonstrates): a stamp between 5th and 7th."""

    def __init__(self, store: Store, captures: dict[str, dict[str, Any]], ids: dict[int, int]) -> None:
        self.store, self.captures, self.ids = store, captures, ids
        orders = sorted(store.all("order"), key=lambda o: o["id"])
        used: set[int] = set()

        def pick(rebuilt: int, test: Any) -> dict[str, Any]:
            doc = next(o for o in orders if o["id"] not in used and test(o))
            used.add(doc["id"])
            ids[rebuilt] = doc["id"]
            return doc

        def stocked(order: dict[str, Any]) -> bool:
            line = order["line_items"][0] if order["line_items"] else None
            product = store.get("product", line["product_id"]) if line else None
            return bool(product and product["type"] == "simple" and product.get("manage_stock")
                        and not line["variation_id"] and line["tax_class"] == "")

        paid = pick(510, lambda o: o["status"] == "completed" and not o["refunds"] and stocked(o))
        ids[533], ids[138] = paid["line_items"][0]["id"], paid["line_items"][0]["product_id"]
        pick(616, lambda o: o["status"] == "refunded")
        pick(675, lambda o: o["fee_lines"] and o["coupon_lines"] and o["shipping_lines"])
        pick(693, lambda o: o["status"] == "on-hold")
        stamps = {b["id"]: b["date_modified_gmt"] for n in ("312", "314", "315") for b in body_of(captures[n])}
        stamps[698] = "2026-11-29T13:11:21"  # 315 shows it after 313 moved it; 312 before
        stamps[701] = self.WINDOW_SIXTH
        for rebuilt, moment in stamps.items():
            order = pick(rebuilt, lambda o: True)
            stamp(order, "date_modified", datetime.fromisoformat(moment).replace(tzinfo=timezone.utc))
            store.touch("order", order["id"])
        for item in captures["266"]["request"]["body"]["update"]:
            pick(item["id"], lambda o: True)
        self._products()

    def _products(self) -> None:
        """SKUs of 269-272: a variable product's variation and two simple products."""
        products = sorted(self.store.all("product"), key=lambda p: p["id"])
        variable = next(p for p in products if p["type"] == "variable" and p["variations"])
        variation = self.store.get("product", variable["variations"][0])
        self.ids[328], self.ids[331] = variable["id"], variation["id"]
        variation["sku"] = "RW-PNT-0161-M"
        simple = [p for p in products if p["type"] == "simple" and p["id"] != self.ids[138]]
        simple[0]["sku"], simple[1]["sku"] = "RW-TSH-0129", "RW-KIT-0114"

    def before(self, number: str) -> None:
        """Make what the capturing run made just before ``number`` (not itself captured)."""
        if number == "293":
            self.ids[65] = dispatch_as_admin(self.store, "POST", "/customers", {"email": "capture-65@example.test"})["id"]
        elif number == "295":
            self.ids[821] = dispatch_as_admin(self.store, "POST", "/coupons",
                                              {"code": "capture-trash-262", "amount": "1.00"})["id"]
        elif number == "301":
            self.ids[822] = dispatch_as_admin(self.store, "POST", "/orders", {"status": "pending"})["id"]


def body_of(captured: dict[str, Any]) -> Any:
    return captured["response"]["body"]


def header_names(headers: dict[str, str]) -> set[str]:
    return {name.lower() for name in headers if name.lower().startswith("x-wc-webhook-")}


def compare_delivery(captured: dict[str, Any], received: list[tuple[str, str, dict[str, str], bytes]],
                     secret: str | None) -> list[str]:
    """A webhook request the sandbox sent against the one WooCommerce sent (306, 308, 311)."""
    if len(received) != 1:
        return [f"{len(received)} deliveries where the store sent one"]
    method, path, headers, raw = received[0]
    want = captured["request"]
    problems = []
    if method != want["method"] or path != urlsplit(want["url"]).path:
        problems.append(f"{method} {path} != {want['method']} {urlsplit(want['url']).path}")
    if headers.get("Content-Type") != want["headers"].get("Content-Type"):
        problems.append(f"Content-Type {headers.get('Content-Type')!r} != {want['headers'].get('Content-Type')!r}")
    if header_names(headers) != header_names(want["headers"]):
        problems.append(f"X-WC-Webhook headers {sorted(header_names(headers))} != {sorted(header_names(want['headers']))}")
    if want["headers"].get("Content-Type") == "application/x-www-form-urlencoded":
        body: Any = dict(parse_qsl(raw.decode()))
    else:
        body = json.loads(raw)
        if "\\/" in want["body_raw"] and "/" in raw.decode().replace("\\/", ""):
            problems.append("slashes are not escaped as \\/ in the raw body")
        signature = base64.b64encode(hmac.new((secret or "").encode(), raw, hashlib.sha256).digest()).decode()
        if headers.get("X-WC-Webhook-Signature") != signature:
            problems.append("X-WC-Webhook-Signature is not base64(HMAC-SHA256(raw body, secret))")
    return problems + differences(infer(want["body"]), body)


def replay_rebuilt(https: Sandbox, receiver: Receiver, captures: list[tuple[str, dict[str, Any]]],
                   credentials: Credentials) -> tuple[list[str], dict[str, list[str]]]:
    """Captures 262 onwards, in recording order, at the moments they were recorded (the store's
    clock is set to each capture's Date and runs on from there), so whole-second stamps and
    ``modified_after`` bounds meet the same seconds they met on the real store."""
    store = https.store
    replayer = Replayer(https, https, credentials)
    state = RebuiltState(store, dict(captures), replayer.ids)
    secrets: list[str] = []
    tally = Tally()

    def check(captured: dict[str, Any]) -> list[str]:
        if not captured["request"]["path"].startswith("/wp-json"):
            if header_names(captured["request"]["headers"]):
                https.deliver_webhooks()
            problems = compare_delivery(captured, receiver.received, secrets[-1] if secrets else None)
            receiver.received.clear()
            return problems
        request = captured["request"]
        if request["path"].endswith("/webhooks") and request["method"] == "POST":
            secrets.append(request["body"].get("secret"))
            request = {**request, "body": {**request["body"], "delivery_url": f"http://127.0.0.1:{receiver.port}/hook"}}
        return compare(captured, *replayer.run({**captured, "request": request}))

    for number, captured in recording_order(captures):
        if number in EXCLUDED:
            continue
        moment, started = capture_moment(captured), time.monotonic()
        if moment is not None:
            store.set_clock(lambda m=moment, t=started: m + timedelta(seconds=int(time.monotonic() - t)))
        state.before(number)
        tally.record(number, lambda captured=captured: check(captured))
    store.set_clock(None)
    return tally.matched, tally.failed


class Tally:
    """Matched and failed captures; a crash is a mismatch with its reason, never a silent skip."""

    def __init__(self) -> None:
        self.matched: list[str] = []
        self.failed: dict[str, list[str]] = {}

    def record(self, number: str, check: Callable[[], list[str]]) -> None:
        try:
            problems = check()
        except Exception as exc:
            problems = [f"raised {type(exc).__name__}: {exc}"]
        if problems:
            self.failed[number] = problems
        else:
            self.matched.append(number)


def replay_all(https: Sandbox, http: Sandbox, rebuilt: tuple[Sandbox, Receiver]) -> tuple[list[str], dict[str, list[str]]]:
    captures = _captures()
    stamps = [int(v) for _, c in captures for k, v in parse_qsl(urlsplit(c["request"]["url"]).query)
              if k == "oauth_timestamp" and v.isdigit()]
    replayer = Replayer(https, http, Credentials(captured_keys(captures), https, max(stamps)))
    tally = Tally()
    for number, captured in captures:
        if number not in EXCLUDED and int(number) < REBUILT:
            tally.record(number, lambda captured=captured: compare(captured, *replayer.run(captured)))
    later = [(n, c) for n, c in captures if int(n) >= REBUILT]
    more, broken = replay_rebuilt(rebuilt[0], rebuilt[1], later,
                                  Credentials(captured_keys(captures), rebuilt[0], max(stamps)))
    return tally.matched + more, {**tally.failed, **broken}


@pytest.fixture(scope="module")
def replay(sandboxes: tuple[Sandbox, Sandbox], rebuilt: tuple[Sandbox, Receiver]) -> tuple[list[str], dict[str, list[str]]]:
    return replay_all(*sandboxes, rebuilt)


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
