"""A certificate that does not verify fails at once; a handshake that was cut short is retried."""

from __future__ import annotations

import pytest
import requests

from woo_connector.errors import NetworkError
from woo_connector.registry import Registry


@pytest.fixture
def handshakes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every connection attempt the client's transport makes (the real send still runs)."""
    seen: list[str] = []
    real_send = requests.adapters.HTTPAdapter.send

    def counting(self: requests.adapters.HTTPAdapter, request: requests.PreparedRequest, **kw):  # type: ignore[no-untyped-def]
        seen.append(request.url or "")
        return real_send(self, request, **kw)

    monkeypatch.setattr(requests.adapters.HTTPAdapter, "send", counting)
    return seen


def test_an_untrusted_certificate_is_not_retried(connector: Registry, sandbox_https, handshakes, no_backoff) -> None:
    conn = {k: v for k, v in sandbox_https.connection().items() if k != "ca_bundle"}
    with pytest.raises(NetworkError) as info:
        connector.invoke("get-order", {"id": 1}, conn)
    assert info.value.reason == "tls" and info.value.retryable is False
    assert info.value.details["sent"] is False and "ca_bundle" in info.value.message
    assert len(handshakes) == 1


def test_a_port_that_does_not_speak_tls_is_still_retried(connector: Registry, sandbox_http, handshakes, no_backoff) -> None:
    conn = {**sandbox_http.connection(), "site_url": sandbox_http.connection()["site_url"].replace("http:", "https:"),
            "auth": "basic"}
    with pytest.raises(NetworkError) as info:
        connector.invoke("get-order", {"id": 1}, conn)
    assert info.value.reason == "tls" and info.value.retryable is True
    assert len(handshakes) == 3  # one try and two retries: a cut-short handshake may pass next time
