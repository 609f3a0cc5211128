"""Finding and loading tool packs: the built-ins first, then every ``woo_connector.tools`` entry point.

A tool pack is a module or package implementing :class:`~.hookspecs.ToolContract`. Each pack
gets a plugin manager of its own, so every function, schema and manifest entry is known to come
from one named pack and a mistake is reported under that name. The built-in tools
(``woo_connector.tools``) are loaded by the very same :func:`load_pack`; the registry then joins
and checks all packs alike (``registry.join_packs``). Nothing here runs at import time.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from pathlib import Path
from types import ModuleType
from typing import Any

import pluggy
import yaml

from .hookspecs import PROJECT, TOOLS_GROUP, ToolContract, ToolFunction

# libyaml's parser where PyYAML was built with it (the wheels are): the same safe loading, ten
# times faster than the pure-Python one (50 ms -> 5 ms for connector.yaml, read on every load).
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

BUILTIN_PACK = "woocommerce"
BUILTIN_MODULE = "woo_connector.tools"


@dataclass(frozen=True)
class ToolPack:
    """What one pack brings, plus what was wrong with it on its own (``problems``)."""

    name: str
    tools: list[dict[str, Any]] = field(default_factory=list)
    schemas: Path | None = None
    functions: dict[str, ToolFunction] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def load_pack(name: str, plugin: ModuleType) -> ToolPack:
    """Ask one pack (a module, or a package and each of its submodules) for its files and tools."""
    pm = pluggy.PluginManager(PROJECT)
    pm.add_hookspecs(ToolContract)
    problems: list[str] = []
    for module in _modules_of(plugin):
        pm.register(module, name=module.__name__)
    pm.check_pending()

    functions: dict[str, ToolFunction] = {}

    def register(tool: str, function: ToolFunction) -> None:
        if tool in functions:
            problems.append(f"registers {tool!r} twice")
        functions[tool] = function

    pm.hook.register_tools(register=register)
    files = pm.hook.tool_pack_files()
    if files is None:
        return ToolPack(name, functions=functions, problems=problems + ["no tool_pack_files() hook"])
    tools: list[dict[str, Any]] = []
    try:
        with Path(files.manifest).open(encoding="utf-8") as fh:
            tools = list((yaml.load(fh, Loader=SAFE_LOADER) or {}).get("tools") or [])
    except (OSError, yaml.YAMLError, AttributeError) as exc:
        problems.append(f"manifest {files.manifest} unreadable: {type(exc).__name__}")
    if not Path(files.schemas).is_dir():
        problems.append(f"schemas directory {files.schemas} missing")
    return ToolPack(name, tools, Path(files.schemas), functions, problems)


def discover() -> list[ToolPack]:
    """The built-in pack, then every installed pack by entry-point name."""
    packs = [load_pack(BUILTIN_PACK, importlib.import_module(BUILTIN_MODULE))]
    for ep in sorted(entry_points(group=TOOLS_GROUP), key=lambda e: e.name):
        try:
            plugin = ep.load()
        except Exception as exc:  # a broken pack is reported by name, never a bare traceback
            packs.append(ToolPack(ep.name, problems=[f"cannot be imported: {type(exc).__name__}: {exc}"]))
            continue
        packs.append(load_pack(ep.name, plugin))
    return packs


def _modules_of(plugin: ModuleType) -> list[ModuleType]:
    """A module, or a package with every submodule: a pack adds a tool by adding a module."""
    modules = [plugin]
    for info in pkgutil.iter_modules(getattr(plugin, "__path__", None) or []):
        modules.append(importlib.import_module(f"{plugin.__name__}.{info.name}"))
    return modules
