"""The host emulator: the same contract as the Python API, for people and non-Python engines.

stdout carries JSON only (results, or the error object); stderr carries one human line. Exit
codes: 0 success, 2 invalid input (the payload, the command line, an unknown tool), 1 anything
else. No traceback is ever printed: a failure the connector did not foresee is still one JSON
error object (code ``internal_error``), redacted like every other.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path
from typing import Any, Sequence

from .errors import ConfigError, InvalidInputError, UnknownToolError, WooConnectorError
from .jsonl import ProgressBar, stream_jsonl
from .payload import MAX_DEPTH
from .mcp.command import add_parser as add_mcp_parser
from .redact import install_log_redaction, redact_text
from .sync.command import add_sync_parser

ENV_PREFIX = "WOO_"
ENV_FIELDS = {
    "WOO_SITE_URL": "site_url",
    "WOO_CONSUMER_KEY": "consumer_key",
    "WOO_CONSUMER_SECRET": "consumer_secret",
    "WOO_AUTH": "auth",
    "WOO_VERIFY_SSL": "verify_ssl",
    "WOO_CA_BUNDLE": "ca_bundle",
    "WOO_TIMEOUT": "timeout",
    "WOO_USER_AGENT": "user_agent",
    "WOO_CALL_BUDGET": "call_budget",
    "WOO_PROXY": "proxy",
}
NUMBER_FIELDS = ("timeout", "call_budget")
MAX_INPUT_DEPTH = MAX_DEPTH  # deeper JSON is refused before a recursive validator or encoder sees it
EXIT_OK, EXIT_ERROR, EXIT_INVALID = 0, 1, 2


def connection_from(path: str | None, environ: dict[str, str] | None = None) -> dict[str, Any]:
    """--connection FILE (JSON), else WOO_* environment variables (typed as the schema wants)."""
    if path:
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except OSError as exc:
            raise ConfigError(f"Cannot read the connection file {path}: {exc.strerror}.") from None
        except UnicodeDecodeError:
            raise ConfigError(f"The connection file {path} is not UTF-8 text.") from None
        except (ValueError, RecursionError):
            # json's message quotes the text around the error, which may be the secret.
            raise ConfigError(f"The connection file {path} is not valid JSON.") from None
        return data
    env = os.environ if environ is None else environ
    conn: dict[str, Any] = {}
    for var, field in ENV_FIELDS.items():
        raw = env.get(var)
        if raw is None or raw == "":
            continue
        if field == "verify_ssl":
            conn[field] = raw.strip().lower() not in ("0", "false", "no", "off")
        elif field in NUMBER_FIELDS:
            try:
                conn[field] = float(raw)
            except ValueError:
                raise ConfigError(f"{var} must be a number of seconds; got {raw!r}.") from None
        else:
            conn[field] = raw
    if not conn:
        raise ConfigError(
            "No connection: pass --connection FILE or set WOO_SITE_URL, WOO_CONSUMER_KEY and "
            "WOO_CONSUMER_SECRET (try `woo-connector sandbox` for a local store)."
        )
    return conn


def read_payload(spec: str) -> Any:
    """--input takes inline JSON, @file, or - for standard input."""
    try:
        if spec == "-":
            text = sys.stdin.read()
        elif spec.startswith("@"):
            text = Path(spec[1:]).read_text(encoding="utf-8")
        else:
            text = spec
    except OSError as exc:
        raise InvalidInputError(f"Cannot read {spec[1:]}: {exc.strerror}.") from None
    except UnicodeDecodeError as exc:
        raise InvalidInputError(f"--input is not UTF-8 text (byte {exc.start} cannot be decoded).") from None
    try:
        value = json.loads(text)
    except RecursionError:
        value = None
    except ValueError as exc:
        raise InvalidInputError(f"--input is not valid JSON: {exc}.") from None
    if value is None and text.strip() != "null" or _depth_over(value, MAX_INPUT_DEPTH):
        raise InvalidInputError(
            f"--input is nested more than {MAX_INPUT_DEPTH} levels deep; no tool takes that.",
            details={"problems": [{"pointer": "/", "message": f"nested deeper than {MAX_INPUT_DEPTH} levels"}]},
        )
    return value


def _depth_over(value: Any, limit: int) -> bool:
    """Whether JSON nests deeper than ``limit``, found without recursion."""
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, (dict, list)):
            if depth > limit:
                return True
            stack.extend((child, depth + 1) for child in (node.values() if isinstance(node, dict) else node))
    return False


def _emit(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, indent=2, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def _fail(exc: WooConnectorError) -> int:
    _emit({"error": exc.to_dict()})
    sys.stderr.write(f"woo-connector: {exc.code}: {exc.message}\n")
    return EXIT_INVALID if isinstance(exc, (InvalidInputError, UnknownToolError)) else EXIT_ERROR


def _crash(exc: BaseException) -> int:
    """The last line of defence: an unforeseen failure is still one redacted JSON error."""
    message = redact_text(f"The connector failed unexpectedly: {type(exc).__name__}: {exc}")[:500]
    _emit({"error": {"code": "internal_error", "message": message, "retryable": False, "reason": None,
                     "http_status": None, "woo_code": None, "details": {}}})
    sys.stderr.write(f"woo-connector: internal_error: {message}\n")
    return EXIT_ERROR


def _describe_text(tool: dict[str, Any]) -> str:
    hints = tool["annotations"]
    flags = [name for name, key in (("read-only", "readOnlyHint"), ("destructive", "destructiveHint"),
                                    ("idempotent", "idempotentHint")) if hints.get(key)]
    lines = [f"{tool['name']} - {tool['title']}", "", tool["description"], "",
             "Hints: " + (", ".join(flags) or "none"), "", "Input fields:"]
    props = tool["inputSchema"].get("properties", {})
    required = set(tool["inputSchema"].get("required", []))
    for name, schema in props.items():
        kind = schema.get("type") or ("|".join(s.get("type", "?") for s in schema.get("anyOf", schema.get("oneOf", [])))) or "any"
        if isinstance(kind, list):
            kind = "|".join(kind)
        desc = " ".join(str(schema.get("description", "")).split())
        lines.append(f"  {name}{' (required)' if name in required else ''}: {kind}. {desc}".rstrip())
    examples = tool["inputSchema"].get("examples") or []
    if examples:
        lines += ["", "Example input:", "  " + json.dumps(examples[0])]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return _main(argv)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # noqa: BLE001 - never a traceback on a user's terminal
        return _crash(exc)


def _main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="woo-connector", description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="log HTTP requests (redacted) to stderr")
    # -v also after the subcommand; SUPPRESS keeps a later default from undoing an earlier -v.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS,
                        help="log HTTP requests (redacted) to stderr")
    sub = parser.add_subparsers(dest="command", required=True)
    add_parser = sub.add_parser

    def with_common(name: str, **kw: Any) -> argparse.ArgumentParser:
        return add_parser(name, parents=[common], **kw)

    sub.add_parser = with_common  # type: ignore[method-assign]

    p_tools = sub.add_parser("tools", help="list the tools")
    p_tools.add_argument("--json", action="store_true", help="every tool with schemas and annotations")
    p_desc = sub.add_parser("describe", help="one tool, readable")
    p_desc.add_argument("tool")
    p_desc.add_argument("--json", action="store_true")
    p_inv = sub.add_parser("invoke", help="run one tool")
    p_inv.add_argument("tool")
    p_inv.add_argument("--input", default="{}", help="JSON, @file, or - for stdin")
    p_inv.add_argument("--connection", help="connection JSON file (default: WOO_* environment)")
    p_inv.add_argument("--jsonl", action="store_true",
                       help="list tools: every item, one JSON object per line, written as pages arrive")
    shown = p_inv.add_mutually_exclusive_group()
    shown.add_argument("--progress", dest="progress", action="store_true", default=None,
                       help="a progress bar on stderr for list pulls (default: when stderr is a terminal)")
    shown.add_argument("--no-progress", dest="progress", action="store_false", help="no progress bar")
    p_ver = sub.add_parser("verify", help="check a connection")
    p_ver.add_argument("--connection", help="connection JSON file (default: WOO_* environment)")
    # woo_connector.sandbox.cli parses the sandbox's own options (prefix_chars: pass them all on)
    p_sb = sub.add_parser("sandbox", help="run the embedded sandbox store until Ctrl-C", add_help=False, prefix_chars="\0")
    p_sb.add_argument("options", nargs="*")
    p_demo = sub.add_parser("demo", help="run a small sync workflow against the sandbox (or a real store)")
    p_demo.add_argument("--connection", help="run against this store instead of the embedded sandbox")
    p_demo.add_argument("--orders", type=int, default=300)
    p_demo.add_argument("--seed", type=int, default=42)
    p_demo.add_argument("--yes", action="store_true", help="allow writing to a --connection store that is not the sandbox")
    add_mcp_parser(sub)  # Agent Mode: woo_connector/mcp/command.py owns its options and its run
    add_sync_parser(sub)  # woo_connector/sync/command.py owns its options and its run

    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return EXIT_INVALID if exc.code not in (0, None) else EXIT_OK
    install_log_redaction()
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)

    if getattr(args, "run", None) is not None:
        return int(args.run(args))
    if args.command == "sandbox":
        from .sandbox.cli import run_sandbox

        return run_sandbox(args.options)
    if args.command == "demo":
        from .demo import run_demo

        try:
            conn = connection_from(args.connection) if args.connection else None
        except WooConnectorError as exc:
            return _fail(exc)
        return run_demo(conn, orders=args.orders, seed=args.seed, yes=args.yes)

    from .registry import load

    try:
        connector = load()
        if args.command == "tools":
            tools = [t.to_dict() for t in connector.tools()]
            if args.json:
                _emit(tools)
            else:
                width = max(len(t["name"]) for t in tools)
                for t in tools:
                    sys.stdout.write(f"{t['name']:<{width}}  {t['title']}\n")
            return EXIT_OK
        if args.command == "describe":
            tool = connector.describe(args.tool)
            if args.json:
                _emit(tool)
            else:
                sys.stdout.write(_describe_text(tool) + "\n")
            return EXIT_OK
        if args.command == "invoke":
            payload = read_payload(args.input)
            connector.tool(args.tool)  # an unknown tool and a bad payload are reported
            connector.check_input(args.tool, payload)  # before a missing connection
            show = sys.stderr.isatty() if args.progress is None else args.progress
            if args.jsonl:
                return stream_jsonl(connector, args.tool, payload, connection_from(args.connection), show)
            with ProgressBar(args.tool, show) as bar:
                result = connector.invoke(args.tool, payload, connection_from(args.connection))
            _emit(result)
            return EXIT_OK
        if args.command == "verify":
            result = connector.verify(connection_from(args.connection))
            _emit(result)
            if not result["ok"]:
                sys.stderr.write(f"woo-connector: verify failed: {result['message']}\n")
            return EXIT_OK if result["ok"] else EXIT_ERROR
    except WooConnectorError as exc:
        return _fail(exc)
    return EXIT_ERROR  # unreachable: argparse requires a command


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
