"""Customers: list, get, create."""

from __future__ import annotations

from typing import Any

from ..client import WooClient
from ..hookspecs import Register, hookimpl
from ..pagination import list_collection
from ..recovery import create_or_recover
from ..sync.changes import list_changes, wants_cursor


def list_customers(client: WooClient, args: dict[str, Any]) -> dict[str, Any]:
    if wants_cursor(args):
        return list_changes(client, "customers", args)
    return list_collection(client, "/customers", args)


def get_customer(client: WooClient, args: dict[str, Any]) -> dict[str, Any]:
    return client.get(f"/customers/{args['id']}")


def create_customer(client: WooClient, args: dict[str, Any]) -> dict[str, Any]:
    """A duplicate email comes back as invalid_request with woo_code registration-error-email-exists."""
    return create_or_recover(
        client, "/customers", args, key="email", query=lambda email: {"email": email, "role": "all"}
    )


@hookimpl
def register_tools(register: Register) -> None:
    register("list-customers", list_customers)
    register("get-customer", get_customer)
    register("create-customer", create_customer)
