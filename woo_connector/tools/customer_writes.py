"""Customers: update, delete.

WooCommerce cannot trash a customer: a DELETE without ``force`` is HTTP 501
``woocommerce_rest_trash_not_supported`` and changes nothing (captures 148, 293). The input
schema therefore requires ``force: true``, so the one request that can work is the one sent.
"""

from __future__ import annotations

from typing import Any

from ..client import WooClient
from ..hookspecs import Register, hookimpl


def update_customer(client: WooClient, args: dict[str, Any]) -> dict[str, Any]:
    fields = {k: v for k, v in args.items() if k != "id"}
    return client.put(f"/customers/{args['id']}", fields)


def delete_customer(client: WooClient, args: dict[str, Any]) -> dict[str, Any]:
    """The customer as it was; ``reassign`` hands the user's posts to another user first."""
    params: dict[str, Any] = {"force": True}
    if "reassign" in args:
        params["reassign"] = args["reassign"]
    return client.delete(f"/customers/{args['id']}", params)


@hookimpl
def register_tools(register: Register) -> None:
    register("update-customer", update_customer)
    register("delete-customer", delete_customer)
