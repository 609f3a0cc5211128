"""Incremental sync on cursors: every change since the last run, once, with deletes and partitions.

Modules: :mod:`.cursor` (the opaque state string), :mod:`.window` (reading one closed window of
changes), :mod:`.changes` (the resource walk and the list tools' cursor answer),
:mod:`.partitions` (``plan-partitions``), :mod:`.marks` (telling the sync's own writes apart),
:mod:`.command` (``woo-connector sync``).
"""

from __future__ import annotations

from .changes import ChangePage, iter_changes, list_changes

__all__ = ["ChangePage", "iter_changes", "list_changes"]
