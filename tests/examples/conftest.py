"""A sandbox per example test, seeded like ``woo-connector sandbox`` (seed 42, 300 orders), so
the sample files under examples/ name records that exist; and its connection file."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from woo_connector.sandbox import Sandbox


@pytest.fixture
def shop(tmp_path: Path) -> Iterator[tuple[Sandbox, Path]]:
    sandbox = Sandbox(seed=42, orders=300).start()
    try:
        connection = tmp_path / "shop.json"
        connection.write_text(json.dumps(sandbox.connection()), encoding="utf-8")
        yield sandbox, connection
    finally:
        sandbox.stop()
