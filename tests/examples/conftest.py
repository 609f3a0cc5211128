"""A sandbox per example test, seeded like ``woo-connector sandbox`` (seed 42, 300 orders), so
the sample files under examples/ name records that exist; and its connection file.

A test whose program reads no sample file may ask for fewer orders (``parametrize("shop", [n],
indirect=True)`` in the test) when what it proves does not depend on how many there are."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from woo_connector.sandbox import Sandbox


@pytest.fixture
def shop(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Sandbox, Path]]:
    sandbox = Sandbox(seed=42, orders=getattr(request, "param", 300)).start()
    try:
        connection = tmp_path / "shop.json"
        connection.write_text(json.dumps(sandbox.connection()), encoding="utf-8")
        yield sandbox, connection
    finally:
        sandbox.stop()
