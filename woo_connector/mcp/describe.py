"""``describe-tool``: a tool's full schemas, for the agent that needs more than tools/list shows.

tools/list carries compact input schemas (the fields a correct call needs; see :mod:`.catalog`)
so that forty tools fit an agent's context. The long tail (every WooCommerce filter, nested
shapes such as an address or a line item, the whole field descriptions) is one call away here.

A tool rather than an MCP resource: resources are application-controlled (the host decides what
to attach to the conversation), tools are model-controlled, so only a tool lets an agent that
meets a filter it needs mid-task fetch the schema itself. It reads the registry's own schemas
(``Registry.describe`` is what hosts get) and never calls the store.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..errors import InvalidInputError, UnknownToolError
from ..validation import Checker
from .catalog import AgentTool
from .compact import compact_schema

__all__ = ["NAME", "TITLE", "DESCRIPTION", "INPUT_SCHEMA", "OUTPUT_SCHEMA", "HINTS", "describe"]

NAME = "describe-tool"
TITLE = "Describe a tool"
DESCRIPTION = (
    "The full input schema of one of these tools: every field it accepts (tools/list shows the "
    "common ones; any other is accepted too), nested shapes (addresses, line items, meta_data) "
    "and whole field descriptions. output true adds the result's shape (field names and types, "
    "three object levels deep). Read-only; never calls the store."
)
INPUT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "name": {"type": "string", "description": "A tool name from tools/list, e.g. list-orders."},
        "output": {"type": "boolean", "default": False, "description": "Add the result's shape."},
    },
    "required": ["name"],
    "additionalProperties": False,
}
OUTPUT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "name": {"type": "string"},
        "input_schema": {"type": "object"},
        "not_listed": {"type": "array", "items": {"type": "string"},
                       "description": "Fields accepted but not shown in tools/list."},
        "shapes_not_listed": {"type": "array", "items": {"type": "string"},
                              "description": "Listed fields whose nested shape only input_schema shows."},
        "output_schema": {"type": "object"},
    },
    "required": ["name", "input_schema", "not_listed", "shapes_not_listed"],
}
OUTPUT_DEPTH = 3  # object levels of the result's shape: an order, its lines, a line's taxes
HINTS = {"readOnlyHint": True, "destructiveHint": False, "idempotentHint": True, "openWorldHint": False}
_CHECKER = Checker.of(INPUT_SCHEMA)


def describe(tools: Mapping[str, AgentTool], args: Mapping[str, Any]) -> dict[str, Any]:
    """The registry's full schemas for ``args["name"]``, and what the listing leaves out of them."""
    problems = _CHECKER.problems(dict(args))
    if problems:
        raise InvalidInputError(
            f"Invalid input for {NAME}: " + "; ".join(f"{p.pointer or '/'}: {p.message}" for p in problems),
            details={"problems": [p.to_dict() for p in problems]},
        )
    tool = tools.get(args["name"])
    if tool is None:
        raise UnknownToolError(
            f"No tool named {args['name']!r}. Tools: {', '.join(tools)}.",
            details={"tool": args["name"], "tools": list(tools)},
        )
    result: dict[str, Any] = {
        "name": tool.name,
        "input_schema": tool.spec.input_schema,
        "not_listed": list(tool.hidden),
        "shapes_not_listed": list(tool.collapsed),
    }
    if args.get("output"):
        # the shape, not the full schema: an agent reads the result itself, and the full output
        # schemas run to 30 KB a tool (hosts have them: Registry.describe, tools --json)
        result["output_schema"] = compact_schema(tool.spec.output_schema, OUTPUT_DEPTH)
    return result
