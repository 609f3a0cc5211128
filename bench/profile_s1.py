"""Where a get-order call spends its time: cProfile of S1, then the suspects timed one by one.

``python -m bench.profile_s1 [calls]``. Part 1 profiles the connector and the raw Session over HTTP
(OAuth 1.0a) and HTTPS (Basic) against the sandbox in a child process, and prints the cumulative
CPU µs per call of the functions that matter (the profiler's timer is process time, so waiting for
the store is not counted; profiler overhead is, so read them as shares). Part 2 times each suspect
alone, without the profiler, on the same real payloads: the µs figures bench/PROFILE.md quotes.
Part 3 compares jsonschema with compiled validators on a real get-order output and a real 100-order
list-orders output.
"""

from __future__ import annotations

import cProfile
import copy
import pstats
import sys
import time
import timeit
from typing import Any, Callable

import requests

from bench import clients
from bench.scenarios import calibration_us
from bench.store_process import StoreProcess

# (label, file suffix, function name): cumulative time of these, per call
SUSPECTS = [
    ("Registry.invoke (whole call)", "woo_connector/registry.py", "invoke"),
    ("  check_input (jsonschema, input)", "woo_connector/registry.py", "check_input"),
    ("  Registry.connection (jsonschema on the connection dict + from_dict)", "woo_connector/registry.py", "connection"),
    ("  Registry.check_output (jsonschema, output; strict only)", "woo_connector/registry.py", "check_output"),
    ("  WooClient._answer_once (prepare, sign, send, read)", "woo_connector/client.py", "_answer_once"),
    ("  WooClient._decoded", "woo_connector/client.py", "_decoded"),
    ("    redact_url (x2 per call)", "woo_connector/redact.py", "redact_url"),
    ("    decode_body", "woo_connector/response.py", "decode_body"),
    ("    php_pairs", "woo_connector/query.py", "php_pairs"),
    ("Session.request", "requests/sessions.py", "request"),
    ("  Session.prepare_request", "requests/sessions.py", "prepare_request"),
    ("    PreparedRequest.prepare_auth (signer)", "requests/models.py", "prepare_auth"),
    ("      WooOAuth1.__call__", "woo_connector/auth.py", "__call__"),
    ("      requests_oauthlib OAuth1.__call__", "requests_oauthlib/oauth1_auth.py", "__call__"),
    ("  Session.merge_environment_settings", "requests/sessions.py", "merge_environment_settings"),
    ("    get_environ_proxies", "requests/utils.py", "get_environ_proxies"),
    ("  Session.send", "requests/sessions.py", "send"),
    ("    HTTPAdapter.send (socket + urllib3)", "requests/adapters.py", "send"),
    ("    extract_cookies_to_jar", "requests/cookies.py", "extract_cookies_to_jar"),
    ("Response.json", "requests/models.py", "json"),
    ("  Response.text (charset guess)", "requests/models.py", "text"),
]


def profile(call: Callable[[], Any], calls: int) -> dict[str, float]:
    """µs per call (cumulative, profiler overhead included) of every suspect seen."""
    for _ in range(5):
        call()
    profiler = cProfile.Profile(time.process_time)  # CPU only: the wait for the store is not ours
    profiler.enable()
    for _ in range(calls):
        call()
    profiler.disable()
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    out: dict[str, float] = {}
    for label, suffix, name in SUSPECTS:
        total = sum(ct for (file, _line, func), (_cc, _nc, _tt, ct, _callers) in stats.items()
                    if func == name and file.endswith(suffix))
        if total:
            out[label] = total / calls * 1e6
    out["(total profiled)"] = sum(tt for (_cc, _nc, tt, _ct, _callers) in stats.values()) / calls * 1e6
    return out


def per_call_us(fn: Callable[[], Any], number: int = 300) -> float:
    """Best of three timeit runs, µs per call: the least disturbed figure on a shared machine."""
    fn()
    return min(timeit.repeat(fn, number=number, repeat=3)) / number * 1e6


