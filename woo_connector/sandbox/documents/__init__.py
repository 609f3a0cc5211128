"""Store-configuration documents copied from the captured store, for what the sandbox has no data of.

The captured store's settings definitions, system status report, tools, payment gateways,
shipping zones and methods, and the reports index are kept here as JSON (``_links`` removed,
the captured origin replaced by :data:`~woo_connector.sandbox.store.SITE`) rather than typed in
by hand, so their shapes cannot drift from the real answers. Handlers fill in what the store
does know (option values, versions, URLs, counts) and build ``_links`` per request.
"""

from __future__ import annotations

import copy
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

_HERE = Path(__file__).resolve().parent


@lru_cache(maxsize=None)
def _read(name: str) -> Any:
    return json.loads((_HERE / f"{name}.json").read_text(encoding="utf-8"))


def load(name: str) -> Any:
    """A private copy of document ``name`` (handlers may change what they get)."""
    return copy.deepcopy(_read(name))


def peek(name: str) -> Any:
    """The shared, cached document: read it, never change it."""
    return _read(name)
