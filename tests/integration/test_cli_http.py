"""CLI edges that need a live store: the demo knows the sandbox from another store."""

from __future__ import annotations

from woo_connector.demo import is_sandbox
from woo_connector.registry import Registry


def test_the_sandbox_is_recognised_so_the_demo_needs_no_yes(connector: Registry, sandbox_http) -> None:
    assert is_sandbox(connector, sandbox_http.connection()) is True
    sandbox_http.mode = "html"  # a site that is not the sandbox's WordPress
    assert is_sandbox(connector, sandbox_http.connection()) is False
