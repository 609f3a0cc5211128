"""Zero secrets anywhere: every auth mode through the fault matrix, logging at DEBUG.

Everything a person or a log could see is collected (log records of every logger, stdout and
stderr, each error's to_dict/repr/traceback with its whole exception chain, each result) and
scanned for the key, the secret, their Basic pair and any unmasked oauth_signature.

Most of a mode's time is waiting for timeouts. The scenarios that wait run in lanes (LANES), each
in a thread beside the rest, through a sandbox of its own (its own fault knobs) in front of the
same session store: the same calls against the same faults, the same outcomes, the same things
scanned, the waits side by side instead of one after another.
"""

from __future__ import annotations

import base64
import json
import logging
import re
import socket
import traceback
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

import woo_connector.recovery as recovery
from woo_connector import cli
from woo_connector.errors import WooConnectorError
from woo_connector.registry import Registry
from woo_connector.sandbox import Sandbox

MODES = ["https-basic", "https-query", "https-oauth1", "http-oauth1"]
# The time faults only need a store slower than the client's timeout (twice as slow, so a busy
# machine cannot blur the two), and the SKU lookup after a timed-out create only needs a second
# look after the slow store saved: small values keep the same outcomes for the same reasons.
TIMEOUT = 0.15
SLOW = 2 * TIMEOUT
RECOVERY_WAITS = (0.0, SLOW, 2 * SLOW)
# The scenarios that wait for a timeout, in lanes of about the same length (~0.5 s): each lane has
# fault knobs (a sandbox) to itself, and runs its scenarios one after another.
LANES = (("drip read",), ("lookup",), ("slow read", "slow write", "drip write"))
SIGNATURE = re.compile(r"oauth_signature(?:=|%3D|\"\s*:\s*\"|=\")(?!\*\*\*)[A-Za-z0-9%+/]")


def connection_for(mode: str, sandbox_http: Sandbox, sandbox_https: Sandbox) -> tuple[Sandbox, dict[str, Any]]:
    scheme, auth = mode.split("-")
    sandbox = sandbox_https if scheme == "https" else sandbox_http
    return sandbox, {**sandbox.connection(), "auth": auth, "timeout": TIMEOUT}


def scenarios(sandbox: Sandbox, conn: dict[str, Any], pid: int) -> list[tuple[str, Callable[[], None], str, Any]]:
    """(name, arrange, tool, payload): each breaks the next call in one way."""
    f = sandbox.faults

    def knob(**values: Any) -> Callable[[], None]:
        return lambda: [setattr(f, k, v) for k, v in values.items()] and None

    listing = ("list-orders", {"per_page": 2, "status": ["processing", "completed"]})
    write = ("update-product", {"id": pid, "regular_price": "12.00"})
    rows: list[tuple[str, Callable[[], None], str, Any]] = []
    for name, arrange in [
        ("drop", knob(drop_connections=3)),
        ("502", knob(server_errors=3, server_error_status=502)),
        ("503", knob(server_errors=3, server_error_status=503)),
        ("504", knob(server_errors=3, server_error_status=504)),
        ("500", knob(server_errors=3, server_error_status=500)),
        ("429", knob(rate_limit=5, retry_after=3600)),
        ("slow", knob(slow=1, slow_seconds=SLOW)),
        ("drip", knob(drip_seconds=SLOW)),
        ("html", knob(html_error=3)),
        ("notice", knob(php_notice=True, bom=True)),
        ("redirect", knob(redirect="www")),
        ("strip", knob(strip_authorization=True)),
    ]:
        rows.append((name + " read", arrange, *listing))
        rows.append((name + " write", arrange, *write))
    nothing = knob()
    rows += [
        ("not found", nothing, "get-order", {"id": 999999}),
        ("bad param", nothing, "update-order", {"id": 1, "status": "no-such-status"}),
        ("envelope", nothing, "raw-api-request", {"path": "/orders", "query": {"_envelope": 1, "per_page": 1}}),
        ("echo", nothing, "raw-api-request", {"path": "/orders", "query": {"per_page": "x"}}),
        ("smuggled key", nothing, "raw-api-request", {"path": "/orders", "query": {"consumer.key": conn["consumer_key"]}}),
        ("lookup", knob(slow=1, slow_seconds=SLOW), "create-product", {"name": "S", "sku": f"SECRETSCAN-{uuid.uuid4().hex[:8]}"}),
    ]
    return rows


