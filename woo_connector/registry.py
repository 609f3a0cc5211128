"""The only door to the tools: joins connector.yaml, schemas/ and the tool functions by name.

It refuses to start when the three disagree (a tool without schemas, a schema without a tool, a
manifest entry without a function), so a packaging mistake fails at load time in CI rather than
at 3 a.m. inside a customer's workflow.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

import yaml

from .bundle import bundle
from .client import ClientPool, WooClient
from .connection import Connection, connection_error
from .errors import (
    BadResponseError,
    ConfigError,
    ContractError,
    InvalidInputError,
    UnknownToolError,
)
from .plugins import get_plugin_manager
from .redact import redact_url
from .resources import manifest_path, package_version, schemas_dir
from .validation import SchemaSet

ToolFunction = Callable[[WooClient, dict[str, Any]], dict[str, Any]]
TOOL_NAME = re.compile(r"^[a-z]+(-[a-z]+)*$")
ANNOTATION_KEYS = ("readOnlyHint", "destructiveHint", "idempotentHint", "openWorldHint")
CONNECTION_SCHEMA = "connection.json"
VERIFY_SCHEMA = "verify.output.json"


@dataclass(frozen=True)
class ToolSpec:
    name: str
    title: str
    description: str
    input_schema: dict[str, Any] = field(repr=False)
    output_schema: dict[str, Any] = field(repr=False)
    annotations: dict[str, bool]
    function: ToolFunction = field(repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """The MCP ``Tool`` shape: Agent Mode is an export of this, not a second implementation."""
        return {
            "name": self.name,
            "title": self.title,
            "description": self.description,
            "inputSchema": self.input_schema,
            "outputSchema": self.output_schema,
            "annotations": {"title": self.title, **self.annotations},
        }


class Registry:
    """The connector a host holds: list, describe, invoke and verify."""

    def __init__(
        self,
        manifest: Mapping[str, Any],
        schemas: SchemaSet,
        functions: Mapping[str, ToolFunction],
        *,
        version: str | None = None,
        validate_output: bool = False,
        pool: ClientPool | None = None,
    ) -> None:
        self.manifest = dict(manifest)
        self.schemas = schemas
        self.validate_output = validate_output
        self._pool = pool or ClientPool()
        self._tools = _join(self.manifest, schemas, functions, version)

    def __repr__(self) -> str:
        return f"Registry({self.manifest.get('id')!r}, tools={len(self._tools)})"

    # -- discovery --------------------------------------------------------------------------
    def tools(self) -> list[ToolSpec]:
        return list(self._tools.values())

    def tool(self, name: str) -> ToolSpec:
        try:
            return self._tools[name]
        except KeyError:
            raise UnknownToolError(
                f"No tool named {name!r}. Tools: {', '.join(self._tools)}.",
                details={"tool": name, "tools": list(self._tools)},
            ) from None

    def describe(self, name: str) -> dict[str, Any]:
        return self.tool(name).to_dict()

    # -- running ----------------------------------------------------------------------------
    def invoke(self, tool: str, payload: Any, connection: Mapping[str, Any] | Connection) -> dict[str, Any]:
        """Validate, run one tool with a pooled client, check the result. Raises WooConnectorError."""
        spec = self.tool(tool)
        args = self.check_input(spec.name, payload)
        client = self.client(connection)
        try:
            result = spec.function(client, args)
        except (KeyError, TypeError, AttributeError, IndexError) as exc:
            # A tool indexes into what the store sent; a plugin that reshapes responses makes
            # that fail. Hosts get one error family, never a bare Python exception.
            raise BadResponseError(
                f"The store's answer to {spec.name} was not shaped as WooCommerce's: "
                f"{type(exc).__name__}: {exc}."
            ) from exc
        if self.validate_output:
            self.check_output(f"{spec.name}.output.json", result, what=f"{spec.name} output")
        return result

    def verify(self, connection: Mapping[str, Any] | Connection) -> dict[str, Any]:
        """Check a connection's credentials; a failed check is a result (ok false), not an exception."""
        from .verify import verify_connection

        try:
            conn = self.connection(connection)
        except ConfigError as exc:
            result = {
                "ok": False,
                "store_url": _site_url_of(connection),
                "api_url": None,
                "wc_version": None,
                "auth_method": None,
                "message": exc.message,
                "error": exc.to_dict(),
            }
        else:
            result = verify_connection(conn, self._pool)
        if self.validate_output:
            self.check_output(VERIFY_SCHEMA, result, what="verify output")
        return result

    def connection(self, connection: Mapping[str, Any] | Connection) -> Connection:
        if isinstance(connection, Connection):
            return connection
        problems = self.schemas.problems(CONNECTION_SCHEMA, connection)
        if problems:
            raise connection_error(problems)
        return Connection.from_dict(connection)

    def client(self, connection: Mapping[str, Any] | Connection) -> WooClient:
        return self._pool.client_for(self.connection(connection))

    def check_input(self, tool: str, payload: Any) -> dict[str, Any]:
        problems = self.schemas.problems(f"{tool}.input.json", payload)
        if problems:
            raise InvalidInputError(
                f"Invalid input for {tool}: "
                + "; ".join(f"{p.pointer or '/'}: {p.message}" for p in problems),
                details={"problems": [p.to_dict() for p in problems]},
            )
        return dict(payload)

    def check_output(self, schema: str, result: Any, *, what: str) -> None:
        problems = self.schemas.problems(schema, result)
        if problems:
            raise BadResponseError(
                f"The {what} does not match its schema: "
                + "; ".join(f"{p.pointer or '/'}: {p.message}" for p in problems[:10]),
                details={"problems": [p.to_dict() for p in problems]},
            )

    def close(self) -> None:
        self._pool.clear()


