"""Streamable HTTP for remote agents, behind a bearer token.

The endpoint can change a live store, so nobody reaches it without the token: every HTTP request
must carry ``Authorization: Bearer <token>`` (compared in constant time) or gets 401 before the
MCP layer sees it. On a loopback address a token is generated when none is given; anywhere else
the token must come from ``WOO_MCP_TOKEN`` (a token printed to a console tends to end up in logs
that outlive the session). The SDK's DNS-rebinding guard stays on for loopback hosts.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
import secrets
import socket
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from ..errors import ConfigError

__all__ = ["BearerTokenGuard", "resolve_token", "is_loopback", "TOKEN_ENV", "MCP_PATH"]

TOKEN_ENV = "WOO_MCP_TOKEN"
MCP_PATH = "/mcp"
MIN_TOKEN_LENGTH = 16

Scope = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Callable[[], Awaitable[Any]], Callable[[Any], Awaitable[None]]], Awaitable[None]]


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def resolve_token(host: str, environ: MutableMapping[str, str]) -> tuple[str, bool]:
    """The token to require, and whether it was generated here (then the command prints it)."""
    given = environ.get(TOKEN_ENV, "")
    if given:
        if len(given) < MIN_TOKEN_LENGTH:
            raise ConfigError(f"{TOKEN_ENV} must be at least {MIN_TOKEN_LENGTH} characters.")
        return given, False
    if not is_loopback(host):
        raise ConfigError(
            f"Refusing to listen on {host} without a token: set {TOKEN_ENV} (e.g. to the output of "
            "`python -c 'import secrets; print(secrets.token_urlsafe(32))'`) and give it to the agent."
        )
    return secrets.token_urlsafe(32), True


class BearerTokenGuard:
    """ASGI middleware: 401 for any HTTP request without the right bearer token."""

    def __init__(self, app: ASGIApp, token: str) -> None:
        self.app = app
        self._expected = ("Bearer " + token).encode()

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            supplied = b""
            for name, value in scope.get("headers", []):
                if name.lower() == b"authorization":
                    supplied = value
            if not hmac.compare_digest(supplied, self._expected):
                body = json.dumps({"error": {"code": "unauthorized",
                                             "message": "Missing or wrong bearer token."}}).encode()
                await send({"type": "http.response.start", "status": 401, "headers": [
                    (b"content-type", b"application/json"),
                    (b"www-authenticate", b'Bearer realm="woo-connector"'),
                    (b"content-length", str(len(body)).encode()),
                ]})
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)


def listening_socket(host: str, port: int) -> socket.socket:
    """Bound before serving, so port 0 can be reported as the port the OS chose."""
    family = socket.AF_INET6 if ":" in host.strip("[]") else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host.strip("[]"), port))
    sock.listen(128)
    sock.setblocking(False)
    return sock
