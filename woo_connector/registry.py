"""The only door to the tools: joins manifest entries, schemas and tool functions by name.

Tools come in tool packs (``toolpacks.py``): the built-in one (connector.yaml, schemas/,
woo_connector/tools/) and any installed one. Every pack is checked on its own and then all are
joined; the registry refuses to start when they disagree (a tool without schemas, a schema
without a tool, a manifest entry without a function, a name two packs claim), so a packaging
mistake fails at load time in CI rather than at 3 a.m. inside a customer's workflow.
"""

from __future__ import annotations

import logging
import os
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml

from . import dry_run
from . import payload as payload_rules
from .bundle import bundle
from .client import ClientPool, WooClient
from .connection import Connection, connection_error
from .errors import (
    BadResponseError,
    ConfigError,
    ContractError,
    InternalError,
    InvalidInputError,
    UnknownToolError,
    WooConnectorError,
)
from .early_output import EarlyItems, items_schema
from .hookspecs import ToolFunction
from .list_stream import StreamPage, items_of, page_stream
from .pagination import collected_items
from .redact import redact_text, redact_url
from .resources import manifest_path, package_version
from .toolpacks import SAFE_LOADER, ToolPack, discover
from .validation import Checker, Problem, SchemaSet

TOOL_NAME = re.compile(r"^[a-z]+(-[a-z]+)*$")
ANNOTATION_KEYS = ("readOnlyHint", "destructiveHint", "idempotentHint", "openWorldHint")
CONNECTION_SCHEMA = "connection.json"
VERIFY_SCHEMA = "verify.output.json"
CONNECTIONS_KEPT = 32  # validated connection dicts remembered, as many as the client pool keeps

