"""The registry's tools as an agent sees them: same names, hints and input contract, agent-sized.

Nothing here is a second definition of a tool. Each :class:`AgentTool` is derived from a
``ToolSpec``: the description gains the tool's agent note (agent_notes.yaml) and, for list tools,
how paging works; the schemas are the compact forms from :mod:`.compact`; list tools default to
:data:`AGENT_PER_PAGE` items, a default applied by the MCP layer only (hosts keep 100).

The whole listing must fit :data:`LISTING_BUDGET` (an agent pays for it in context on every
session). :data:`LEVELS` are ever more compact renderings; the first that fits is used, so tools
added later shrink the listing's detail instead of breaking the budget.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from ..dry_run import FLAG, accepts
from ..registry import Registry, ToolSpec
from .compact import compact_input_schema, compact_schema

__all__ = ["AgentTool", "agent_tools", "agent_notes", "AGENT_PER_PAGE", "LISTING_BUDGET", "LEVELS"]

AGENT_PER_PAGE = 20
LISTING_BUDGET = 63_000  # bytes of the tools/list result; the limit is 64 KB with the envelope
DRY_RUN_FIELD = "true: preview the writes; nothing is sent."
PAGING = (
    "Returns {per_page} items per call unless per_page is given (up to 100); when has_more is "
    "true call again with page=next_page, or set all_pages true (with max_items as a cap) for "
    "everything."
)
DRY_RUN = "Accepts dry_run true: returns the exact requests it would send and sends nothing."


@dataclass(frozen=True)
class Level:
    """One rendering of the listing: output object levels kept, input field sentences kept."""

    output_depth: int
    field_notes: bool


LEVELS = (Level(1, True), Level(0, True), Level(0, False))


@dataclass(frozen=True)
class AgentTool:
    spec: ToolSpec
    description: str
    input_schema: dict[str, Any]
    output_schema: dict[str, Any]
    pages: bool  # a list tool: gets the agent's default page size

    @property
    def name(self) -> str:
        return self.spec.name

    def arguments(self, given: dict[str, Any]) -> dict[str, Any]:
        """The payload for the registry: the agent's arguments plus the agent-only defaults.
        A walk over every page keeps the store's page size: fewer, fuller requests."""
        if self.pages and "per_page" not in given and not given.get("all_pages"):
            return {**given, "per_page": AGENT_PER_PAGE}
        return dict(given)


@lru_cache(maxsize=1)
def agent_notes() -> dict[str, str]:
    text = resources.files(__package__).joinpath("agent_notes.yaml").read_text(encoding="utf-8")
    return {str(k): " ".join(str(v).split()) for k, v in (yaml.safe_load(text) or {}).items()}


def agent_tools(registry: Registry, budget: int = LISTING_BUDGET,
                size: Callable[[list[AgentTool]], int] | None = None) -> list[AgentTool]:
    """Every tool at the most detailed level whose listing fits ``budget`` (the last level if
    none does; the size test then fails and says so). ``size`` measures a listing as sent."""
    measure = size or _size
    tools: list[AgentTool] = []
    for level in LEVELS:
        tools = [agent_tool(spec, level) for spec in registry.tools()]
        if measure(tools) <= budget:
            break
    return tools


def _size(tools: list[AgentTool]) -> int:
    return len(json.dumps([(t.description, t.input_schema, t.output_schema) for t in tools],
                          separators=(",", ":"), ensure_ascii=False).encode())


def agent_tool(spec: ToolSpec, level: Level = LEVELS[0]) -> AgentTool:
    props = spec.input_schema.get("properties", {})
    pages = "per_page" in props and "page" in props
    parts = [spec.description, agent_notes().get(spec.name, "")]
    if pages:
        parts.append(PAGING.format(per_page=AGENT_PER_PAGE))
    preview = accepts(spec.annotations) and FLAG in props
    if preview:
        parts.append(DRY_RUN)
    input_schema = compact_input_schema(spec.input_schema, field_notes=level.field_notes)
    fields = input_schema["properties"]
    if pages:
        fields["per_page"] = {**fields["per_page"], "default": AGENT_PER_PAGE}
    if preview:
        fields[FLAG] = {**fields[FLAG], "description": DRY_RUN_FIELD}
    return AgentTool(
        spec=spec,
        description=" ".join(p for p in parts if p),
        input_schema=input_schema,
        output_schema=compact_schema(spec.output_schema, level.output_depth),
        pages=pages,
    )
