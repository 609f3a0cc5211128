"""``woo-connector sync RESOURCE --state FILE [--jsonl]``: a cursor sync for cron jobs and pipes.

The state file holds the cursor and nothing else. It is replaced atomically (written beside,
flushed to disk, renamed over) and only after the records it accounts for are written out and
flushed, so a crash, a full disk or ``| head`` closing the pipe leaves a cursor that is at or
behind what was delivered, never ahead: the next run repeats at most one page, never skips one.
With ``--jsonl`` that happens after every page (one record per line, deletions as
``{"id": N, "deleted": true}``); without it, once, after the single JSON document.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from ..errors import ConfigError, InvalidInputError, WooConnectorError

RESOURCES = ("orders", "products", "coupons", "customers")


def add_sync_parser(sub: Any) -> None:
    """The ``sync`` subcommand, defined here so the CLI gains it with one line."""
    p = sub.add_parser("sync", help="incremental sync on a cursor kept in a state file")
    p.add_argument("resource", choices=RESOURCES)
    p.add_argument("--state", required=True, help="file holding the cursor (created on the first run)")
    p.add_argument("--jsonl", action="store_true", help="one record per line, state saved after every page")
    p.add_argument("--input", default="{}", help="filters as for list-RESOURCE: JSON, @file or -")
    p.add_argument("--connection", help="connection JSON file (default: WOO_* environment)")
    p.set_defaults(run=run_sync)


def read_state(path: Path) -> str:
    if not path.exists():
        return ""
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
        return str(state["cursor"])
    except (OSError, ValueError, KeyError, TypeError):
        raise ConfigError(f"The state file {path} is not one this command wrote; move it away to start over.",
                          details={"state": str(path)}) from None


def write_state(path: Path, cursor: str) -> None:
    """Replace the state file in one step: readers see the old cursor or the new, never half."""
    directory = path.parent
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=directory)
    except OSError as exc:
        raise ConfigError(f"Cannot write the state file {path}: {exc.strerror}.",
                          details={"state": str(path)}) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump({"cursor": cursor}, fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    try:
        dir_fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)  # the rename itself survives a power cut
    finally:
        os.close(dir_fd)


def run_sync(args: argparse.Namespace) -> int:
    """Exit codes and the error object on stdout as ``invoke`` has them."""
    from ..cli import _fail

    try:
        return _sync(args)
    except WooConnectorError as exc:
        return _fail(exc)


def _sync(args: argparse.Namespace) -> int:
    from ..cli import connection_from, read_payload
    from ..registry import load
    from .changes import iter_changes

    filters = read_payload(args.input)
    if not isinstance(filters, dict) or {"cursor", "since"} & set(filters):
        raise InvalidInputError("--input takes the list filters only; the cursor comes from --state.",
                                details={"field": "input"})
    state = Path(args.state)
    if not os.access(state.parent, os.W_OK):
        raise ConfigError(f"Cannot write the state file {state}: its folder is missing or read-only.",
                          details={"state": str(state)})
    payload = {**filters, "cursor": read_state(state)}
    tool = f"list-{args.resource}"
    connector = load()
    payload = connector.check_input(tool, payload)
    client = connector.client(connection_from(args.connection))
    out = sys.stdout
    items: list[dict[str, Any]] = []
    deleted: set[int] = set()
    changed = 0
    cursor = payload["cursor"]
    for page in iter_changes(client, args.resource, payload):
        cursor = page.cursor
        changed += len(page.items)
        deleted.update(page.deleted)
        if args.jsonl:
            for record in page.items:
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
            for oid in page.deleted:
                out.write(json.dumps({"id": oid, "deleted": True}) + "\n")
            out.flush()
            write_state(state, cursor)
        else:
            items.extend(page.items)
    if not args.jsonl:
        out.write(json.dumps({"items": items, "deleted": sorted(deleted), "next_cursor": cursor},
                             indent=2, ensure_ascii=False) + "\n")
        out.flush()
        write_state(state, cursor)
    sys.stderr.write(f"woo-connector: {changed} {args.resource} changed, {len(deleted)} deleted; "
                     f"cursor saved to {state}\n")
    return 0