log = logging.getLogger("woo_connector.output")


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
        self._checkers: dict[str, Checker] = {}
        self._early_checkers: dict[str, Checker | None] = {}  # per list tool; None: checked whole
        self._connections: OrderedDict[tuple[Any, ...], Connection] = OrderedDict()
        self._connections_lock = threading.Lock()
        self._local = threading.local()

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
        self._local.output_problems = []
        spec = self.tool(tool)
        args = self.check_input(spec.name, payload)
        preview = dry_run.requested(args)
        client = self.client(connection)
        if preview:
            client = dry_run.RecordingClient(client)
        early = self._early_items(spec)
        token = collected_items.set(early) if early is not None else None
        try:
            result = spec.function(client, args)
        except WooConnectorError:
            raise
        except Exception as exc:
            # Tools check the store's shape before relying on it (store_shape.store_object), so
            # anything else escaping is our bug. Hosts get one error family, never a traceback.
            raise InternalError(
                f"{spec.name} failed inside the connector (a bug, not the store's doing): "
                f"{type(exc).__name__}: {exc}.",
                details={"tool": spec.name, "exception": type(exc).__name__},
            ) from exc
        finally:
            if token is not None:
                collected_items.reset(token)
        if isinstance(client, dry_run.RecordingClient):
            result = client.result()
        if self.validate_output:
            self._check_result(spec, result, refuse=bool(spec.annotations.get("readOnlyHint")) or bool(preview),
                               early=early)
        return result

    def _early_items(self, spec: ToolSpec) -> EarlyItems | None:
        """Strict mode's check of a list call's items as its pages are collected (early_output)."""
        if not self.validate_output or not spec.annotations.get("readOnlyHint"):
            return None
        if spec.name not in self._early_checkers:
            schema = items_schema(spec.output_schema, spec.function.__module__)
            self._early_checkers[spec.name] = Checker.of(schema) if schema is not None else None
        checker = self._early_checkers[spec.name]
        return EarlyItems(checker) if checker is not None else None

    @property
    def last_output_problems(self) -> list[dict[str, str]]:
        """What strict output validation found wrong in the answer to this thread's last ``invoke``
        of a write tool (``[]`` when nothing, or when validation is off).

        A write the store has done must not come back as an error because its answer has a shape
        we did not expect: the host would retry it and write twice. So such a mismatch is logged
        (warning, logger ``woo_connector.output``) and kept here, and the result is returned. A
        read, which can simply be repeated, is refused with ``bad_response`` instead.
        """
        return list(getattr(self._local, "output_problems", []))

    def _check_result(self, spec: ToolSpec, result: Any, *, refuse: bool, early: EarlyItems | None = None) -> None:
        checker = self._checker(spec.name, "output")
        problems = early.problems(result, checker) if early is not None else checker.problems(result)
        if not problems:
            return
        if refuse:
            self._refuse_output(problems, f"{spec.name} output")
        found = [{"pointer": p.pointer, "message": redact_text(p.message)} for p in problems]
        self._local.output_problems = found
        log.warning(
            "%s succeeded, but its answer does not match the output schema: %s",
            spec.name, "; ".join(f"{p['pointer'] or '/'}: {p['message']}" for p in found[:10]),
        )

    def iter_pages(
        self,
        tool: str,
        payload: Any,
        connection: Mapping[str, Any] | Connection,
        *,
        on_progress: Callable[[int, int | None], None] | None = None,
    ) -> Iterator[StreamPage]:
        """A list tool's pages as they arrive, each with the ``checkpoint`` to continue after it
        (``list_stream``): every page, as ``all_pages`` does, or a cursor sync's pages."""
        spec = self.tool(tool)
        envelope = set(spec.output_schema.get("properties", {}))
        if not spec.annotations.get("readOnlyHint") or not {"items", "has_more", "next_page"} <= envelope:
            raise InvalidInputError(
                f"{spec.name} is not a list tool: only read-only tools that page through a collection stream.",
                details={"tool": spec.name},
            )
        args = self.check_input(spec.name, payload)
        check = self._page_check(spec.name) if self.validate_output else None
        return page_stream(spec.function, self.client(connection), args, spec.name,
                           on_progress=on_progress, check_page=check)

    def iter_items(
        self,
        tool: str,
        payload: Any,
        connection: Mapping[str, Any] | Connection,
        *,
        on_progress: Callable[[int, int | None], None] | None = None,
        on_page: Callable[[StreamPage], None] | None = None,
    ) -> Iterator[Any]:
        """The items of a list tool one by one as pages arrive: every page, as ``all_pages``
        does, up to ``max_items``; the walk, validation, errors and id dedupe are ``invoke``'s.

        The payload is checked before this returns; nothing is fetched until the first item is
        asked for. A failure part-way raises the usual error with ``details.resume``: call again
        with ``{**payload, **details["resume"]}`` for the rest. ``on_page(page)`` runs once a
        page's items were all taken: ``page.checkpoint`` is then safe to store.
        """
        return items_of(self.iter_pages(tool, payload, connection, on_progress=on_progress), on_page)

    def _page_check(self, tool: str) -> Callable[[dict[str, Any]], None]:
        """Strict mode for streams: each page's envelope is checked as the tool's output."""
        checker = self._checker(tool, "output")
        return lambda envelope: self._refuse_output(checker.problems(envelope), f"{tool} output (one page)")

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
        """The validated connection; a dict seen before is not checked again (its schema check
        and ``from_dict`` cost more than the rest of a small call)."""
        if isinstance(connection, Connection):
            return connection
        key = _frozen(connection)
        if key is not None:
            with self._connections_lock:
                known = self._connections.get(key)
                if known is not None:
                    self._connections.move_to_end(key)
                    return known
        problems = self.schemas.problems(CONNECTION_SCHEMA, connection)
        if problems:
            raise connection_error(problems)
        conn = Connection.from_dict(connection)
        if key is not None:
            with self._connections_lock:
                self._connections[key] = conn
                while len(self._connections) > CONNECTIONS_KEPT:
                    self._connections.popitem(last=False)
        return conn

    def client(self, connection: Mapping[str, Any] | Connection) -> WooClient:
        return self._pool.client_for(self.connection(connection))

    def _checker(self, tool: str, side: str) -> Checker:
        """Payloads are checked against the schemas hosts and agents are handed (bundled, flat)."""
        key = f"{tool}.{side}"
        checker = self._checkers.get(key)
        if checker is None:
            spec = self.tool(tool)
            checker = Checker.of(spec.input_schema if side == "input" else spec.output_schema)
            self._checkers[key] = checker
        return checker

    def check_input(self, tool: str, payload: Any) -> dict[str, Any]:
        payload_rules.screen(payload)
        problems = self._checker(tool, "input").problems(payload)
        if problems:
            raise InvalidInputError(
                f"Invalid input for {tool}: "
                + "; ".join(f"{p.pointer or '/'}: {p.message}" for p in problems),
                details={"problems": [p.to_dict() for p in problems]},
            )
        return payload_rules.normalised(self.tool(tool).input_schema, payload)

    def check_output(self, schema: str, result: Any, *, what: str) -> None:
        self._refuse_output(self.schemas.problems(schema, result), what)

    @staticmethod
    def _refuse_output(problems: list[Problem], what: str) -> None:
        if problems:
            raise BadResponseError(
                f"The {what} does not match its schema: "
                + "; ".join(f"{p.pointer or '/'}: {p.message}" for p in problems[:10]),
                details={"problems": [p.to_dict() for p in problems]},
            )

    def close(self) -> None:
        self._pool.clear()
        with self._connections_lock:
            self._connections.clear()