def suspects_alone(http: dict[str, Any], https: dict[str, Any], order_id: int) -> list[tuple[str, float]]:
    import woo_connector
    from woo_connector.auth import WooOAuth1
    from woo_connector.query import php_pairs
    from woo_connector.redact import redact_url
    from woo_connector.response import decode_json

    registry = woo_connector.load()
    url = f"{http['site_url']}/wp-json/wc/v3/orders/{order_id}"
    raw = requests.Session()
    body = raw.get(url, auth=clients.RawSession(http).session.auth).content
    text = body.decode()
    signed = requests.Request("GET", url, auth=WooOAuth1(http["consumer_key"], http["consumer_secret"])).prepare().url

    trusting, closed = requests.Session(), requests.Session()
    closed.trust_env = False
    prepared = requests.Request("GET", url).prepare()
    from requests_oauthlib import OAuth1

    rfc = OAuth1(http["consumer_key"], http["consumer_secret"], signature_method="HMAC-SHA256", signature_type="query")
    woo = WooOAuth1(http["consumer_key"], http["consumer_secret"])
    schemas = registry.schemas
    rows = [
        ("Session.merge_environment_settings, trust_env True (env proxies + CA lookup)",
         per_call_us(lambda: trusting.merge_environment_settings(url, {}, None, None, None))),
        ("Session.merge_environment_settings, trust_env False",
         per_call_us(lambda: closed.merge_environment_settings(url, {}, None, None, None))),
        ("Session.prepare_request (no auth)", per_call_us(lambda: closed.prepare_request(requests.Request("GET", url)))),
        ("WooOAuth1 signing (connector)", per_call_us(lambda: woo(prepared.copy()))),
        ("requests_oauthlib OAuth1 signing (raw baseline)", per_call_us(lambda: rfc(prepared.copy()))),
        ("input validation: SchemaSet.problems(get-order.input.json)",
         per_call_us(lambda: schemas.problems("get-order.input.json", {"id": order_id}))),
        ("connection validation: SchemaSet.problems(connection.json)",
         per_call_us(lambda: schemas.problems("connection.json", https))),
        ("Connection.from_dict (HTTPS: isfile(ca_bundle), urlsplit)",
         per_call_us(lambda: woo_connector.connection.Connection.from_dict(https))),
        ("Registry.client(dict) = both of the above + pool lookup", per_call_us(lambda: registry.client(https))),
        ("redact_url on a signed URL", per_call_us(lambda: redact_url(signed or url))),
        ("php_pairs({})", per_call_us(lambda: php_pairs({}))),
        ("bytes.decode + decode_json (connector, 2.7 KB order)", per_call_us(lambda: decode_json(body.decode("utf-8")))),
        ("json.loads alone", per_call_us(lambda: __import__("json").loads(text))),
    ]
    raw.close()
    registry.close()
    return rows


MUTATIONS: list[tuple[str, Callable[[dict[str, Any]], None]]] = [
    ("id is a string", lambda o: o.__setitem__("id", "377")),
    ("line item without product_id", lambda o: o["line_items"][0].pop("product_id")),
    ("billing.email not an email", lambda o: o["billing"].__setitem__("email", "not-an-email")),
    ("status is a number", lambda o: o.__setitem__("status", 3)),
    ("meta_data entry without key", lambda o: o["meta_data"].append({"id": 1, "value": "x"})),
]


def agreement(check: Callable[[Any], bool], reference: Callable[[Any], bool], order: dict[str, Any]) -> str:
    """Which broken orders a validator rejects, compared with jsonschema's verdict on each."""
    differ = []
    for label, mutate in MUTATIONS:
        broken = copy.deepcopy(order)
        try:
            mutate(broken)
        except (KeyError, IndexError):
            continue
        if check(broken) != reference(broken):
            differ.append(label)
    return "agrees with jsonschema on every broken order" if not differ else "DISAGREES on: " + ", ".join(differ)


