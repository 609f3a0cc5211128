"""``woo-connector mcp``: the command line of Agent Mode.

Defined here and registered by cli.py with one call, so the CLI module does not grow a second
set of options. The MCP SDK is imported only when the command runs: it is an optional extra
(``pip install 'woo-connector[mcp]'``) and the rest of the connector works without it.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from typing import Any

from ..errors import ConfigError, InvalidInputError, WooConnectorError

__all__ = ["add_parser", "run_mcp"]

log = logging.getLogger("woo_connector.mcp")


def add_parser(sub: Any) -> argparse.ArgumentParser:
    p = sub.add_parser("mcp", help="serve the tools to AI agents over MCP (stdio, or --http)")
    p.add_argument("--connection", help="connection JSON file (default: WOO_* environment)")
    p.add_argument("--http", action="store_true", help="streamable HTTP instead of stdio (bearer token required)")
    p.add_argument("--host", default="127.0.0.1", help="HTTP address (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8765, help="HTTP port (default 8765; 0 picks a free one)")
    p.set_defaults(run=run_mcp)
    return p


def run_mcp(args: argparse.Namespace) -> int:
    from ..cli import connection_from
    from ..registry import load
    from .http import resolve_token

    # The token is settled before the SDK is imported: a refused address answers at once.
    token, generated = "", False
    if args.http:
        try:
            token, generated = resolve_token(args.host, os.environ)
        except WooConnectorError as exc:
            return _report(exc)
    try:
        import anyio

        from .server import build_server
    except ImportError:
        sys.stderr.write("woo-connector: Agent Mode needs the MCP SDK: pip install 'woo-connector[mcp]'\n")
        return 1
    try:
        connector = load()
        server = build_server(connector, connection_from(args.connection))
        if args.http:
            anyio.run(_serve_http, server, args.host, args.port, token, generated)
        else:
            anyio.run(_serve_stdio, server)
    except WooConnectorError as exc:
        return _report(exc)
    except KeyboardInterrupt:
        return 130
    return 0


def _report(exc: WooConnectorError) -> int:
    sys.stderr.write(f"woo-connector: {exc.code}: {exc.message}\n")
    return 2 if isinstance(exc, InvalidInputError) else 1


async def _serve_stdio(server: Any) -> None:
    from mcp.server.stdio import stdio_server

    async with stdio_server() as (read, write):
        await server.run(read, write, server.create_initialization_options())


async def _serve_http(server: Any, host: str, port: int, token: str, generated: bool) -> None:
    import uvicorn

    from .http import MCP_PATH, BearerTokenGuard, listening_socket

    try:
        sock = listening_socket(host, port)
    except OSError as exc:
        raise ConfigError(f"Cannot listen on {host}:{port}: {exc.strerror}.") from None
    bound = sock.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    app = BearerTokenGuard(server.streamable_http_app(streamable_http_path=MCP_PATH, host=host), token)
    sys.stderr.write(f"woo-connector mcp: listening on http://{shown}:{bound}{MCP_PATH}\n")
    if generated:
        sys.stderr.write(f"woo-connector mcp: token (send 'Authorization: Bearer <token>'): {token}\n")
    sys.stderr.flush()
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on")
    await uvicorn.Server(config).serve(sockets=[sock])
