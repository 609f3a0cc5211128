"""Proxies: HTTPS_PROXY / NO_PROXY and the connection's ``proxy`` field, through a real CONNECT proxy."""

from __future__ import annotations

import select
import socket
import threading
from collections.abc import Iterator

import pytest

from woo_connector.client import POOL_SIZE
from woo_connector.registry import Registry
from woo_connector.sandbox import Sandbox


class ConnectProxy:
    """A tiny CONNECT-only proxy on 127.0.0.1 that records every tunnel it opened."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.tunnels: list[str] = []
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _serve(self) -> None:
        while True:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._tunnel, args=(client,), daemon=True).start()

    def _tunnel(self, client: socket.socket) -> None:
        with client:
            head = b""
            while b"\r\n\r\n" not in head:
                chunk = client.recv(4096)
                if not chunk:
                    return
                head += chunk
            method, target, _ = head.split(b"\r\n", 1)[0].decode().split(" ", 2)
            if method != "CONNECT":
                client.sendall(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")
                return
            self.tunnels.append(target)
            host, _, port = target.rpartition(":")
            with socket.create_connection((host, int(port))) as upstream:
                client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
                pair = [client, upstream]
                while True:
                    ready, _, _ = select.select(pair, [], [], 5)
                    if not ready:
                        return
                    for s in ready:
                        data = s.recv(65536)
                        if not data:
                            return
                        (upstream if s is client else client).sendall(data)

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def proxy() -> Iterator[ConnectProxy]:
    p = ConnectProxy()
    yield p
    p.close()


@pytest.fixture(autouse=True)
def clean_proxy_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy",
                "ALL_PROXY", "all_proxy", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
        monkeypatch.delenv(var, raising=False)


def test_https_proxy_from_the_environment_is_used(
    connector: Registry, sandbox_https: Sandbox, proxy: ConnectProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", proxy.url)
    connector.close()  # the environment is read once per client
    assert connector.invoke("list-orders", {"per_page": 2}, sandbox_https.connection())["items"]
    assert proxy.tunnels == [f"127.0.0.1:{sandbox_https.port}"]  # one tunnel, kept alive


def test_no_proxy_bypasses_it(
    connector: Registry, sandbox_https: Sandbox, proxy: ConnectProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", proxy.url)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    connector.close()
    assert connector.invoke("list-orders", {"per_page": 2}, sandbox_https.connection())["items"]
    assert proxy.tunnels == []


def test_the_connection_proxy_field_wins(
    connector: Registry, sandbox_https: Sandbox, proxy: ConnectProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    connector.close()
    conn = {**sandbox_https.connection(), "proxy": proxy.url}
    assert connector.invoke("list-orders", {"per_page": 1}, conn)["items"]
    assert proxy.tunnels == [f"127.0.0.1:{sandbox_https.port}"]


def test_a_dead_proxy_is_named_and_nothing_was_sent(
    connector: Registry, sandbox_https: Sandbox, no_backoff: None
) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    conn = {**sandbox_https.connection(), "proxy": f"http://user:pw@127.0.0.1:{port}"}
    from woo_connector.errors import NetworkError

    with pytest.raises(NetworkError) as info:
        connector.invoke("update-order", {"id": 1, "customer_note": "x"}, conn)
    assert info.value.details["sent"] is False and info.value.retryable
    assert "proxy" in info.value.message and "pw" not in info.value.message


def test_ca_bundle_beats_requests_ca_bundle(
    connector: Registry, sandbox_https: Sandbox, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bogus = tmp_path / "other-ca.pem"
    bogus.write_text("not a certificate\n")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(bogus))
    connector.close()
    assert connector.invoke("list-orders", {"per_page": 1}, sandbox_https.connection())["items"]


def test_the_pool_holds_as_many_connections_as_threads_use(connector: Registry, sandbox_https: Sandbox) -> None:
    client = connector.client(sandbox_https.connection())
    adapter = client.session.get_adapter(sandbox_https.url)
    assert adapter._pool_maxsize == POOL_SIZE >= 10