def transport_variants(http: dict[str, Any], order_id: int, calls: int) -> list[tuple[str, float]]:
    """CPU µs per signed GET of one order through three ways into requests, same auth, same socket.

    (a) is what WooClient does today; (b) skips Session.request's merging (prepare the request
    directly, hand it to Session.send); (c) also skips Session.send (hooks, cookie extraction,
    redirect bookkeeping) by calling the mounted adapter. All three re-sign every request.
    """
    from woo_connector.auth import WooOAuth1

    url = f"{http['site_url']}/wp-json/wc/v3/orders/{order_id}"
    auth = WooOAuth1(http["consumer_key"], http["consumer_secret"])
    session = requests.Session()
    session.trust_env = False
    headers = {"User-Agent": "bench", "Accept": "application/json", "Accept-Encoding": "gzip, deflate",
               "Connection": "keep-alive"}
    adapter = session.get_adapter(url)
    send_options = {"timeout": (10, 30), "verify": True, "proxies": {}, "stream": False, "cert": None}

    def today() -> Any:
        return session.request("GET", url, params=[], auth=auth, timeout=(10, 30), allow_redirects=False).content

    def prepared() -> requests.PreparedRequest:
        request = requests.PreparedRequest()
        request.prepare(method="GET", url=url, headers=headers, params=[], auth=auth)
        return request

    def via_session_send() -> Any:
        return session.send(prepared(), allow_redirects=False, **send_options).content

    def via_adapter() -> Any:
        return adapter.send(prepared(), **send_options).content

    rows = []
    for label, fn in (("(a) Session.request (WooClient today)", today),
                      ("(b) PreparedRequest.prepare + Session.send", via_session_send),
                      ("(c) PreparedRequest.prepare + HTTPAdapter.send", via_adapter)):
        for _ in range(5):
            fn()
        began = time.process_time()
        for _ in range(calls):
            fn()
        rows.append((label, (time.process_time() - began) / calls * 1e6))
    session.close()
    return rows


def input_validator_costs(http: dict[str, Any], https: dict[str, Any], order_id: int) -> list[tuple[str, float, float]]:
    """(payload, µs with SchemaSet.problems, µs with jsonschema_rs.is_valid) for invoke's own checks."""
    import woo_connector
    from woo_connector.bundle import bundle

    registry = woo_connector.load()
    schemas = registry.schemas
    try:
        import jsonschema_rs
    except ImportError:
        return []
    payloads = [("get-order.input.json", {"id": order_id}),
                ("list-orders.input.json", {"status": ["processing", "on-hold"], "per_page": 100, "all_pages": True,
                                            "modified_after": "2026-11-26T07:09:35Z", "_fields": ["id", "total"]}),
                ("connection.json", https)]
    rows = []
    for name, payload in payloads:
        fast = jsonschema_rs.Draft202012Validator(bundle(schemas, name), validate_formats=True)
        assert fast.is_valid(payload) and not schemas.problems(name, payload)
        rows.append((name, per_call_us(lambda: schemas.problems(name, payload)),
                     per_call_us(lambda: fast.is_valid(payload), 3000)))
    registry.close()
    return rows


