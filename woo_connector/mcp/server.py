"""The MCP server: the registry's tools over the official SDK's low-level ``Server``.

The low-level server, not FastMCP: FastMCP builds schemas from Python signatures, and ours are
JSON Schema files already. This module owns transport-facing behaviour only (the tool list, the
result shape, progress, cancellation); validating, calling the store and checking output is
``Registry.invoke``, the same code path the CLI and hosts use.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Mapping
from typing import Any

import anyio
import anyio.from_thread
import anyio.to_thread
import mcp_types as types
from mcp.server.lowlevel import Server

from ..connection import Connection
from ..errors import ContractError, WooConnectorError
from ..pagination import PageInfo, page_listener
from ..registry import Registry
from ..resources import package_version
from . import describe
from .catalog import AgentTool, agent_tools
from .render import render_error, render_result

__all__ = ["build_server", "agent_listing", "listing_json", "SERVER_NAME"]

log = logging.getLogger("woo_connector.mcp")
SERVER_NAME = "woo-connector"
INSTRUCTIONS = (
    "Tools for one WooCommerce store. Read tools change nothing. Write tools change the live "
    "store at once (customers may be emailed, shoppers see prices and stock): call them with "
    "dry_run true first to see the exact requests. tools/list shows each tool's common fields; "
    "any other WooCommerce field is accepted, and describe-tool gives a tool's full schema. "
    "Errors come back as isError results with error.code, error.message and error.retryable."
)


class CallCancelled(Exception):
    """Raised inside a page walk whose MCP call was cancelled: stops it before the next page."""


def build_server(registry: Registry, connection: Mapping[str, Any] | Connection) -> Server[Any]:
    """An MCP server for one store. The connection is checked now, so a bad one fails at start."""
    conn = registry.connection(connection)
    tools = {tool.name: tool for tool in agent_listing(registry)}
    listing = types.ListToolsResult(tools=_mcp_tools(list(tools.values())))

    async def list_tools(ctx: Any, params: types.PaginatedRequestParams | None) -> types.ListToolsResult:
        return listing

    async def call_tool(ctx: Any, params: types.CallToolRequestParams) -> types.CallToolResult:
        tool = tools.get(params.name)
        payload = tool.arguments(params.arguments or {}) if tool else dict(params.arguments or {})
        try:
            if params.name == describe.NAME:
                result = describe.describe(tools, payload)
            else:
                result = await _run(registry, params.name, payload, conn, ctx)
        except WooConnectorError as exc:
            log.info("tool %s failed: %s", params.name, exc.code)
            return _error(exc.to_dict())
        except Exception as exc:  # a bug must reach the agent as a result, not end the session
            log.exception("tool %s crashed", params.name)
            return _error({"code": "internal_error", "message": f"The connector failed: {type(exc).__name__}.",
                           "retryable": False, "http_status": None, "woo_code": None, "details": {}})
        return types.CallToolResult(
            content=[types.TextContent(text=render_result(params.name, result))],
            structured_content=result,
        )

    return Server(
        SERVER_NAME,
        version=package_version(),
        title="WooCommerce",
        instructions=INSTRUCTIONS,
        on_list_tools=list_tools,
        on_call_tool=call_tool,
        get_tool_input_schema=lambda name: (tools[name].input_schema if name in tools
                                            else describe.INPUT_SCHEMA if name == describe.NAME else None),
    )


async def _run(registry: Registry, name: str, payload: dict[str, Any], conn: Connection, ctx: Any) -> dict[str, Any]:
    """Run the blocking tool in a worker thread; report each page read; stop when cancelled.

    A cancelled call cannot interrupt a request in flight, so the walk stops at the next page
    boundary: the listener raises :class:`CallCancelled` in the worker.
    """
    cancelled = threading.Event()
    seen = {"items": 0}

    def on_page(info: PageInfo, count: int) -> None:
        if cancelled.is_set():
            raise CallCancelled()
        seen["items"] += count
        total = float(info.total) if info.total is not None else None
        pages = f" of {info.total_pages}" if info.total_pages is not None else ""
        try:
            anyio.from_thread.run(ctx.session.report_progress, float(seen["items"]), total,
                                  f"{name}: page {info.page}{pages} read")
        except Exception:  # progress is best effort: a closed stream must not fail the call
            log.debug("progress notification not sent", exc_info=True)

    def work() -> dict[str, Any]:
        token = page_listener.set(on_page)
        try:
            return registry.invoke(name, payload, conn)
        finally:
            page_listener.reset(token)

    try:
        return await anyio.to_thread.run_sync(work, abandon_on_cancel=True)
    except anyio.get_cancelled_exc_class():
        cancelled.set()
        raise


def agent_listing(registry: Registry) -> list[AgentTool]:
    """The registry's tools as agents get them, sized to the budget with describe-tool counted."""
    if any(spec.name == describe.NAME for spec in registry.tools()):
        raise ContractError(f"A tool pack provides {describe.NAME!r}, a name Agent Mode keeps for itself.",
                            details={"tool": describe.NAME})
    return agent_tools(registry.tools(), size=_listing_size)


def _mcp_tools(tools: list[AgentTool]) -> list[types.Tool]:
    """The listing: the registry's tools in its order, then describe-tool."""
    return [*(_mcp_tool(tool) for tool in tools), _describe_tool()]


def _describe_tool() -> types.Tool:
    return types.Tool(
        name=describe.NAME,
        title=describe.TITLE,
        description=describe.DESCRIPTION,
        input_schema=describe.INPUT_SCHEMA,
        output_schema=describe.OUTPUT_SCHEMA,
        annotations=_annotations(describe.HINTS),
    )


def _annotations(hints: Mapping[str, bool]) -> types.ToolAnnotations:
    # no title here: the tool's own title says it once
    return types.ToolAnnotations(
        read_only_hint=hints.get("readOnlyHint"),
        destructive_hint=hints.get("destructiveHint"),
        idempotent_hint=hints.get("idempotentHint"),
        open_world_hint=hints.get("openWorldHint"),
    )


def _mcp_tool(tool: AgentTool) -> types.Tool:
    return types.Tool(
        name=tool.name,
        title=tool.spec.title,
        description=tool.description,
        input_schema=tool.input_schema,
        output_schema=tool.output_schema,
        annotations=_annotations(tool.spec.annotations),
    )


def _error(error: dict[str, Any]) -> types.CallToolResult:
    return types.CallToolResult(
        content=[types.TextContent(text=render_error(error))],
        structured_content={"error": error},
        is_error=True,
    )


def listing_json(registry: Registry) -> str:
    """The tools/list answer as sent (by alias, minified): what the size budget is about."""
    return _listing(agent_listing(registry))


def _listing(tools: list[AgentTool]) -> str:
    body = types.ListToolsResult(tools=_mcp_tools(tools)).model_dump(
        mode="json", by_alias=True, exclude_none=True)
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False)


def _listing_size(tools: list[AgentTool]) -> int:
    return len(_listing(tools).encode())
