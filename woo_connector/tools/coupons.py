"""Coupons: list."""

from __future__ import annotations

from typing import Any

from ..client import WooClient
from ..hookspecs import hookimpl
from .listing import list_collection


def list_coupons(client: WooClient, args: dict[str, Any]) -> dict[str, Any]:
    return list_collection(client, "/coupons", args)


@hookimpl
def register_tools(register):  # type: ignore[no-untyped-def]
    register("list-coupons", list_coupons)
