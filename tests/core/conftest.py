"""Core tests: every connector built here validates its output, as in production with the option on."""

from __future__ import annotations

import os
from typing import Any

import pytest

from woo_connector import registry
from woo_connector.registry import Registry


@pytest.fixture(autouse=True)
def _validate_output(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WOO_CONNECTOR_VALIDATE_OUTPUT", "1")


@pytest.fixture
def cli_loads_the_session_connector(monkeypatch: pytest.MonkeyPatch, connector: Registry, _validate_output: None) -> None:
    """Every CLI command loads the connector (0.3 s: every schema parsed and bundled). With this
    fixture ``load()`` hands out the session's connector, loaded the same way: built-in and
    installed packs, output validated as WOO_CONNECTOR_VALIDATE_OUTPUT=1 asks here. A call with
    arguments still loads anew. The installed CLI's own load runs in test_packaging."""
    real = registry.load

    def load(**kwargs: Any) -> Registry:
        return real(**kwargs) if kwargs else connector

    assert connector.validate_output and os.environ.get("WOO_CONNECTOR_VALIDATE_OUTPUT") == "1"
    monkeypatch.setattr(registry, "load", load)
