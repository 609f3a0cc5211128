"""The plugin contract. Two hooks: tools register themselves; hosts ask for the connector."""

from __future__ import annotations

from typing import Any, Callable

import pluggy

PROJECT = "woo_connector"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def register_tools(register: Callable[[str, Callable[..., Any]], None]) -> None:
    """Call ``register(name, function)`` for each tool; the function is ``(client, args) -> dict``."""


@hookspec(firstresult=True)
def load_connector() -> Any:
    """Return the ready connector (``woo_connector.Registry``) to a host that found this plugin."""
