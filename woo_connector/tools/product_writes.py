"""Products: delete (to the trash by default; ``force`` deletes for good, with its variations)."""

from __future__ import annotations

from typing import Any

from ..client import WooClient
from ..hookspecs import Register, hookimpl
from . import trash


def delete_product(client: WooClient, args: dict[str, Any]) -> dict[str, Any]:
    return trash.delete(client, f"/products/{args['id']}", bool(args.get("force")))


@hookimpl
def register_tools(register: Register) -> None:
    register("delete-product", delete_product)
