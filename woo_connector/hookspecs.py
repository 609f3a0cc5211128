"""The two plugin contracts, kept apart because different parties implement them.

* :class:`HostContract` (entry-point group ``woo_connector``): what a host engine asks of this
  package: the ready connector.
* :class:`ToolContract` (entry-point group ``woo_connector.tools``): what a tool pack gives the
  connector: where its manifest fragment and schemas are, and its functions by tool name. The
  built-in tools are a tool pack too and are loaded through the same code (``toolpacks.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from .client import WooClient
    from .registry import Registry

PROJECT = "woo_connector"
TOOLS_GROUP = "woo_connector.tools"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)

ToolFunction = Callable[["WooClient", dict[str, Any]], dict[str, Any]]
Register = Callable[[str, ToolFunction], None]


@dataclass(frozen=True)
class PackFiles:
    """A tool pack's data: a YAML file with a ``tools:`` list shaped like connector.yaml's, and
    the directory holding ``<tool>.input.json`` / ``<tool>.output.json`` (``$ref`` may name the
    connector's shared ``defs/``)."""

    manifest: Path
    schemas: Path


class HostContract:
    """Implemented by ``woo_connector.host``; called by a host that loaded the entry points."""

    @hookspec(firstresult=True)
    def load_connector(self) -> Registry:
        """Return the ready connector (``woo_connector.Registry``) to a host that found this plugin."""
        raise NotImplementedError


class ToolContract:
    """Implemented by every tool pack (the built-ins in ``woo_connector.tools`` included)."""

    @hookspec(firstresult=True)
    def tool_pack_files(self) -> PackFiles:
        """Where this pack's manifest fragment and schemas directory are."""
        raise NotImplementedError

    @hookspec
    def register_tools(self, register: Register) -> None:
        """Call ``register(name, function)`` for each tool; the function is ``(client, args) -> dict``."""
