"""The host's entry point (group ``woo_connector``, :class:`~.hookspecs.HostContract`): hands a
host engine the connector. Tool packs use another group; see ``toolpacks.py``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .hookspecs import hookimpl

if TYPE_CHECKING:
    from .registry import Registry


@hookimpl
def load_connector() -> Registry:
    from .registry import load

    return load()