def _frozen(connection: Any) -> tuple[Any, ...] | None:
    """A hashable copy of a connection dict (types included: ``True`` and ``1`` are equal in
    Python but not to the schema), or None when a value cannot be hashed (the check then runs
    and says what is wrong). Kept in memory only, like the client pool's key: never shown."""
    if not isinstance(connection, Mapping):
        return None
    try:
        key = tuple(sorted((k, type(v).__name__, v) for k, v in connection.items()))
        hash(key)
    except TypeError:
        return None
    return key


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
    for required in (CONNECTION_SCHEMA, VERIFY_SCHEMA):
        if required not in schemas.names():
            problems.append(f"schemas/{required} is missing")
    entries = list(manifest.get("tools") or [])
    problems += disagreements(entries, schemas.names(), functions, "connector.yaml")
    if problems:
        raise ContractError(
            "The connector's manifest, schemas and code disagree: " + "; ".join(sorted(problems)),
            details={"problems": sorted(problems)},
        )
    return {entry["name"]: _spec(entry, schemas, functions[entry["name"]]) for entry in entries}


def _spec(entry: Mapping[str, Any], schemas: SchemaSet, function: ToolFunction) -> ToolSpec:
    """One tool as hosts and agents see it; a write tool's schemas also carry ``dry_run``."""
    name = entry["name"]
    hints = {k: bool(v) for k, v in entry["annotations"].items() if k in ANNOTATION_KEYS}
    input_schema, output_schema = bundle(schemas, f"{name}.input.json"), bundle(schemas, f"{name}.output.json")
    if dry_run.accepts(hints):
        input_schema, output_schema = dry_run.declare(input_schema, output_schema, bundle(schemas, dry_run.DEF))
    return ToolSpec(
        name=name,
        title=str(entry["title"]),
        description=" ".join(str(entry["description"]).split()),
        input_schema=input_schema,
        output_schema=output_schema,
        annotations=hints,
        function=function,
    )