@pytest.fixture(scope="module")
def lane_sandboxes(sandbox_http: Sandbox, sandbox_https: Sandbox) -> Iterator[dict[str, list[Sandbox]]]:
    """Per scheme, a sandbox for each lane, serving that scheme's session store (same data, same keys)."""
    lanes = {scheme: [Sandbox(store=session.store, https=session.https).start() for _ in LANES]
             for scheme, session in (("http", sandbox_http), ("https", sandbox_https))}
    yield lanes
    with ThreadPoolExecutor() as pool:  # each stop waits for its server's poll: side by side
        list(pool.map(Sandbox.stop, [sandbox for by_scheme in lanes.values() for sandbox in by_scheme]))


def attempt(connector: Registry, tool: str, payload: Any, conn: dict[str, Any]) -> tuple[str, str]:
    """(outcome, what a person could see of it): "result" and the result, or the error's code
    and everything about the error."""
    try:
        result = connector.invoke(tool, payload, conn)
    except WooConnectorError as exc:
        return exc.code, everything_about(exc)
    return "result", json.dumps(result, default=str)


def run_lane(connector: Registry, sandbox: Sandbox, conn: dict[str, Any], lane: tuple[str, ...]
             ) -> dict[str, tuple[str, str]]:
    """The lane's scenarios through its own sandbox, one after another: name -> attempt()."""
    pid = connector.invoke("list-products", {"per_page": 1}, conn)["items"][0]["id"]
    done: dict[str, tuple[str, str]] = {}
    for name, arrange, tool, payload in scenarios(sandbox, conn, pid):
        if name in lane:
            sandbox.faults.reset()
            arrange()
            done[name] = attempt(connector, tool, payload, conn)
            sandbox.faults.reset()
    return done


def scan(text: str, conn: dict[str, Any]) -> list[str]:
    pair = base64.b64encode(f"{conn['consumer_key']}:{conn['consumer_secret']}".encode()).decode()
    found = [name for name, value in (("key", conn["consumer_key"]), ("secret", conn["consumer_secret"]),
                                       ("basic pair", pair)) if value in text]
    if SIGNATURE.search(text):
        found.append("oauth_signature")
    return found


def everything_about(exc: BaseException) -> str:
    parts = ["".join(traceback.format_exception(exc)), repr(exc), str(exc)]
    node: BaseException | None = exc
    while node is not None:  # the chain itself, including suppressed __context__
        parts += [repr(node), str(node), repr(node.args)]
        node = node.__cause__ or node.__context__
    if isinstance(exc, WooConnectorError):
        parts.append(json.dumps(exc.to_dict(), default=str))
    return "\n".join(parts)


