"""Integration fixtures: the connector against the sandbox over real sockets, both auth paths."""

from __future__ import annotations

import pytest

from woo_connector.sandbox import Sandbox


@pytest.fixture(params=["https-basic", "http-oauth1"])
def store(request: pytest.FixtureRequest) -> tuple[Sandbox, dict]:
    """Each test runs twice: Basic auth over HTTPS and OAuth 1.0a over plain HTTP."""
    sandbox = request.getfixturevalue("sandbox_https" if request.param == "https-basic" else "sandbox_http")
    return sandbox, sandbox.connection()


@pytest.fixture(autouse=True)
def _validate_output(monkeypatch: pytest.MonkeyPatch) -> None:
    """Connectors built inside the code under test (the demo) validate their output too."""
    monkeypatch.setenv("WOO_CONNECTOR_VALIDATE_OUTPUT", "1")
