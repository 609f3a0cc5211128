"""Coupons: list."""

from __future__ import annotations

from typing import Any

from ..client import WooClient
from ..hookspecs import Register, hookimpl
from ..pagination import list_collection
from ..sync.changes import list_changes, wants_cursor


def list_coupons(client: WooClient, args: dict[str, Any]) -> dict[str, Any]:
    if wants_cursor(args):
        return list_changes(client, "coupons", args)
    return list_collection(client, "/coupons", args)


@hookimpl
def register_tools(register: Register) -> None:
    register("list-coupons", list_coupons)
