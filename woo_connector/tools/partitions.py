"""plan-partitions: the tool's registration; the planning lives in :mod:`woo_connector.sync.partitions`."""

from __future__ import annotations

from ..hookspecs import Register, hookimpl
from ..sync.partitions import plan_partitions


@hookimpl
def register_tools(register: Register) -> None:
    register("plan-partitions", plan_partitions)
