"""The registry's tools as an agent sees them: same names, hints and input contract, agent-sized.

Nothing here is a second definition of a tool. Each :class:`AgentTool` is derived from a
``ToolSpec``: the description gains the tool's agent note (agent_notes.yaml) and, for list tools,
how paging works; the schemas are the compact forms from :mod:`.compact`; list tools default to
:data:`AGENT_PER_PAGE` items, a default applied by the MCP layer only (hosts keep 100).

Input schemas list the fields an agent needs for a correct call: for a tool named in
agent_fields.yaml, those fields (plus the required ones, paging and dry_run); for any other tool,
every top-level field. Nested shapes are reduced to a type. The rest stays accepted (the
server validates with the full schema) and ``describe-tool`` hands out the full schema on demand,
so the listing grows by a few hundred bytes per tool, not by the size of WooCommerce's manual.

The whole listing must fit :data:`LISTING_BUDGET` (an agent pays for it in context on every
session). :data:`LEVELS` are ever more compact renderings of one tool, in the order an agent
misses the detail least (output field names, then the input schema's own description, then field
sentences, then the optional fields). Every tool starts at the most detailed one; while the
listing is over budget, a tool at the most detailed level still in use steps down, the one whose
step saves most first. So the biggest tools give up a kind of detail before the small ones, no
tool loses field sentences while another still lists output names, and tools added later shrink
the listing's detail instead of breaking the budget. The last level lists only the fields a call
cannot do without, so even a hundred tools fit.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from ..dry_run import FLAG, accepts
from ..registry import ToolSpec
from ..toolpacks import SAFE_LOADER
from .compact import compact_input_schema, compact_schema

__all__ = ["AgentTool", "agent_tools", "agent_tool", "agent_notes", "agent_fields", "AGENT_PER_PAGE",
           "LISTING_BUDGET", "LEVELS"]

AGENT_PER_PAGE = 20
LISTING_BUDGET = 63_000  # bytes of the tools/list result; the limit is 64 KB with the envelope
ALWAYS_LISTED = ("page", "per_page", "all_pages", "max_items", FLAG)  # listed whenever a tool takes them
MORE = "More fields and nested shapes: describe-tool name={name}."
PAGING = (
    "{per_page} items per call unless per_page is given (up to 100); if has_more, call again "
    "with page=next_page, or set all_pages true (max_items caps it)."
)
DRY_RUN = "dry_run true returns the exact requests it would send and sends nothing."


@dataclass(frozen=True)
class Level:
    """One rendering of a tool: output object levels kept, input field sentences kept, the input
    schema's own description kept (it mostly repeats the tool's), the curated fields listed
    (false: only the required ones, paging and dry_run)."""

    output_depth: int
    field_notes: bool = True
    input_note: bool = True
    fields: bool = True


LEVELS = (Level(1), Level(0), Level(0, input_note=False), Level(0, field_notes=False, input_note=False),
          Level(0, field_notes=False, input_note=False, fields=False))


@dataclass(frozen=True)
class AgentTool:
    spec: ToolSpec
    description: str
    input_schema: dict[str, Any]
    output_schema: dict[str, Any]
    pages: bool  # a list tool: gets the agent's default page size
    level: Level = LEVELS[0]
    hidden: tuple[str, ...] = ()  # top-level fields accepted but not listed (see describe-tool)
    collapsed: tuple[str, ...] = ()  # listed fields whose nested shape only describe-tool shows

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
    return {str(k): " ".join(str(v).split()) for k, v in _yaml("agent_notes.yaml").items()}


@lru_cache(maxsize=1)
def agent_fields() -> dict[str, tuple[str, ...]]:
    """Per tool, the top-level input fields tools/list shows (agent_fields.yaml)."""
    return {str(k): tuple(str(f) for f in v or ()) for k, v in _yaml("agent_fields.yaml").items()}


def _yaml(name: str) -> dict[Any, Any]:
    text = resources.files(__package__).joinpath(name).read_text(encoding="utf-8")
    return yaml.load(text, Loader=SAFE_LOADER) or {}


def agent_tools(specs: Sequence[ToolSpec], budget: int = LISTING_BUDGET,
                size: Callable[[list[AgentTool]], int] | None = None) -> list[AgentTool]:
    """Every tool (``Registry.tools()``), each at the most detailed level the budget leaves it.
    ``size`` measures a listing as sent (the server's, with everything it adds); when even the
    cheapest level of every tool is over budget, that is returned and the size test fails."""
    measure = size or _size
    renderings = [[agent_tool(spec, level) for level in LEVELS] for spec in specs]
    costs = [[measure([tool]) for tool in options] for options in renderings]
    chosen = [0] * len(specs)
    base = measure([])
    while True:
        tools = [options[i] for options, i in zip(renderings, chosen)]
        estimate = base + sum(c[i] - base + 1 for c, i in zip(costs, chosen))
        if estimate <= budget and measure(tools) <= budget:
            return tools
        # a step goes to the next level that costs less (a tool whose hidden fields cost less
        # than the sentence pointing at describe-tool keeps them)
        steps = {t: _cheaper(costs[t], i) for t, i in enumerate(chosen)}
        shrinkable = [t for t, j in steps.items() if j is not None]
        if not shrinkable:
            return tools
        # LEVELS give up detail in the order an agent misses it least, so every tool leaves a
        # level before any tool leaves the next; within a level, the step that saves most first
        step = max(shrinkable, key=lambda t: (-chosen[t], costs[t][chosen[t]] - costs[t][steps[t]], -t))
        chosen[step] = steps[step]


def _cheaper(costs: list[int], level: int) -> int | None:
    return next((j for j in range(level + 1, len(costs)) if costs[j] < costs[level]), None)


def _size(tools: list[AgentTool]) -> int:
    return len(json.dumps([(t.name, t.description, t.input_schema, t.output_schema) for t in tools],
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
    curated = agent_fields().get(spec.name) if level.fields else ()
    compact = compact_input_schema(spec.input_schema, field_notes=level.field_notes,
                                   fields=None if curated is None else (*curated, *ALWAYS_LISTED))
    if not compact.complete:
        parts.append(MORE.format(name=spec.name))
    input_schema = compact.schema
    if not level.input_note:
        input_schema.pop("description", None)
    fields = input_schema["properties"]
    for name in ALWAYS_LISTED:  # the description's paging and dry-run sentences explain them once
        if name in fields:
            fields[name] = {k: v for k, v in fields[name].items() if k != "description"}
    if pages:
        fields["per_page"] = {**fields["per_page"], "default": AGENT_PER_PAGE}
    return AgentTool(
        spec=spec,
        description=" ".join(p for p in parts if p),
        input_schema=input_schema,
        output_schema=compact_schema(spec.output_schema, level.output_depth),
        pages=pages,
        level=level,
        hidden=tuple(compact.hidden),
        collapsed=tuple(compact.collapsed),
    )