def disagreements(
    entries: list[Mapping[str, Any]], schema_names: Iterable[str], functions: Iterable[str], manifest: str
) -> list[str]:
    """Where manifest entries, schema files and functions disagree: one check for the joined
    connector and for each tool pack alone (``manifest`` names the file in the messages)."""
    problems: list[str] = []
    names = set(schema_names)
    functions = set(functions)
    declared = [entry.get("name") for entry in entries]
    if len(set(declared)) != len(declared):
        problems.append(f"{manifest} names a tool twice")
    schema_tools = {name.rsplit(".", 2)[0] for name in names if re.fullmatch(r"[a-z-]+\.(input|output)\.json", name)}
    for name in sorted(schema_tools - set(declared) - {VERIFY_SCHEMA.split(".")[0]}):
        problems.append(f"schema for {name!r} but no such tool in {manifest}")
    for name in sorted(functions - set(declared)):
        problems.append(f"function registered for {name!r} but no such tool in {manifest}")
    for entry in entries:
        name = entry.get("name", "")
        if not isinstance(name, str) or not TOOL_NAME.match(name):
            problems.append(f"tool name {name!r} does not match {TOOL_NAME.pattern}")
            continue
        missing = [side for side in ("input", "output") if f"{name}.{side}.json" not in names]
        if missing:
            problems.append(f"{name}: no schemas/{name}.{'/'.join(missing)}.json")
        if name not in functions:
            problems.append(f"{name}: declared in {manifest} but no function registered")
        annotations = entry.get("annotations") or {}
        absent = [k for k in ANNOTATION_KEYS[:3] if not isinstance(annotations.get(k), bool)]
        if absent:
            problems.append(f"{name}: annotations missing {', '.join(absent)}")
        if not entry.get("title") or not entry.get("description"):
            problems.append(f"{name}: title and description are required")
    return problems


def join_packs(
    host_manifest: Mapping[str, Any], packs: list[ToolPack]
) -> tuple[dict[str, Any], SchemaSet, dict[str, ToolFunction]]:
    """Check each pack alone, then that no two claim a tool or schema file; join them in order."""
    problems: list[str] = []
    refused: list[str] = []
    tool_owner: dict[str, str] = {}
    file_owner: dict[str, str] = {}
    tools: list[dict[str, Any]] = []
    functions: dict[str, ToolFunction] = {}
    roots: list[Path] = []
    for pack in packs:
        own = list(pack.problems)
        files = sorted(p.relative_to(pack.schemas).as_posix() for p in pack.schemas.rglob("*.json")) if pack.schemas else []
        if pack.schemas is not None:
            own += disagreements(pack.tools, files, pack.functions, "its manifest")
        claimed = [("tool", str(t.get("name"))) for t in pack.tools] + [("schemas file", rel) for rel in files]
        for kind, name in claimed:
            owners = tool_owner if kind == "tool" else file_owner
            owner = owners.setdefault(name, pack.name)
            if owner != pack.name:
                own.append(f"{kind} {name!r} is already provided by tool pack {owner!r}")
        if own or pack.schemas is None:
            refused.append(pack.name)
            problems += [f"tool pack {pack.name!r}: {problem}" for problem in own]
            continue
        tools += pack.tools
        functions.update(pack.functions)
        roots.append(pack.schemas)
    if problems:
        raise ContractError(
            "Tool packs were refused: " + "; ".join(problems),
            details={"problems": problems, "packs": refused},
        )
    return {**host_manifest, "tools": tools}, SchemaSet(*roots), functions


def collect_functions() -> dict[str, ToolFunction]:
    """Every installed pack's functions by tool name (the joined, checked set)."""
    return join_packs(load_manifest(), discover())[2]


def load_manifest() -> dict[str, Any]:
    with manifest_path().open(encoding="utf-8") as fh:
        return yaml.load(fh, Loader=SAFE_LOADER)


def load(*, validate_output: bool | None = None, packs: list[ToolPack] | None = None) -> Registry:
    """Build the connector from the built-in and installed tool packs (or the ``packs`` given).

    Output validation: the argument, else WOO_CONNECTOR_VALIDATE_OUTPUT=1.
    """
    if validate_output is None:
        validate_output = os.environ.get("WOO_CONNECTOR_VALIDATE_OUTPUT", "") in ("1", "true", "yes")
    manifest, schemas, functions = join_packs(load_manifest(), discover() if packs is None else packs)
    return Registry(manifest, schemas, functions, version=package_version(), validate_output=validate_output)
