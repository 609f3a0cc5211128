"""The socket side: HTTP/1.1 with keep-alive, chunked bodies, TLS, and the host-level faults.

Faults a host or proxy would add (dropped connections, latency, redirects, 429, 5xx, HTML error
pages) are applied here, before the request reaches the :class:`~.site.Site`, because on a real
store they happen before WordPress runs. Nothing is logged: an access log would print consumer
keys and OAuth signatures from URLs.
"""

from __future__ import annotations

import socket
import ssl
import sys
import threading
import time
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

from .faults import Canned, proxy_error, rate_limited, redirect, server_error
from .php import query_names
from .site import Incoming

if TYPE_CHECKING:
    from .server import Sandbox

class RequestHandler(BaseHTTPRequestHandler):
    """HTTP/1.1 with keep-alive, so a pooled client really reuses its connection."""

    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes; with Nagle on, the body waits for the
    # client's delayed ACK (40 ms on Linux) and every keep-alive request pays it.
    disable_nagle_algorithm = True
    timeout = 30  # an idle keep-alive connection is closed after this many seconds
    server: "HTTPServer"

    def setup(self) -> None:
        super().setup()
        if isinstance(self.connection, ssl.SSLSocket):
            self.connection.do_handshake()

    def version_string(self) -> str:
        return "nginx/1.22.1"  # the captured store's front server

    def date_time_string(self, timestamp: float | None = None) -> str:
        """``Date`` from the store's clock, the one its records are stamped by, as on one real host.

        A sync bounds its window by this header, so a test that moves the store's clock forward
        (``set_clock``) moves both together instead of sleeping out the settle margin."""
        now = getattr(self.server.sandbox.store, "now", None)  # a stand-in store may have no clock
        if timestamp is not None or now is None:
            return super().date_time_string(timestamp)
        return format_datetime(now(), usegmt=True)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
        """Silent: an access log would print consumer keys and OAuth signatures from URLs."""

    def do_GET(self) -> None:
        self._serve()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = do_GET

    def _read_body(self) -> bytes:
        """Content-Length or chunked (what requests sends for a generator body), as nginx accepts both."""
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass  # trailers
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _serve(self) -> None:
        sandbox = self.server.sandbox
        body = self._read_body()
        with sandbox.in_flight_counter:  # from a whole request read to its answer written
            self._answer(sandbox, body)

    def _answer(self, sandbox: "Sandbox", body: bytes) -> None:
        faults = sandbox.faults
        raw_path, _, raw_query = self.path.partition("?")
        raw_query = raw_query.partition("#")[0]
        names = query_names(raw_query)
        if faults.take("drop_connections"):
            sandbox._log(self.command, raw_path, names, 0)
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        if faults.latency > 0:
            time.sleep(faults.latency)
        if faults.take("slow"):
            time.sleep(faults.slow_seconds)
        host = self.headers.get("Host") or sandbox.url.partition("://")[2]
        base_url = f"{sandbox.scheme}://{host}"
        if faults.redirect:
            canned = redirect(faults.redirect, base_url + self.path)
        elif faults.rate_limited():
            canned = rate_limited(faults.retry_after)
        elif faults.take("server_errors"):
            canned = server_error(faults.server_error_status)
        elif faults.take("html_error"):
            canned = proxy_error(faults.html_error_status)
        else:
            headers = {k: v for k, v in self.headers.items()}
            if faults.strip_authorization:
                headers = {k: v for k, v in headers.items() if k.lower() != "authorization"}
            incoming = Incoming(self.command, raw_path, raw_query, {k.lower(): v for k, v in headers.items()},
                                body, sandbox.https, base_url)
            canned = sandbox.site.answer(incoming)
        sandbox._log(self.command, raw_path, names, canned.status)
        self._send(canned)

    def _send(self, canned: Canned) -> None:
        self.send_response(canned.status)
        for name, value in canned.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(canned.body)))
        if not self.close_connection:
            self.send_header("Connection", "keep-alive")
        self.end_headers()
        if self.command == "HEAD":
            return
        drip = self.server.sandbox.faults.drip_seconds
        if drip <= 0 or len(canned.body) < 2:
            self.wfile.write(canned.body)
            return
        pieces = min(20, len(canned.body))
        step = -(-len(canned.body) // pieces)
        for start in range(0, len(canned.body), step):  # the headers went out at once; the body trickles
            self.wfile.write(canned.body[start : start + step])
            self.wfile.flush()
            time.sleep(drip / pieces)


class HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], sandbox: "Sandbox", tls: ssl.SSLContext | None) -> None:
        super().__init__(address, RequestHandler)
        self.sandbox = sandbox
        self.open_connections: set[socket.socket] = set()
        self._conn_lock = threading.Lock()
        if tls is not None:
            self.socket = tls.wrap_socket(self.socket, server_side=True, do_handshake_on_connect=False)

    def shutdown(self) -> None:
        """Stop ``serve_forever`` now, not at its next poll (every stop used to wait up to 0.1 s).

        The loop sees the stop flag only when its ``select`` returns; CPython re-checks the flag
        right after the select (bpo-35017), so raising it and then connecting to the listening
        socket ends the loop at once. The poke is never served: the flag is up before it lands.
        Should the stdlib rename its private flag, the poke is served as an empty request and
        the stop simply waits for the poll, as before."""
        self._BaseServer__shutdown_request = True  # type: ignore[attr-defined]  # serve_forever's flag
        host, port = self.server_address[:2]
        try:
            socket.create_connection((host, port), timeout=1).close()
        except OSError:
            pass  # nothing listening to wake: the poll ends the loop
        super().shutdown()

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._conn_lock:
            self.open_connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._conn_lock:
            self.open_connections.discard(request)
        super().shutdown_request(request)

    def close_all(self) -> None:
        """Hang up on idle keep-alive clients so they see a closed pool, not a hung one."""
        with self._conn_lock:
            connections, self.open_connections = list(self.open_connections), set()
        for conn in connections:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients that hang up or refuse our certificate are expected; anything else is printed."""
        error = sys.exc_info()[1]
        if isinstance(error, (ConnectionError, ssl.SSLError, TimeoutError, socket.timeout)):
            return
        super().handle_error(request, client_address)
