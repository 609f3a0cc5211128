"""Agent Mode fixtures: the MCP server as a real subprocess in front of the session sandboxes.

One HTTP server per test module (started on a free port, its URL and token read from its
stderr); stdio servers are spawned by the SDK's stdio_client, one per session. Helpers prove
"nothing changed": the sandbox's request log and a snapshot of every table and id counter.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import ExitStack, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from woo_connector.sandbox import Sandbox

if TYPE_CHECKING:
    from anyio.from_thread import BlockingPortal

ROOT = Path(__file__).resolve().parents[2]
WRITES = {"POST", "PUT", "PATCH", "DELETE"}
TOKEN = "test-token-0123456789abcdef"


def store_env(sandbox: Sandbox) -> dict[str, str]:
    """The WOO_* variables the command reads, for this sandbox (CA bundle over https)."""
    conn = sandbox.connection()
    env = {"WOO_SITE_URL": conn["site_url"], "WOO_CONSUMER_KEY": conn["consumer_key"],
           "WOO_CONSUMER_SECRET": conn["consumer_secret"]}
    if conn.get("ca_bundle"):
        env["WOO_CA_BUNDLE"] = conn["ca_bundle"]
    return env


def mcp_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "woo_connector.cli", "mcp", *args]


def _snapshot(sandbox: Sandbox) -> str:
    store = sandbox.store
    with store.lock:
        return json.dumps({"tables": store.tables, "counters": store.counters}, sort_keys=True, default=str)


def _writes_sent(sandbox: Sandbox) -> list[tuple[str, str]]:
    return [(method, path) for method, path, _names, _status in sandbox.requests_log if method in WRITES]


@pytest.fixture
def snapshot() -> Callable[[Sandbox], str]:
    """Every table and id counter of a sandbox's store, as one comparable string."""
    return _snapshot


@pytest.fixture
def writes_sent() -> Callable[[Sandbox], list[tuple[str, str]]]:
    """(method, path) of every write the sandbox received since its log was last cleared."""
    return _writes_sent


STDIO_SERVERS = 2  # test_stdio's sessions: one per protocol revision


@dataclass
class StdioServers:
    """Stdio servers spawned ahead, each for one session, and the event loop they live in."""

    portal: BlockingPortal  # runs a test's session in the servers' event loop
    streams: list[Any]  # each server's (read, write) streams, as stdio_client yields them

    def transport(self, index: int) -> Any:
        """Server ``index`` as a client Transport (the SDK's shape: an async context manager
        yielding the streams), for ``mcp.Client(...)``."""

        @asynccontextmanager
        async def spawned() -> AsyncIterator[Any]:
            yield self.streams[index]

        return spawned()


@pytest.fixture(scope="module")
def stdio_servers(sandbox_http: Sandbox) -> Iterator[StdioServers]:
    """`python -m woo_connector.cli mcp` in front of the HTTP sandbox, spawned by the SDK's own
    stdio_client with a bare env (only PATH and the WOO_* variables, as a desktop client passes
    them). Each server spends about two seconds importing the SDK before it reads its stdin, so
    all are spawned at once, when the module starts, and start side by side (and beside this
    process importing the client); each still serves one session, as the SDK keeps a connection
    to the protocol era it began with."""
    import anyio.from_thread
    from mcp.client.stdio import StdioServerParameters, stdio_client

    params = StdioServerParameters(
        command=sys.executable, args=mcp_command()[1:], cwd=str(ROOT),
        env={"PATH": os.environ.get("PATH", ""), **store_env(sandbox_http)},
    )
    with anyio.from_thread.start_blocking_portal() as portal, ExitStack() as servers:
        yield StdioServers(portal, [servers.enter_context(portal.wrap_async_context_manager(stdio_client(params)))
                                    for _ in range(STDIO_SERVERS)])


@dataclass
class HttpServer:
    url: str
    token: str
    process: subprocess.Popen[str]
    sandbox: Sandbox
    stderr: list[str]


@pytest.fixture(scope="module")
def http_server(sandbox_https: Sandbox) -> Iterator[HttpServer]:
    """``woo-connector mcp --http --port 0`` against the HTTPS sandbox, token from WOO_MCP_TOKEN."""
    env = {**os.environ, **store_env(sandbox_https), "WOO_MCP_TOKEN": TOKEN}
    proc = subprocess.Popen(mcp_command("--http", "--port", "0"), cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        # The tests' client side of the SDK, imported while the server imports its own (each
        # takes over a second) instead of after it.
        import mcp.client.streamable_http  # noqa: F401

        assert proc.stderr is not None
        seen: list[str] = []
        match = None
        for line in proc.stderr:
            seen.append(line)
            match = re.search(r"listening on (http://\S+)", line)
            if match:
                break
        assert match, f"the server did not start: {''.join(seen)!r}"
        # keep reading its stderr so a chatty server never blocks on a full pipe
        threading.Thread(target=seen.extend, args=(proc.stderr,), daemon=True).start()
        yield HttpServer(match.group(1), TOKEN, proc, sandbox_https, seen)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:  # pragma: no cover
            proc.kill()
            proc.wait()