def _site_url_of(connection: Any) -> str | None:
    if isinstance(connection, Mapping) and isinstance(connection.get("site_url"), str):
        return redact_url(connection["site_url"])
    return None


def _join(
    manifest: Mapping[str, Any],
    schemas: SchemaSet,
    functions: Mapping[str, ToolFunction],
    version: str | None,
) -> dict[str, ToolSpec]:
    problems: list[str] = []
    if version is not None and str(manifest.get("version")) != version:
        problems.append(f"connector.yaml version {manifest.get('version')!r} != package version {version!r}")
    entries = manifest.get("tools") or []
    declared = [entry.get("name") for entry in entries]
    if len(set(declared)) != len(declared):
        problems.append("connector.yaml names a tool twice")
    schema_tools = {
        name.rsplit(".", 2)[0] for name in schemas.names() if re.fullmatch(r"[a-z-]+\.(input|output)\.json", name)
    }
    for name in schema_tools - set(declared) - {VERIFY_SCHEMA.split(".")[0]}:
        problems.append(f"schema for {name!r} but no such tool in connector.yaml")
    for name in set(functions) - set(declared):
        problems.append(f"function registered for {name!r} but no such tool in connector.yaml")
    for required in (CONNECTION_SCHEMA, VERIFY_SCHEMA):
        if required not in schemas.names():
            problems.append(f"schemas/{required} is missing")
    tools: dict[str, ToolSpec] = {}
    for entry in entries:
        name = entry.get("name", "")
        if not TOOL_NAME.match(name):
            problems.append(f"tool name {name!r} does not match {TOOL_NAME.pattern}")
            continue
        missing = [side for side in ("input", "output") if f"{name}.{side}.json" not in schemas.names()]
        if missing:
            problems.append(f"{name}: no schemas/{name}.{'/'.join(missing)}.json")
        if name not in functions:
            problems.append(f"{name}: declared in connector.yaml but no function registered")
        annotations = entry.get("annotations") or {}
        absent = [k for k in ANNOTATION_KEYS[:3] if not isinstance(annotations.get(k), bool)]
        if absent:
            problems.append(f"{name}: annotations missing {', '.join(absent)}")
        if not entry.get("title") or not entry.get("description"):
            problems.append(f"{name}: title and description are required")
        if missing or name not in functions or absent:
            continue
        tools[name] = ToolSpec(
            name=name,
            title=str(entry["title"]),
            description=" ".join(str(entry["description"]).split()),
            input_schema=bundle(schemas, f"{name}.input.json"),
            output_schema=bundle(schemas, f"{name}.output.json"),
            annotations={k: bool(v) for k, v in annotations.items() if k in ANNOTATION_KEYS},
            function=functions[name],
        )
    if problems:
        raise ContractError(
            "The connector's manifest, schemas and code disagree: " + "; ".join(sorted(problems)),
            details={"problems": sorted(problems)},
        )
    return tools


def collect_functions() -> dict[str, ToolFunction]:
    functions: dict[str, ToolFunction] = {}
    duplicates: list[str] = []

    def register(name: str, function: ToolFunction) -> None:
        if name in functions:
            duplicates.append(name)
        functions[name] = function

    get_plugin_manager().hook.register_tools(register=register)
    if duplicates:
        raise ContractError(f"tools registered twice: {', '.join(sorted(set(duplicates)))}")
    return functions


def load_manifest() -> dict[str, Any]:
    with manifest_path().open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def load(*, validate_output: bool | None = None) -> Registry:
    """Build the connector. Output validation: the argument, else WOO_CONNECTOR_VALIDATE_OUTPUT=1."""
    if validate_output is None:
        validate_output = os.environ.get("WOO_CONNECTOR_VALIDATE_OUTPUT", "") in ("1", "true", "yes")
    return Registry(
        load_manifest(),
        SchemaSet(schemas_dir()),
        collect_functions(),
        version=package_version(),
        validate_output=validate_output,
    )