@pytest.mark.parametrize("mode", MODES)
def test_no_secret_in_any_output_log_or_error(
    mode: str, sandbox_http: Sandbox, sandbox_https: Sandbox, lane_sandboxes: dict[str, list[Sandbox]],
    connector: Registry, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch, no_backoff: None,
) -> None:
    monkeypatch.setattr(recovery, "RECOVERY_WAITS", RECOVERY_WAITS)
    sandbox, conn = connection_for(mode, sandbox_http, sandbox_https)
    scheme, auth = mode.split("-")
    lanes = [(lane, lane_sandbox, {**lane_sandbox.connection(), "auth": auth, "timeout": TIMEOUT})
             for lane, lane_sandbox in zip(LANES, lane_sandboxes[scheme])]
    in_lanes = {name for lane in LANES for name in lane}
    connector.close()
    pid = connector.invoke("list-products", {"per_page": 1}, conn)["items"][0]["id"]
    caplog.set_level(logging.DEBUG)
    seen: list[str] = []
    outcomes: dict[str, str] = {}
    with ThreadPoolExecutor(len(lanes)) as pool:
        beside = [pool.submit(run_lane, connector, lane_sandbox, lane_conn, lane)
                  for lane, lane_sandbox, lane_conn in lanes]
        for name, arrange, tool, payload in scenarios(sandbox, conn, pid):
            if name in in_lanes:
                continue
            sandbox.faults.reset()
            arrange()
            outcomes[name], text = attempt(connector, tool, payload, conn)
            seen.append(text)
            sandbox.faults.reset()
        for future in beside:
            for name, (outcome, text) in future.result().items():
                outcomes[name] = outcome
                seen.append(text)
    assert set(outcomes) == {row[0] for row in scenarios(sandbox, conn, pid)}  # each ran, in a lane or not
    seen.append(json.dumps(connector.verify(conn)))
    seen.append(json.dumps(connector.verify({**conn, "consumer_secret": conn["consumer_secret"][:-1] + "x"})))
    for record in caplog.records:
        seen.append(logging.Formatter("%(name)s %(message)s").format(record))
    out, err = capsys.readouterr()
    seen += [out, err]
    conns = [conn, *(lane_conn for _lane, _sandbox, lane_conn in lanes)]
    leaks = {i: found for i, text in enumerate(seen) if (found := [f for c in conns for f in scan(text, c)])}
    assert not leaks, {i: (leaks[i], seen[i][:600]) for i in leaks}
    assert any(r.name.startswith("urllib3") for r in caplog.records)  # the DEBUG lines were there
    # each fault was classified, not escaped: every outcome is a result or a connector error
    assert outcomes["502 write"] == "outcome_unknown" and outcomes["502 read"] == "server_error"
    assert outcomes["429 read"] == "rate_limited"  # Retry-After 3600 > call_budget: at once
    assert outcomes["slow write"] == outcomes["drip write"] == "outcome_unknown"
    assert outcomes["drip read"] == "timeout"  # every attempt timed out
    assert outcomes["lookup"] == "result"  # recovered after the timeout


def test_a_connect_failure_chain_carries_no_url_with_keys(
    connector: Registry, sandbox_https: Sandbox, no_backoff: None
) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    conn = {**sandbox_https.connection(), "site_url": f"https://127.0.0.1:{port}", "auth": "query"}
    with pytest.raises(WooConnectorError) as info:
        connector.invoke("list-orders", {"per_page": 1}, conn)
    exc = info.value
    assert exc.__context__ is None and exc.__cause__ is None
    assert f"127.0.0.1:{port}" in exc.message and "refused" in exc.message
    assert "urllib3" not in exc.message and "HTTPSConnection" not in exc.message
    assert not scan(everything_about(exc), conn)


@pytest.mark.parametrize("where", ["before", "after"])
def test_cli_verbose_before_or_after_the_subcommand_is_redacted(
    where: str, sandbox_http: Sandbox, tmp_path, capsys: pytest.CaptureFixture[str], monkeypatch
) -> None:
    conn = sandbox_http.connection()
    path = tmp_path / "conn.json"
    path.write_text(json.dumps(conn))
    args = ["invoke", "list-orders", "--input", '{"per_page": 1}', "--connection", str(path)]
    argv = ["-v", *args] if where == "before" else [*args, "-v"]
    root = logging.getLogger()
    monkeypatch.setattr(root, "handlers", [])  # let basicConfig install its stderr handler
    code = cli.main(argv)
    out, err = capsys.readouterr()
    assert code == 0 and json.loads(out)["items"]
    assert "oauth_signature=***" in err  # urllib3's DEBUG line, masked
    assert not scan(out + err, conn)