def validator_costs(http: dict[str, Any], order_id: int) -> list[tuple[str, str, float, float]]:
    """(validator, outcome, µs on one get-order output, µs on one 100-order list-orders output)."""
    import woo_connector
    from woo_connector.bundle import bundle

    registry = woo_connector.load()
    order = registry.invoke("get-order", {"id": order_id}, http)
    page = registry.invoke("list-orders", {"per_page": 100}, http)
    schemas = registry.schemas
    one = bundle(schemas, "get-order.output.json")
    many = bundle(schemas, "list-orders.output.json")
    rows: list[tuple[str, str, float, float]] = []
    rows.append(("jsonschema SchemaSet.problems (what invoke runs)", "reference",
                 per_call_us(lambda: schemas.problems("get-order.output.json", order), 30),
                 per_call_us(lambda: schemas.problems("list-orders.output.json", page), 1)))
    is_valid_one = schemas.validator("get-order.output.json")
    is_valid_many = schemas.validator("list-orders.output.json")
    reference = is_valid_one.is_valid
    rows.append(("jsonschema Draft202012Validator.is_valid", "ok",
                 per_call_us(lambda: is_valid_one.is_valid(order), 30),
                 per_call_us(lambda: is_valid_many.is_valid(page), 1)))
    try:
        import fastjsonschema

        f_one, f_many = fastjsonschema.compile(copy.deepcopy(one)), fastjsonschema.compile(copy.deepcopy(many))
        f_one(order), f_many(page)

        def f_valid(instance: Any) -> bool:
            try:
                f_one(instance)
                return True
            except fastjsonschema.JsonSchemaException:
                return False

        rows.append(("fastjsonschema.compile (bundled schema)", agreement(f_valid, reference, order),
                     per_call_us(lambda: f_one(order), 300), per_call_us(lambda: f_many(page), 5)))
    except ImportError:
        rows.append(("fastjsonschema", "not installed: pip install -e '.[bench]'", 0.0, 0.0))
    except Exception as exc:  # noqa: BLE001 - the report says what failed and why
        rows.append(("fastjsonschema.compile (bundled schema)", f"fails: {type(exc).__name__}: {exc}"[:160], 0.0, 0.0))
    try:
        import jsonschema_rs

        r_one = jsonschema_rs.Draft202012Validator(one, validate_formats=True)
        r_many = jsonschema_rs.Draft202012Validator(many, validate_formats=True)
        assert r_one.is_valid(order) and r_many.is_valid(page)
        rows.append(("jsonschema_rs.Draft202012Validator.is_valid (bundled)", agreement(r_one.is_valid, reference, order),
                     per_call_us(lambda: r_one.is_valid(order), 300), per_call_us(lambda: r_many.is_valid(page), 5)))
    except ImportError:
        rows.append(("jsonschema_rs", "not installed: pip install -e '.[bench]'", 0.0, 0.0))
    except Exception as exc:  # noqa: BLE001
        rows.append(("jsonschema_rs.Draft202012Validator (bundled)", f"fails: {type(exc).__name__}: {exc}"[:160], 0.0, 0.0))
    registry.close()
    return rows


def main(calls: int = 200) -> None:
    with StoreProcess(orders=300) as store:
        http, https = store.connections["http"], store.connections["https"]
        probe = clients.RawSession(http)
        order_id = probe.page(probe.session, 1, 1)[0][0]["id"]
        probe.close()
        print(f"calibration: sum(range(1000)) takes {calibration_us():.1f} µs on this machine now\n")
        print(f"# Part 1: cProfile, {calls} get-order calls each (CPU µs per call, cumulative, profiler overhead included)\n")
        for scheme, conn in (("HTTP + OAuth 1.0a", http), ("HTTPS + Basic", https)):
            for name in (clients.RAW, clients.CONNECTOR, clients.CONNECTOR_STRICT):
                contender = clients.make(name, conn)
                figures = profile(lambda: contender.get_order(order_id), calls)
                contender.close()
                print(f"## {name}, {scheme}")
                for label, value in figures.items():
                    print(f"  {value:9.0f}  {label}")
                print()
        print("# Part 2: suspects alone (µs per call, best of 3, no profiler)\n")
        for label, value in suspects_alone(http, https, order_id):
            print(f"  {value:9.1f}  {label}")
        print(f"\n# Part 2b: transport variants (CPU µs per signed GET, {calls} calls each)\n")
        for label, value in transport_variants(http, order_id, calls):
            print(f"  {value:9.1f}  {label}")
        print("\n# Part 2c: input validation (µs: SchemaSet.problems vs jsonschema_rs.is_valid, best of 3)\n")
        for name, slow, fast in input_validator_costs(http, https, order_id):
            print(f"  {slow:9.1f}  {fast:9.1f}  {name}")
        print("\n# Part 3: output validation (µs per validation, best of 3: one order, one 100-order page)\n")
        for label, outcome, one, many in validator_costs(http, order_id):
            print(f"  {one:10.1f}  {many:11.1f}  {label} [{outcome}]")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
