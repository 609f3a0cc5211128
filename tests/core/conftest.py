"""Core tests: every connector built here validates its output, as in production with the option on."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _validate_output(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WOO_CONNECTOR_VALIDATE_OUTPUT", "1")
