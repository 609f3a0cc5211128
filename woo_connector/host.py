"""The entry point a host loads (group ``woo_connector``): hands it the connector."""

from __future__ import annotations

from typing import Any

from .hookspecs import hookimpl


@hookimpl
def load_connector() -> Any:
    from .registry import load

    return load()
