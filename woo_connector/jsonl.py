"""The CLI's long pulls: items as JSON lines on stdout as they arrive, a progress bar on stderr.

``invoke --jsonl`` exists so that a shell pipeline never waits for (or holds) the whole list:
each item is written and flushed as soon as its page arrives, so ``| head`` stops the pull
early and a crash keeps every line already written. stdout carries nothing but JSON lines; a
failure part-way is one more line, ``{"error": {...}}`` with ``details.resume``, so a reader
parsing line by line sees it too. The bar (tqdm) goes to stderr only.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping
from typing import Any

from tqdm import tqdm

from .errors import InvalidInputError, UnknownToolError, WooConnectorError
from .pagination import PageInfo, page_listener

EXIT_OK, EXIT_ERROR, EXIT_INVALID = 0, 1, 2


class ProgressBar:
    """A tqdm bar on stderr, fed either by ``update(done, total)`` (a stream's ``on_progress``)
    or, around a plain ``invoke``, by the walk's page listener."""

    def __init__(self, label: str, show: bool) -> None:
        self._bar = tqdm(desc=label, unit=" items", file=sys.stderr, disable=not show, dynamic_ncols=True,
                         leave=False)
        self._token: Any = None
        self._seen = 0

    def update(self, done: int, total: int | None) -> None:
        if total is not None and self._bar.total != total:
            self._bar.total = total
        self._bar.n = done
        self._bar.refresh()

    def _on_page(self, info: PageInfo, count: int) -> None:
        self._seen += count
        self.update(self._seen, info.total)

    def __enter__(self) -> "ProgressBar":
        if not self._bar.disable:
            self._token = page_listener.set(self._on_page)
        return self

    def close(self) -> None:
        self._bar.close()

    def __exit__(self, *exc: Any) -> None:
        if self._token is not None:
            page_listener.reset(self._token)
        self.close()


def stream_jsonl(connector: Any, tool: str, payload: Any, connection: Mapping[str, Any], show: bool) -> int:
    """Write every item of a list tool as one line; the exit code is ``invoke``'s."""
    out = sys.stdout
    bar = ProgressBar(tool, show)
    items = connector.iter_items(tool, payload, connection, on_progress=bar.update)
    try:
        for item in items:
            out.write(json.dumps(item, ensure_ascii=False, separators=(",", ":")) + "\n")
            out.flush()
    except BrokenPipeError:
        # The reader has what it wanted (`| head`): stop pulling, say nothing, and keep Python's
        # exit-time flush of stdout from failing on the closed pipe.
        items.close()
        bar.close()
        os.dup2(os.open(os.devnull, os.O_WRONLY), out.fileno())
        return EXIT_OK
    except WooConnectorError as exc:
        bar.close()
        out.write(json.dumps({"error": exc.to_dict()}, ensure_ascii=False, separators=(",", ":")) + "\n")
        out.flush()
        resume = exc.details.get("resume")
        hint = f" (resume with {json.dumps(resume)})" if resume else ""
        sys.stderr.write(f"woo-connector: {exc.code}: {exc.message}{hint}\n")
        return EXIT_INVALID if isinstance(exc, (InvalidInputError, UnknownToolError)) else EXIT_ERROR
    bar.close()
    return EXIT_OK


__all__ = ["ProgressBar", "stream_jsonl"]
